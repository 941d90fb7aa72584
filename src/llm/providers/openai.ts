/**
 * OpenAI Chat Completions through the official SDK. The base URL is configurable, so the same
 * adapter serves every OpenAI-compatible server (vLLM, llama.cpp, LM Studio, OpenRouter,
 * Together, Groq…).
 */
import OpenAI, { APIConnectionError, APIError } from 'openai';
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
  isRecord,
  malformedResponse,
  mapSdkError,
  normaliseFinishReason,
  now,
  resolveUsage,
  stopSequences,
  testByListingModels,
} from './shared.js';

type ChatBody = OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;

export interface OpenAiProviderOptions {
  /** Sent as `Authorization: Bearer …`. Local OpenAI-compatible servers often need none. */
  apiKey?: string;
  /** Default `https://api.openai.com/v1`. */
  baseUrl?: string;
  /** Registry id, default `openai` (e.g. `groq` for a second OpenAI-compatible endpoint). */
  id?: string;
  /** Display name, default `OpenAI` (`OpenAI-compatible` with a custom base URL). */
  name?: string;
  /** Default {@link ModelCatalog.load}. */
  catalog?: ModelCatalog;
  /** Model for the one-token fallback probe when the server has no `/models`. Default `gpt-4o-mini`. */
  testModel?: string;
}

const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export class OpenAiProvider implements LlmProvider {
  readonly id: string;
  readonly name: string;
  readonly configured: boolean;
  private readonly client: OpenAI | undefined;
  private readonly catalog: ModelCatalog;
  private readonly testModel: string;

  constructor(options: OpenAiProviderOptions = {}) {
    this.id = options.id ?? 'openai';
    this.name = options.name ?? (options.baseUrl ? 'OpenAI-compatible' : 'OpenAI');
    this.configured = Boolean(options.apiKey || options.baseUrl);
    this.catalog = options.catalog ?? ModelCatalog.load();
    this.testModel = options.testModel ?? 'gpt-4o-mini';
    if (this.configured) {
      this.client = new OpenAI({
        // The SDK insists on a key; a keyless local server gets no Authorization header at all.
        apiKey: options.apiKey || 'unused',
        ...(options.apiKey ? {} : { defaultHeaders: { Authorization: null } }),
        // Explicit, so the SDK never falls back to OPENAI_BASE_URL behind src/config's back.
        baseURL: options.baseUrl || DEFAULT_BASE_URL,
        // Retries and timeouts belong to the resilience wrapper, which sees every provider.
        maxRetries: 0,
        logLevel: 'off',
      });
    }
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const client = this.requireClient();
    const start = now();
    let completion: unknown;
    try {
      completion = await client.chat.completions.create(this.body(request), {
        signal: request.signal,
      });
    } catch (error) {
      throw this.mapError(error, request.signal);
    }
    const choice = this.firstChoice(completion);
    const body = completion as OpenAI.Chat.ChatCompletion;
    const content = choice.message?.content ?? '';
    return {
      content,
      tokenUsage: resolveUsage(
        { prompt: body.usage?.prompt_tokens, completion: body.usage?.completion_tokens },
        { prompt: request.prompt, completion: content },
      ),
      finishReason: normaliseFinishReason(choice.finish_reason),
      latencyMs: elapsedMs(start),
      model: body.model || request.model,
      metadata: this.metadata(body.id, choice.finish_reason, body.system_fingerprint),
    };
  }

  async *stream(request: GenerateRequest): AsyncIterable<StreamChunk> {
    const client = this.requireClient();
    const { signal } = request;
    const start = now();
    let content = '';
    let model = request.model;
    let id: string | undefined;
    let rawFinish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    let chunks = 0;
    try {
      const stream = await client.chat.completions.create(
        { ...this.body(request), stream: true, stream_options: { include_usage: true } },
        { signal },
      );
      for await (const chunk of stream) {
        if (!isRecord(chunk)) throw malformedResponse(this.id, 'stream chunk is not an object');
        chunks += 1;
        model = chunk.model || model;
        id ??= chunk.id;
        if (chunk.usage) usage = chunk.usage;
        const choice = chunk.choices?.[0];
        if (choice?.finish_reason) rawFinish = choice.finish_reason;
        const text = choice?.delta?.content;
        if (text) {
          content += text;
          yield { type: 'delta', text };
        }
      }
    } catch (error) {
      throw this.mapError(error, signal);
    }
    // The SDK ends an aborted stream quietly, as if it were complete: it was not.
    if (signal?.aborted) throw signal.reason;
    if (chunks === 0) throw malformedResponse(this.id, 'the stream ended without any chunk');
    const result: GenerateResult = {
      content,
      tokenUsage: resolveUsage(
        { prompt: usage?.prompt_tokens, completion: usage?.completion_tokens },
        { prompt: request.prompt, completion: content },
      ),
      finishReason: normaliseFinishReason(rawFinish),
      latencyMs: elapsedMs(start),
      model,
      metadata: this.metadata(id, rawFinish),
    };
    yield { type: 'done', result };
  }

  async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    const client = this.requireClient();
    try {
      const page = await client.models.list({ signal });
      if (!Array.isArray(page.data)) throw malformedResponse(this.id, '/models has no data array');
      return page.data
        .filter((m) => isRecord(m) && typeof m.id === 'string')
        .map((m) => this.describe(m.id))
        .sort((a, b) => a.id.localeCompare(b.id));
    } catch (error) {
      throw this.mapError(error, signal);
    }
  }

  testConnection(signal?: AbortSignal) {
    // Some OpenAI-compatible servers only implement /chat/completions: try a tiny generation.
    return testByListingModels(this, signal, (error, start) =>
      error instanceof ProviderError && error.status === 404
        ? this.probe(start, signal)
        : undefined,
    );
  }

  private async probe(start: number, signal: AbortSignal | undefined) {
    try {
      await this.generate({
        prompt: 'ping',
        model: this.testModel,
        parameters: {
          temperature: 0,
          top_p: 1,
          max_tokens: 1,
          frequency_penalty: 0,
          presence_penalty: 0,
        },
        signal,
      });
      return {
        ok: true,
        latencyMs: elapsedMs(start),
        message: 'no /models; a 1-token generation worked',
      };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      return { ok: false, latencyMs: elapsedMs(start), message: messageOf(error) };
    }
  }

  private body({ prompt, model, parameters: p }: GenerateRequest): ChatBody {
    const stop = stopSequences(p.stop);
    return {
      model,
      messages: [{ role: 'user', content: prompt }],
      temperature: p.temperature,
      top_p: p.top_p,
      // `max_tokens` rather than `max_completion_tokens`: every compatible server knows it.
      max_tokens: p.max_tokens,
      frequency_penalty: p.frequency_penalty,
      presence_penalty: p.presence_penalty,
      ...(stop ? { stop } : {}),
      ...(p.seed !== undefined && p.seed !== null ? { seed: p.seed } : {}),
    };
  }

  private firstChoice(completion: unknown): OpenAI.Chat.ChatCompletion.Choice {
    if (!isRecord(completion)) {
      const got = typeof completion === 'string' ? 'a non-JSON body' : String(completion);
      throw malformedResponse(this.id, `expected a chat completion object, got ${got}`);
    }
    const choices = completion.choices;
    const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
    if (!isRecord(first)) throw malformedResponse(this.id, 'the chat completion has no choices');
    return first as unknown as OpenAI.Chat.ChatCompletion.Choice;
  }

  private metadata(responseId: string | undefined, rawFinish: string | null, fingerprint?: string) {
    return {
      provider: this.id,
      dropped_parameters: [],
      ...(responseId ? { response_id: responseId } : {}),
      raw_finish_reason: rawFinish,
      ...(fingerprint ? { system_fingerprint: fingerprint } : {}),
    };
  }

  private describe(modelId: string): ModelInfo {
    // A second endpoint (id `groq`) may have its own catalogue entries; else OpenAI's apply.
    const catalogProvider = this.catalog.find(this.id, modelId) ? this.id : 'openai';
    return this.catalog.describe(catalogProvider, modelId);
  }

  private requireClient(): OpenAI {
    if (this.client) return this.client;
    throw new ProviderError(`${this.id} is not configured: set an API key or a base URL`, {
      provider: this.id,
      retryable: false,
    });
  }

  private mapError(error: unknown, signal: AbortSignal | undefined): unknown {
    return mapSdkError(this.id, error, signal, { APIError, APIConnectionError });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
