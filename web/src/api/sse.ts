import { apiRaw } from './client';

export interface SseEvent {
  event: string;
  data: unknown;
}

/**
 * Incremental Server-Sent Events parser: feed it chunks of text, get the complete events
 * (blank-line terminated) so far. Comments (`: ...`) are skipped; `data:` lines are joined.
 */
export function createSseParser(): (chunk: string) => SseEvent[] {
  let buffer = '';
  return (chunk) => {
    buffer += chunk.replace(/\r\n/g, '\n');
    const events: SseEvent[] = [];
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') name = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0) {
        const text = data.join('\n');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // Plain text data stays a string.
        }
        events.push({ event: name, data: parsed });
      }
      end = buffer.indexOf('\n\n');
    }
    return events;
  };
}

/** POSTs to an SSE endpoint and calls `onEvent` for every event until the stream ends. */
export async function postEventStream(
  path: string,
  body: unknown,
  onEvent: (event: SseEvent) => void,
  signal?: AbortSignal,
): Promise<void> {
  const res = await apiRaw(path, { method: 'POST', body, accept: 'text/event-stream', signal });
  if (!res.body) throw new Error('The server sent no stream');
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const parse = createSseParser();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    for (const event of parse(value)) onEvent(event);
  }
}
