/**
 * Anthropic Messages API through the official SDK. Parameters the API lacks are dropped and
 * listed in `metadata.dropped_parameters`, values it would reject are adjusted and listed in
 * `metadata.adjusted_parameters` — never silently pretended.
 *
 * API versions matter here. SDK 1.x sends `anthropic-version: 2026-10-21`, which removed the
 * sampling parameters: temperature, top_p and top_k are answered with 400 even at their
 * defaults. So by default temperature and top_p are not sent (and reported as dropped). An
 * operator who needs temperature sweeps on Claude can pin `apiVersion: '2023-06-01'`, which
 * still accepts them: temperature is then clamped to Anthropic's maximum of 1 and top_p is sent
 * only when it is not 1 (newer models refuse both together).
 */
import Anthropic, { APIConnectionError, APIError } from '@anthropic-ai/sdk';
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

type MessageBody = Anthropic.MessageCreateParamsNonStreaming;

export interface AnthropicProviderOptions {
  /** SDK 1.x sends it as `Authorization: Bearer`. Without it: `configured: false`. */
  apiKey?: string;
  /** Default `https://api.anthropic.com` (the SDK appends `/v1/messages`). */
  baseUrl?: string;
  /** Default {@link ModelCatalog.load}. */
  catalog?: ModelCatalog;
  /**
   * `anthropic-version` header. Default: the SDK's own (2026-10-21, no sampling parameters).
   * A version before 2026-10-21 (`2023-06-01`) sends temperature and top_p.
   */
  apiVersion?: string;
}

const DEFAULT_BASE_URL = 'https://api.anthropic.com';
const MAX_TEMPERATURE = 1;
/** The first API version without temperature/top_p/top_k. */
const SAMPLING_REMOVED_IN = '2026-10-21';

/** What was sent, and what could not be: it goes into the result's metadata. */
interface PreparedRequest {
  body: MessageBody;
  dropped: string[];
  adjusted: Record<string, { requested: number; sent: number }>;
}

export class AnthropicProvider implements LlmProvider {
  readonly id = 'anthropic';
  readonly name = 'Anthropic';
  readonly configured: boolean;
  private readonly client: Anthropic | undefined;
  private readonly catalog: ModelCatalog;
  private readonly sendsSampling: boolean;

  constructor(options: AnthropicProviderOptions = {}) {
    this.configured = Boolean(options.apiKey);
    this.catalog = options.catalog ?? ModelCatalog.load();
    // ISO dates compare correctly as strings.
    this.sendsSampling = Boolean(options.apiVersion && options.apiVersion < SAMPLING_REMOVED_IN);
    if (options.apiKey) {
      this.client = new Anthropic({
        apiKey: options.apiKey,
        // Explicit, so the SDK never falls back to ANTHROPIC_BASE_URL behind src/config's back.
        baseURL: options.baseUrl || DEFAULT_BASE_URL,
        ...(options.apiVersion
          ? { defaultHeaders: { 'anthropic-version': options.apiVersion } }
          : {}),
        // Retries and timeouts belong to the resilience wrapper.
        maxRetries: 0,
        logLevel: 'off',
      });
    }
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const client = this.requireClient();
    const prepared = prepare(request, this.sendsSampling);
    const start = now();
    let message: unknown;
    try {
      message = await client.messages.create(prepared.body, { signal: request.signal });
    } catch (error) {
      throw this.mapError(error, request.signal);
    }
    if (!isRecord(message) || !Array.isArray(message.content)) {
      throw malformedResponse(this.id, 'expected a message object with a content array');
    }
    const body = message as unknown as Anthropic.Message;
    const content = body.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    return {
      content,
      tokenUsage: resolveUsage(
        { prompt: promptTokens(body.usage), completion: body.usage?.output_tokens },
        { prompt: request.prompt, completion: content },
      ),
      finishReason: normaliseFinishReason(body.stop_reason),
      latencyMs: elapsedMs(start),
      model: body.model || request.model,
      metadata: this.metadata(prepared, body.id, body.stop_reason),
    };
  }

  async *stream(request: GenerateRequest): AsyncIterable<StreamChunk> {
    const client = this.requireClient();
    const { signal } = request;
    const prepared = prepare(request, this.sendsSampling);
    const start = now();
    let content = '';
    let model = request.model;
    let id: string | undefined;
    let stopReason: string | null = null;
    let prompt: number | undefined;
    let completion: number | undefined;
    let started = false;
    try {
      const stream = await client.messages.create({ ...prepared.body, stream: true }, { signal });
      for await (const event of stream) {
        if (!isRecord(event)) throw malformedResponse(this.id, 'stream event is not an object');
        switch (event.type) {
          case 'message_start':
            started = true;
            model = event.message.model || model;
            id = event.message.id;
            prompt = promptTokens(event.message.usage);
            completion = event.message.usage?.output_tokens ?? completion;
            break;
          case 'content_block_delta':
            if (event.delta.type === 'text_delta' && event.delta.text) {
              content += event.delta.text;
              yield { type: 'delta', text: event.delta.text };
            }
            break;
          case 'message_delta':
            stopReason = event.delta.stop_reason ?? stopReason;
            // Cumulative counts: the last message_delta has the final output tokens.
            completion = event.usage?.output_tokens ?? completion;
            prompt = event.usage?.input_tokens ? promptTokens(event.usage) : prompt;
            break;
          default:
            break;
        }
      }
    } catch (error) {
      throw this.mapError(error, signal);
    }
    // The SDK ends an aborted stream quietly, as if it were complete: it was not.
    if (signal?.aborted) throw signal.reason;
    if (!started) throw malformedResponse(this.id, 'the stream had no message_start event');
    const result: GenerateResult = {
      content,
      tokenUsage: resolveUsage(
        { prompt, completion },
        { prompt: request.prompt, completion: content },
      ),
      finishReason: normaliseFinishReason(stopReason),
      latencyMs: elapsedMs(start),
      model,
      metadata: this.metadata(prepared, id, stopReason),
    };
    yield { type: 'done', result };
  }

  async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    const client = this.requireClient();
    const models: ModelInfo[] = [];
    try {
      // Auto-pagination follows `has_more`/`last_id` across pages.
      for await (const model of client.models.list({ limit: 100 }, { signal })) {
        if (!isRecord(model) || typeof model.id !== 'string') continue;
        models.push(
          this.catalog.describe(this.id, model.id, {
            name: model.display_name || model.id,
            context_window: model.max_input_tokens ?? null,
          }),
        );
      }
    } catch (error) {
      throw this.mapError(error, signal);
    }
    return models;
  }

  testConnection(signal?: AbortSignal) {
    return testByListingModels(this, signal);
  }

  private metadata(prepared: PreparedRequest, responseId: string | undefined, raw: string | null) {
    return {
      provider: this.id,
      dropped_parameters: prepared.dropped,
      ...(Object.keys(prepared.adjusted).length > 0
        ? { adjusted_parameters: prepared.adjusted }
        : {}),
      ...(responseId ? { response_id: responseId } : {}),
      raw_finish_reason: raw,
    };
  }

  private requireClient(): Anthropic {
    if (this.client) return this.client;
    throw new ProviderError(`${this.id} is not configured: set an API key`, {
      provider: this.id,
      retryable: false,
    });
  }

  private mapError(error: unknown, signal: AbortSignal | undefined): unknown {
    return mapSdkError(this.id, error, signal, { APIError, APIConnectionError });
  }
}

/** Translates our OpenAI-shaped parameters into a Messages request, recording what changed. */
function prepare(
  { prompt, model, parameters: p }: GenerateRequest,
  sendsSampling: boolean,
): PreparedRequest {
  const dropped: string[] = [];
  const adjusted: PreparedRequest['adjusted'] = {};
  const sampling: { temperature?: number; top_p?: number } = {};
  if (sendsSampling) {
    sampling.temperature = Math.min(p.temperature, MAX_TEMPERATURE);
    if (sampling.temperature !== p.temperature) {
      adjusted.temperature = { requested: p.temperature, sent: sampling.temperature };
    }
    // Newer models reject temperature and top_p together; 1 is the default anyway.
    if (p.top_p !== 1) sampling.top_p = p.top_p;
  } else {
    // Always reported: whatever the experiment asked for, the model used its own sampling.
    dropped.push('temperature');
    // top_p 1 means "no nucleus cut-off", which is what the model does anyway.
    if (p.top_p !== 1) dropped.push('top_p');
  }
  // At zero the penalties have no effect, so not sending them changes nothing worth reporting.
  if (p.frequency_penalty) dropped.push('frequency_penalty');
  if (p.presence_penalty) dropped.push('presence_penalty');
  if (p.seed !== undefined && p.seed !== null) dropped.push('seed');
  const stop = stopSequences(p.stop);
  const body: MessageBody & typeof sampling = {
    model,
    max_tokens: p.max_tokens,
    messages: [{ role: 'user', content: prompt }],
    ...sampling,
    ...(stop ? { stop_sequences: stop } : {}),
  };
  return { body, dropped, adjusted };
}

/** Input tokens including prompt-cache reads and writes: all of it is prompt. */
function promptTokens(
  usage:
    | {
        input_tokens?: number | null;
        cache_creation_input_tokens?: number | null;
        cache_read_input_tokens?: number | null;
      }
    | null
    | undefined,
): number | undefined {
  if (!usage || typeof usage.input_tokens !== 'number') return undefined;
  return (
    usage.input_tokens +
    (usage.cache_creation_input_tokens ?? 0) +
    (usage.cache_read_input_tokens ?? 0)
  );
}
