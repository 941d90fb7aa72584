/**
 * Speaks Anthropic's Messages wire protocol: `POST /v1/messages` (JSON, or SSE with the event
 * sequence message_start, content_block_start, ping, content_block_delta…, content_block_stop,
 * message_delta, message_stop), `GET /v1/models` and Anthropic-shaped error bodies.
 */
import { byStreamFlag, FakeServer, json, streamed, type Behaviour } from './fake-server.js';

export const ANTHROPIC_MESSAGES = 'POST /v1/messages';
export const ANTHROPIC_MODELS = 'GET /v1/models';

export interface AnthropicReply {
  text?: string;
  stopReason?: string;
  usage?: { input_tokens: number; output_tokens: number };
  model?: string;
}

export function anthropicMessage(reply: AnthropicReply = {}): Behaviour {
  return (ctx) =>
    json(200, {
      id: 'msg_fake_1',
      type: 'message',
      role: 'assistant',
      model: reply.model ?? ctx.body?.model ?? 'unknown',
      content: [{ type: 'text', text: reply.text ?? 'Hello from the fake Claude.' }],
      stop_reason: reply.stopReason ?? 'end_turn',
      stop_sequence: null,
      usage: reply.usage ?? { input_tokens: 13, output_tokens: 8 },
    })(ctx);
}

export interface AnthropicStreamReply extends Omit<AnthropicReply, 'text'> {
  deltas?: string[];
  gapMs?: number;
}

export function anthropicStream(reply: AnthropicStreamReply = {}): Behaviour {
  return (ctx) => {
    const deltas = reply.deltas ?? ['Hello', ' from', ' Claude.'];
    const usage = reply.usage ?? { input_tokens: 10, output_tokens: deltas.length };
    const event = (type: string, data: unknown) =>
      `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
    const pieces = [
      event('message_start', {
        type: 'message_start',
        message: {
          id: 'msg_fake_s',
          type: 'message',
          role: 'assistant',
          model: reply.model ?? ctx.body?.model ?? 'unknown',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: usage.input_tokens, output_tokens: 1 },
        },
      }),
      event('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      }),
      event('ping', { type: 'ping' }),
      ...deltas.map((text) =>
        event('content_block_delta', {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text },
        }),
      ),
      event('content_block_stop', { type: 'content_block_stop', index: 0 }),
      event('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: reply.stopReason ?? 'end_turn', stop_sequence: null },
        usage: { output_tokens: usage.output_tokens },
      }),
      event('message_stop', { type: 'message_stop' }),
    ];
    return streamed('text/event-stream', pieces, reply.gapMs)(ctx);
  };
}

export function anthropicError(
  status: number,
  message = 'fake failure',
  headers: Record<string, string> = {},
): Behaviour {
  const type =
    status === 429
      ? 'rate_limit_error'
      : status === 529
        ? 'overloaded_error'
        : status >= 500
          ? 'api_error'
          : 'invalid_request_error';
  return json(status, { type: 'error', error: { type, message } }, headers);
}

export function startFakeAnthropic(): Promise<FakeServer> {
  return FakeServer.start({
    [ANTHROPIC_MESSAGES]: byStreamFlag(anthropicMessage(), anthropicStream()),
    [ANTHROPIC_MODELS]: json(200, {
      data: [
        {
          type: 'model',
          id: 'claude-sonnet-4-5',
          display_name: 'Claude Sonnet 4.5',
          created_at: '2025-09-29T00:00:00Z',
        },
        {
          type: 'model',
          id: 'claude-fake-1',
          display_name: 'Claude Fake',
          created_at: '2025-01-01T00:00:00Z',
          max_input_tokens: 50_000,
        },
      ],
      has_more: false,
      first_id: 'claude-sonnet-4-5',
      last_id: 'claude-fake-1',
    }),
  });
}
