/**
 * The provider layer's contract. Pure library code: no Express, no Sequelize. Every adapter
 * (mock, openai, anthropic, ollama) implements {@link LlmProvider}; the rest of the service
 * only sees these types.
 */

/** Sampling parameters as the API stores them (snake_case, the OpenAI names). */
export interface SamplingParameters {
  temperature: number;
  top_p: number;
  max_tokens: number;
  frequency_penalty: number;
  presence_penalty: number;
  stop?: string[];
  seed?: number;
}

export interface GenerateRequest {
  prompt: string;
  model: string;
  parameters: SamplingParameters;
  /** 1-based index of this response among N for the same settings (the mock varies by it). */
  iteration?: number;
  /** Aborts the call (client disconnected, timeout). */
  signal?: AbortSignal;
}

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'error' | 'unknown';

export interface TokenUsage {
  prompt: number;
  completion: number;
  total: number;
  /** `provider` when the provider reported usage, `estimated` when counted locally. */
  source: 'provider' | 'estimated';
}

/** A normalised generation result. */
export interface GenerateResult {
  content: string;
  tokenUsage: TokenUsage;
  finishReason: FinishReason;
  latencyMs: number;
  /** Provider-reported model id (may be more specific than the requested one). */
  model: string;
  metadata: {
    provider: string;
    /** Parameters this provider does not support and therefore did not send. */
    dropped_parameters: string[];
    [key: string]: unknown;
  };
}

/** A piece of a streamed generation; the final chunk carries the whole result. */
export type StreamChunk =
  { type: 'delta'; text: string } | { type: 'done'; result: GenerateResult };

export interface ModelInfo {
  id: string;
  name: string;
  context_window: number | null;
  /** USD per token, averaged over input and output as the spec's single figure. */
  cost_per_token: number | null;
  capabilities: string[];
}

/** `connected`: reachable; `not_configured`: no credentials; `error`: configured but failing. */
export type ProviderStatus = 'connected' | 'not_configured' | 'error';

export interface LlmProvider {
  /** Registry id: `mock`, `openai`, `anthropic`, `ollama`. */
  readonly id: string;
  readonly name: string;
  /** Without credentials/host the adapter exists but reports `not_configured`. */
  readonly configured: boolean;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  stream(request: GenerateRequest): AsyncIterable<StreamChunk>;
  listModels(signal?: AbortSignal): Promise<ModelInfo[]>;
  /** A real, minimal round trip. */
  testConnection(
    signal?: AbortSignal,
  ): Promise<{ ok: boolean; latencyMs: number; message: string }>;
}

/**
 * A provider failure the retry policy can act on. `retryable` for 429, 5xx and network errors;
 * `retryAfterMs` from a `Retry-After` header when the provider sent one.
 */
export class ProviderError extends Error {
  readonly provider: string;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  /** How many retries were spent before giving up (set by the resilience wrapper). */
  retries = 0;

  constructor(
    message: string,
    options: {
      provider: string;
      status?: number;
      retryable: boolean;
      retryAfterMs?: number;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.name = 'ProviderError';
    this.provider = options.provider;
    this.status = options.status;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Whether an HTTP status from a provider is worth retrying. */
export function isRetryableStatus(status: number | undefined): boolean {
  return (
    status === undefined || status === 408 || status === 409 || status === 429 || status >= 500
  );
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
