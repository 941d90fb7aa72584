/**
 * Speaks Ollama's native API: `POST /api/chat` (one JSON object, or NDJSON lines ending with a
 * `done: true` line carrying counts and timings), `GET /api/tags` and `{error}` bodies.
 */
import { byStreamFlag, FakeServer, json, streamed, type Behaviour } from './fake-server.js';

export const OLLAMA_CHAT = 'POST /api/chat';
export const OLLAMA_TAGS = 'GET /api/tags';

export interface OllamaReply {
  content?: string;
  doneReason?: string;
  promptEvalCount?: number;
  evalCount?: number;
  model?: string;
}

const TIMINGS = {
  total_duration: 1_234_000_000,
  load_duration: 56_000_000,
  eval_duration: 900_000_000,
};

export function ollamaChat(reply: OllamaReply = {}): Behaviour {
  return (ctx) =>
    json(200, {
      model: reply.model ?? ctx.body?.model ?? 'unknown',
      created_at: '2025-01-01T00:00:00Z',
      message: { role: 'assistant', content: reply.content ?? 'Hello from the fake Ollama.' },
      done: true,
      done_reason: reply.doneReason ?? 'stop',
      prompt_eval_count: reply.promptEvalCount ?? 14,
      eval_count: reply.evalCount ?? 6,
      ...TIMINGS,
    })(ctx);
}

export interface OllamaStreamReply extends Omit<OllamaReply, 'content'> {
  deltas?: string[];
  gapMs?: number;
  /** Lines to send verbatim instead of the generated ones (malformed streams). */
  rawLines?: string[];
}

export function ollamaStream(reply: OllamaStreamReply = {}): Behaviour {
  return (ctx) => {
    const model = reply.model ?? ctx.body?.model ?? 'unknown';
    const deltas = reply.deltas ?? ['Hello', ' from', ' llama.'];
    const line = (value: unknown) => `${JSON.stringify(value)}\n`;
    const pieces = reply.rawLines ?? [
      ...deltas.map((content) =>
        line({
          model,
          created_at: '2025-01-01T00:00:00Z',
          message: { role: 'assistant', content },
          done: false,
        }),
      ),
      line({
        model,
        created_at: '2025-01-01T00:00:01Z',
        message: { role: 'assistant', content: '' },
        done: true,
        done_reason: reply.doneReason ?? 'stop',
        prompt_eval_count: reply.promptEvalCount ?? 10,
        eval_count: reply.evalCount ?? deltas.length,
        ...TIMINGS,
      }),
    ];
    return streamed('application/x-ndjson', pieces, reply.gapMs)(ctx);
  };
}

export function ollamaError(
  status: number,
  message = 'fake failure',
  headers: Record<string, string> = {},
): Behaviour {
  return json(status, { error: message }, headers);
}

export function startFakeOllama(): Promise<FakeServer> {
  return FakeServer.start({
    [OLLAMA_CHAT]: byStreamFlag(ollamaChat(), ollamaStream()),
    [OLLAMA_TAGS]: json(200, {
      models: [
        {
          name: 'llama3.1:8b',
          model: 'llama3.1:8b',
          size: 4_920_753_328,
          details: { family: 'llama', parameter_size: '8.0B', quantization_level: 'Q4_K_M' },
        },
        { name: 'qwen2.5:0.5b', model: 'qwen2.5:0.5b', size: 397_821_319, details: {} },
      ],
    }),
  });
}
