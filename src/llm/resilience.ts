/**
 * Wraps any {@link LlmProvider} with the policy every real provider needs: a per-attempt
 * timeout, retries with exponential backoff and full jitter on retryable failures (429, 5xx,
 * network, timeouts) honouring `Retry-After`, and a concurrency limit shared by `generate` and
 * `stream`. A caller's abort is never retried.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import {
  ProviderError,
  type GenerateRequest,
  type GenerateResult,
  type LlmProvider,
  type ModelInfo,
  type StreamChunk,
} from './types.js';

export interface RetryInfo {
  /** 1-based number of the retry about to be made. */
  attempt: number;
  /** How long the wrapper waits before it. */
  delayMs: number;
  /** The failure that caused it. */
  error: ProviderError;
}

export interface ResilienceOptions {
  /**
   * Milliseconds one attempt may take, the whole of it: for `stream` that includes reading the
   * stream to its end (and a slow consumer's pauses). A timeout is retryable.
   */
  timeoutMs: number;
  /** Retries after the first attempt; 0 disables retrying. */
  maxRetries: number;
  /** First backoff ceiling, doubled per retry. Default 500. */
  baseDelayMs?: number;
  /** Cap on any wait, `Retry-After` included. Default 20000. */
  maxDelayMs?: number;
  /** Calls in flight at once through this wrapper, `generate` and `stream` together. */
  concurrency: number;
  /** Called before each retry's wait (for logs and metrics). */
  onRetry?: (info: RetryInfo) => void;
  /** Waits between attempts; must reject with the signal's reason when it aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Source of jitter in [0, 1). Default `Math.random`. */
  random?: () => number;
}

export function withResilience(provider: LlmProvider, options: ResilienceOptions): LlmProvider {
  return new ResilientProvider(provider, options);
}

class ResilientProvider implements LlmProvider {
  private readonly limit: LimitFunction;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly inner: LlmProvider,
    private readonly options: ResilienceOptions,
  ) {
    this.limit = pLimit(options.concurrency);
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 20_000;
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? Math.random;
  }

  get id() {
    return this.inner.id;
  }

  get name() {
    return this.inner.name;
  }

  get configured() {
    return this.inner.configured;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const release = await acquire(this.limit, request.signal);
    try {
      for (let retries = 0; ; retries += 1) {
        try {
          return await this.attempt(
            (signal) => this.inner.generate({ ...request, signal }),
            request.signal,
          );
        } catch (error) {
          await this.beforeRetry(error, retries, request.signal);
        }
      }
    } finally {
      release();
    }
  }

  async *stream(request: GenerateRequest): AsyncIterable<StreamChunk> {
    const release = await acquire(this.limit, request.signal);
    try {
      for (let retries = 0; ; retries += 1) {
        const timeout = AbortSignal.timeout(this.options.timeoutMs);
        const signal = combine(request.signal, timeout);
        let yielded = false;
        try {
          const iterator = this.inner.stream({ ...request, signal })[Symbol.asyncIterator]();
          try {
            for (;;) {
              const next = await raceSignal(iterator.next(), signal);
              if (next.done) return;
              yielded = true;
              yield next.value;
            }
          } finally {
            // Consumer gone, timeout or failure: let the adapter close its connection.
            void iterator.return?.().catch(() => undefined);
          }
        } catch (error) {
          const failure = this.classify(error, request.signal, timeout);
          // Text already went out: a second attempt would repeat or contradict it.
          if (yielded) throw withRetries(failure, retries);
          await this.beforeRetry(failure, retries, request.signal);
        }
      }
    } finally {
      release();
    }
  }

  listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    return this.attempt((s) => this.inner.listModels(s), signal);
  }

  async testConnection(signal?: AbortSignal) {
    try {
      return await this.attempt((s) => this.inner.testConnection(s), signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, latencyMs: this.options.timeoutMs, message };
    }
  }

  /** One attempt under its own timeout; failures come out classified. */
  private async attempt<T>(run: (signal: AbortSignal) => Promise<T>, caller?: AbortSignal) {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = combine(caller, timeout);
    try {
      // Raced as well as passed down, so an adapter that ignores its signal still times out.
      return await raceSignal(run(signal), signal);
    } catch (error) {
      throw this.classify(error, caller, timeout);
    }
  }

  /** The caller's abort reason as is; everything else as a ProviderError. */
  private classify(error: unknown, caller: AbortSignal | undefined, timeout: AbortSignal) {
    if (caller?.aborted) return caller.reason as unknown;
    if (timeout.aborted) {
      return new ProviderError(
        `${this.inner.id} did not answer within the ${this.options.timeoutMs} ms timeout`,
        { provider: this.inner.id, retryable: true, cause: timeout.reason },
      );
    }
    if (error instanceof ProviderError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new ProviderError(`${this.inner.id} failed: ${message}`, {
      provider: this.inner.id,
      retryable: false,
      cause: error,
    });
  }

  /** Throws when the failure is final; otherwise waits out the backoff. */
  private async beforeRetry(error: unknown, retries: number, caller?: AbortSignal) {
    if (caller?.aborted || !(error instanceof ProviderError)) throw error;
    if (!error.retryable || retries >= this.options.maxRetries) throw withRetries(error, retries);
    const delayMs = this.delayFor(retries, error);
    this.options.onRetry?.({ attempt: retries + 1, delayMs, error });
    await this.sleep(delayMs, caller);
  }

  /** `Retry-After` when the provider sent one, else full jitter over an exponential ceiling. */
  private delayFor(retries: number, error: ProviderError): number {
    if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, this.maxDelayMs);
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** retries);
    return Math.floor(this.random() * ceiling);
  }
}

function withRetries(error: unknown, retries: number): unknown {
  if (error instanceof ProviderError) error.retries = retries;
  return error;
}

function combine(caller: AbortSignal | undefined, timeout: AbortSignal): AbortSignal {
  return caller ? AbortSignal.any([caller, timeout]) : timeout;
}

/** Settles with the promise, or rejects with the signal's reason as soon as it aborts. */
function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason as unknown);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as unknown);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Takes a slot of the limit and returns its release. The slot is held for the whole call,
 * backoff included, so a rate-limited provider is not hit by queued calls meanwhile. A caller
 * that aborts while queued leaves the queue (its slot is handed straight back when granted).
 */
function acquire(limit: LimitFunction, signal: AbortSignal | undefined): Promise<() => void> {
  if (signal?.aborted) return Promise.reject(signal.reason as unknown);
  const granted = new Promise<() => void>((resolveGranted) => {
    void limit(() => new Promise<void>((release) => resolveGranted(() => release())));
  });
  if (!signal) return granted;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as unknown);
    signal.addEventListener('abort', onAbort, { once: true });
    void granted.then((release) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) release();
      else resolve(release);
    });
  });
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as unknown);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as unknown);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
