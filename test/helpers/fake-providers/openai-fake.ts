/**
 * Speaks OpenAI's Chat Completions wire protocol under `/v1`: JSON completions, SSE streams
 * (`data: {chunk}\n\n` … `data: [DONE]\n\n`, with a usage chunk when asked for), `/v1/models`,
 * and OpenAI-shaped error bodies.
 */
import { byStreamFlag, FakeServer, json, streamed, type Behaviour } from './fake-server.js';

export const OPENAI_CHAT = 'POST /v1/chat/completions';
export const OPENAI_MODELS = 'GET /v1/models';

export interface OpenAiReply {
  content?: string;
  finishReason?: string;
  /** `null` for a server that reports no usage at all. */
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  model?: string;
}

export function openAiCompletion(reply: OpenAiReply = {}): Behaviour {
  return (ctx) => {
    const usage =
      reply.usage === undefined ? { prompt_tokens: 11, completion_tokens: 7 } : reply.usage;
    json(200, {
      id: 'chatcmpl-fake-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: reply.model ?? `${ctx.body?.model ?? 'unknown'}-2024-08-06`,
      system_fingerprint: 'fp_fake',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: reply.content ?? 'Hello from the fake OpenAI.' },
          finish_reason: reply.finishReason ?? 'stop',
          logprobs: null,
        },
      ],
      ...(usage
        ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } }
        : {}),
    })(ctx);
  };
}

export interface OpenAiStreamReply extends Omit<OpenAiReply, 'content'> {
  deltas?: string[];
  /** Ignore `stream_options.include_usage`, as some compatible servers do. */
  omitUsage?: boolean;
  gapMs?: number;
}

export function openAiStream(reply: OpenAiStreamReply = {}): Behaviour {
  return (ctx) => {
    const model = reply.model ?? ctx.body?.model ?? 'unknown';
    const base = {
      id: 'chatcmpl-fake-s',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model,
    };
    const deltas = reply.deltas ?? ['Hello', ' from', ' the', ' stream.'];
    const events: unknown[] = [
      {
        ...base,
        choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
      },
      ...deltas.map((text) => ({
        ...base,
        choices: [{ index: 0, delta: { content: text }, finish_reason: null }],
      })),
      { ...base, choices: [{ index: 0, delta: {}, finish_reason: reply.finishReason ?? 'stop' }] },
    ];
    const wantsUsage = ctx.body?.stream_options?.include_usage === true;
    if (wantsUsage && !reply.omitUsage) {
      const usage = reply.usage ?? { prompt_tokens: 9, completion_tokens: deltas.length };
      events.push({
        ...base,
        choices: [],
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      });
    }
    const pieces = [...events.map((e) => `data: ${JSON.stringify(e)}\n\n`), 'data: [DONE]\n\n'];
    return streamed('text/event-stream', pieces, reply.gapMs)(ctx);
  };
}

export function openAiError(
  status: number,
  message = 'fake failure',
  headers: Record<string, string> = {},
): Behaviour {
  const type =
    status === 429
      ? 'rate_limit_exceeded'
      : status >= 500
        ? 'server_error'
        : 'invalid_request_error';
  return json(status, { error: { message, type, param: null, code: null } }, headers);
}

export function startFakeOpenAi(): Promise<FakeServer> {
  return FakeServer.start({
    [OPENAI_CHAT]: byStreamFlag(openAiCompletion(), openAiStream()),
    [OPENAI_MODELS]: json(200, {
      object: 'list',
      data: [
        { id: 'gpt-4o-mini', object: 'model', created: 1, owned_by: 'openai' },
        { id: 'gpt-4o', object: 'model', created: 1, owned_by: 'openai' },
        { id: 'local-llama', object: 'model', created: 1, owned_by: 'me' },
      ],
    }),
  });
}
