/**
 * Helpers the real adapters share: timing, usage (reported or estimated), finish-reason
 * normalisation and the mapping of transport failures to {@link ProviderError}.
 */
import { performance } from 'node:perf_hooks';
import { countTokens } from '../tokens.js';
import {
  isRetryableStatus,
  parseRetryAfter,
  ProviderError,
  type FinishReason,
  type LlmProvider,
  type TokenUsage,
} from '../types.js';

/** Milliseconds since `start` (a `performance.now()` reading), rounded. */
export function elapsedMs(start: number): number {
  return Math.round(performance.now() - start);
}

export function now(): number {
  return performance.now();
}

/**
 * Usage as the provider reported it; when either count is missing (OpenAI-compatible servers
 * that ignore `stream_options.include_usage`, a stream cut short) both are counted locally
 * and the result says `estimated`, never mixing the two sources.
 */
export function resolveUsage(
  reported: { prompt?: number | null; completion?: number | null },
  texts: { prompt: string; completion: string },
): TokenUsage {
  const { prompt, completion } = reported;
  if (isCount(prompt) && isCount(completion)) {
    return { prompt, completion, total: prompt + completion, source: 'provider' };
  }
  const estimatedPrompt = countTokens(texts.prompt);
  const estimatedCompletion = countTokens(texts.completion);
  return {
    prompt: estimatedPrompt,
    completion: estimatedCompletion,
    total: estimatedPrompt + estimatedCompletion,
    source: 'estimated',
  };
}

function isCount(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** Maps a provider's own finish/stop reason onto ours; the raw value goes in metadata. */
export function normaliseFinishReason(raw: string | null | undefined): FinishReason {
  // A model ending its turn to call a tool (tool_calls, tool_use) stopped normally.
  switch (raw) {
    case 'stop':
    case 'end_turn':
    case 'stop_sequence':
    case 'tool_calls':
    case 'function_call':
    case 'tool_use':
      return 'stop';
    case 'length':
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'content_filter':
    case 'refusal':
      return 'content_filter';
    case 'error':
      return 'error';
    default:
      return 'unknown';
  }
}

/** The stop list to send, or undefined when there is none (some servers reject `[]`). */
export function stopSequences(stop: string[] | undefined): string[] | undefined {
  const list = stop?.filter((s) => s.length > 0);
  return list && list.length > 0 ? list : undefined;
}

/** An HTTP error answer: retryable for 408/409/429/5xx, with `Retry-After` when sent. */
export function httpError(
  provider: string,
  status: number,
  detail: string | undefined,
  headers?: Headers | null,
  cause?: unknown,
): ProviderError {
  const message = `${provider} answered HTTP ${status}${detail ? `: ${truncate(detail)}` : ''}`;
  return new ProviderError(message, {
    provider,
    status,
    retryable: isRetryableStatus(status),
    retryAfterMs: retryAfterFrom(headers),
    cause,
  });
}

/**
 * `retry-after-ms` (OpenAI sends it) is more precise than `retry-after`, so it wins when both
 * are present.
 */
export function retryAfterFrom(headers: Headers | null | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  return parseRetryAfter(headers.get('retry-after'));
}

/** The server could not be reached or the connection broke: worth retrying. */
export function networkError(provider: string, cause: unknown): ProviderError {
  const reason = cause instanceof Error ? describeCause(cause) : String(cause);
  return new ProviderError(`${provider} could not be reached: ${reason}`, {
    provider,
    retryable: true,
    cause,
  });
}

/**
 * The server answered, but not in its protocol (HTML from a proxy, truncated JSON, no
 * choices). Retrying the same request would get the same answer, so it is not retryable.
 */
export function malformedResponse(
  provider: string,
  detail: string,
  cause?: unknown,
): ProviderError {
  return new ProviderError(`${provider} returned a malformed response: ${truncate(detail)}`, {
    provider,
    retryable: false,
    cause,
  });
}

function describeCause(error: Error): string {
  // undici wraps the useful part ("ECONNREFUSED 127.0.0.1:1") in `cause`.
  const inner = error.cause instanceof Error ? error.cause.message : undefined;
  return inner && inner !== error.message ? `${error.message} (${inner})` : error.message;
}

function truncate(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The two error classes both Stainless-generated SDKs (openai, @anthropic-ai/sdk) export. */
export interface SdkErrorClasses {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  APIError: abstract new (...args: any[]) => Error;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  APIConnectionError: abstract new (...args: any[]) => Error;
}

/**
 * Maps whatever an SDK call threw to what the adapter should throw: when the signal fired, its
 * reason (the caller's AbortError, or the resilience wrapper's TimeoutError, which the wrapper
 * tells apart), a {@link ProviderError} otherwise.
 */
export function mapSdkError(
  provider: string,
  error: unknown,
  signal: AbortSignal | undefined,
  sdk: SdkErrorClasses,
): unknown {
  if (signal?.aborted) return signal.reason;
  if (error instanceof ProviderError) return error;
  // Connection errors (refused, reset, the SDK's own timeout) subclass APIError: test first.
  if (error instanceof sdk.APIConnectionError) return networkError(provider, error);
  if (error instanceof sdk.APIError) {
    const {
      status,
      headers,
      error: body,
    } = error as Error & {
      status?: number;
      headers?: Headers;
      error?: unknown;
    };
    const detail = errorDetail(body) ?? error.message;
    if (status !== undefined) return httpError(provider, status, detail, headers, error);
    // An `error` event in the middle of a stream (overloaded, server error): no status, but
    // the server said it failed, so another attempt may succeed.
    return new ProviderError(`${provider} reported an error mid-stream: ${detail}`, {
      provider,
      retryable: true,
      cause: error,
    });
  }
  // `response.json()` or the SSE decoder choking on a body that is not JSON.
  if (error instanceof SyntaxError) return malformedResponse(provider, error.message, error);
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(`${provider} call failed: ${message}`, {
    provider,
    retryable: false,
    cause: error,
  });
}

/** `{error: {message}}` (OpenAI), `{type: 'error', error: {message}}` (Anthropic), `{error: '…'}` (Ollama). */
export function errorDetail(body: unknown): string | undefined {
  if (typeof body === 'string') return body || undefined;
  if (!body || typeof body !== 'object') return undefined;
  const record = body as { message?: unknown; error?: unknown };
  if (typeof record.message === 'string') return record.message;
  return errorDetail(record.error);
}

/** True for a non-null object (a parsed JSON body worth looking into). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type ConnectionTest = Awaited<ReturnType<LlmProvider['testConnection']>>;

/**
 * The usual connection test: list the models, timed. `onError` may answer differently for some
 * failures (an OpenAI-compatible server without /models); a caller's abort is rethrown.
 */
export async function testByListingModels(
  provider: Pick<LlmProvider, 'configured' | 'name' | 'listModels'>,
  signal: AbortSignal | undefined,
  onError?: (error: unknown, start: number) => Promise<ConnectionTest> | undefined,
): Promise<ConnectionTest> {
  if (!provider.configured) {
    return { ok: false, latencyMs: 0, message: `${provider.name} is not configured` };
  }
  const start = now();
  try {
    const models = await provider.listModels(signal);
    return { ok: true, latencyMs: elapsedMs(start), message: `listed ${models.length} models` };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const fallback = onError?.(error, start);
    if (fallback) return fallback;
    return {
      ok: false,
      latencyMs: elapsedMs(start),
      message: error instanceof Error ? error.message : String(error),
    };
  }
}
