/**
 * Ollama through its native HTTP API (`/api/chat`, `/api/tags`) with plain fetch: one JSON
 * answer, or NDJSON lines when streaming. Ollama supports every sampling parameter we have,
 * so nothing is dropped.
 */
import { ModelCatalog } from '../pricing.js';
import {
  ProviderError,
  type GenerateRequest,
  type GenerateResult,
  type LlmProvider,
  type ModelInfo,
  type StreamChunk,
} from '../types.js';
import {
  elapsedMs,
  errorDetail,
  httpError,
  isRecord,
  malformedResponse,
  networkError,
  normaliseFinishReason,
  now,
  resolveUsage,
  stopSequences,
  testByListingModels,
} from './shared.js';

export interface OllamaProviderOptions {
  /** e.g. `http://127.0.0.1:11434`; a bare `host:port` gets `http://`. Without it: not configured. */
  host?: string;
  /** Default {@link ModelCatalog.load}. */
  catalog?: ModelCatalog;
}

/** The fields of an `/api/chat` answer (or of one NDJSON line) that we use. */
interface ChatAnswer {
  model?: string;
  message?: { content?: string };
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
  total_duration?: number;
  load_duration?: number;
  error?: string;
}

export class OllamaProvider implements LlmProvider {
  readonly id = 'ollama';
  readonly name = 'Ollama';
  readonly configured: boolean;
  private readonly host: string | undefined;
  private readonly catalog: ModelCatalog;

  constructor(options: OllamaProviderOptions = {}) {
    this.host = options.host ? normaliseHost(options.host) : undefined;
    this.configured = Boolean(this.host);
    this.catalog = options.catalog ?? ModelCatalog.load();
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const start = now();
    const response = await this.call('/api/chat', request.signal, this.body(request, false));
    const answer = await this.readJson(response, request.signal);
    if (!isRecord(answer) || !isRecord(answer.message)) {
      throw malformedResponse(this.id, 'expected a chat answer with a message');
    }
    return this.result(request, answer as ChatAnswer, String(answer.message.content ?? ''), start);
  }

  async *stream(request: GenerateRequest): AsyncIterable<StreamChunk> {
    const { signal } = request;
    const start = now();
    const response = await this.call('/api/chat', signal, this.body(request, true));
    if (!response.body) throw malformedResponse(this.id, 'the streaming answer has no body');
    let content = '';
    let last: ChatAnswer | undefined;
    try {
      for await (const line of ndjson(response.body, this.id)) {
        if (line.error) {
          throw new ProviderError(`${this.id} reported an error mid-stream: ${line.error}`, {
            provider: this.id,
            retryable: true,
          });
        }
        last = line;
        const text = line.message?.content;
        if (text) {
          content += text;
          yield { type: 'delta', text };
        }
      }
    } catch (error) {
      throw this.mapReadError(error, signal);
    }
    if (!last?.done) throw malformedResponse(this.id, 'the stream ended before a `done` line');
    yield { type: 'done', result: this.result(request, last, content, start) };
  }

  async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    const response = await this.call('/api/tags', signal);
    const body = await this.readJson(response, signal);
    if (!isRecord(body) || !Array.isArray(body.models)) {
      throw malformedResponse(this.id, '/api/tags has no models array');
    }
    return body.models
      .filter((m): m is { name: string } => isRecord(m) && typeof m.name === 'string')
      .map((m) => this.describe(m.name));
  }

  /** `llama3.1:8b` is catalogued as `llama3.1` when the full tag is not; the id stays exact. */
  private describe(name: string): ModelInfo {
    const base = name.split(':')[0] ?? name;
    const known = this.catalog.find(this.id, name) ? name : base;
    const info = this.catalog.describe(this.id, known, {
      name,
      capabilities: ['text', 'streaming', 'local'],
    });
    return { ...info, id: name };
  }

  testConnection(signal?: AbortSignal) {
    return testByListingModels(this, signal);
  }

  private body({ prompt, model, parameters: p }: GenerateRequest, stream: boolean) {
    const stop = stopSequences(p.stop);
    return {
      model,
      messages: [{ role: 'user', content: prompt }],
      stream,
      options: {
        temperature: p.temperature,
        top_p: p.top_p,
        num_predict: p.max_tokens,
        frequency_penalty: p.frequency_penalty,
        presence_penalty: p.presence_penalty,
        ...(stop ? { stop } : {}),
        ...(p.seed !== undefined && p.seed !== null ? { seed: p.seed } : {}),
      },
    };
  }

  private result(
    request: GenerateRequest,
    answer: ChatAnswer,
    content: string,
    start: number,
  ): GenerateResult {
    return {
      content,
      tokenUsage: resolveUsage(
        { prompt: answer.prompt_eval_count, completion: answer.eval_count },
        { prompt: request.prompt, completion: content },
      ),
      finishReason: normaliseFinishReason(answer.done_reason),
      latencyMs: elapsedMs(start),
      model: answer.model || request.model,
      metadata: {
        provider: this.id,
        dropped_parameters: [],
        raw_finish_reason: answer.done_reason ?? null,
        // Ollama's own timings (nanoseconds): load time shows a cold model.
        ...(typeof answer.total_duration === 'number'
          ? { total_duration_ms: Math.round(answer.total_duration / 1e6) }
          : {}),
        ...(typeof answer.load_duration === 'number'
          ? { load_duration_ms: Math.round(answer.load_duration / 1e6) }
          : {}),
      },
    };
  }

  /** One HTTP exchange; non-2xx answers become ProviderErrors with status and Retry-After. */
  private async call(path: string, signal: AbortSignal | undefined, body?: unknown) {
    const host = this.requireHost();
    let response: Response;
    try {
      response = await fetch(`${host}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw networkError(this.id, error);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw httpError(this.id, response.status, errorDetail(parseOrText(text)), response.headers);
    }
    return response;
  }

  private async readJson(response: Response, signal: AbortSignal | undefined): Promise<unknown> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw this.mapReadError(error, signal);
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw malformedResponse(this.id, `not JSON: ${text.slice(0, 80)}`, error);
    }
  }

  /** Reading a body can fail too: an abort, or the connection dropping half-way. */
  private mapReadError(error: unknown, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted) return signal.reason;
    if (error instanceof ProviderError) return error;
    return networkError(this.id, error);
  }

  private requireHost(): string {
    if (this.host) return this.host;
    throw new ProviderError(`${this.id} is not configured: set a host`, {
      provider: this.id,
      retryable: false,
    });
  }
}

/** Parses newline-delimited JSON as it arrives; a line that is not JSON is a malformed answer. */
async function* ndjson(body: ReadableStream<Uint8Array>, provider: string) {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      const lines = buffer.split('\n');
      buffer = done ? '' : (lines.pop() ?? '');
      for (const line of lines) {
        if (line.trim()) yield parseLine(line, provider);
      }
      if (done) return;
    }
  } finally {
    // Stops the download when the consumer leaves early (client gone, timeout).
    await reader.cancel().catch(() => undefined);
  }
}

function parseLine(line: string, provider: string): ChatAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    throw malformedResponse(provider, `stream line is not JSON: ${line.slice(0, 80)}`, error);
  }
  if (!isRecord(parsed)) throw malformedResponse(provider, 'stream line is not an object');
  return parsed as ChatAnswer;
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function normaliseHost(host: string): string {
  const withScheme = /^https?:\/\//i.test(host) ? host : `http://${host}`;
  return withScheme.replace(/\/+$/, '');
}
