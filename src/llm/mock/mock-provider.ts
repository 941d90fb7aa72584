import { ModelCatalog } from '../pricing.js';
import { countTokens } from '../tokens.js';
import {
  ProviderError,
  type GenerateRequest,
  type GenerateResult,
  type LlmProvider,
  type ModelInfo,
  type StreamChunk,
} from '../types.js';
import { finish, streamChunks } from './finish.js';
import { MOCK_MODEL_IDS, mockStyle, type MockStyle } from './mock-models.js';
import { hashUnit, mixSeed, Rng } from './prng.js';
import { deriveSeed, generateText } from './text-generator.js';

/** Options for {@link MockProvider}. */
export interface MockProviderOptions {
  /** Simulated generation time per 100 completion tokens, in ms (× the model's speed factor). Default 0. */
  latencyMsPer100Tokens?: number;
  /** Share of calls, 0..1, that fail with a retryable 503, chosen deterministically. Default 0. */
  failureRate?: number;
  /** Where listModels reads names, prices and context windows. Default: the shipped catalogue. */
  catalog?: ModelCatalog;
}

const PROVIDER = 'mock';

/** A finished mock generation before timing: what generate() returns and stream() replays. */
interface Composed {
  content: string;
  finishReason: GenerateResult['finishReason'];
  promptTokens: number;
  completionTokens: number;
  style: MockStyle;
  seed: number;
  task: string;
  delayMs: number;
}

function abortError(signal: AbortSignal): ProviderError {
  return new ProviderError('aborted', {
    provider: PROVIDER,
    retryable: false,
    cause: signal.reason,
  });
}

/** Waits `ms`, rejecting with an 'aborted' ProviderError as soon as the signal fires. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The offline provider: deterministic, parameter-sensitive English about the prompt, written
 * from the mock's own templates and word banks (see text-generator.ts). Simulates latency and,
 * on request, provider failures, so the whole pipeline can be exercised without a network.
 */
export class MockProvider implements LlmProvider {
  readonly id = PROVIDER;
  readonly name = 'Mock (offline)';
  readonly configured = true;

  private readonly latencyMsPer100Tokens: number;
  private readonly failureRate: number;
  private readonly catalog: ModelCatalog;
  /** Counts calls so a failure rate fails some repeats of one request and not others. */
  private calls = 0;

  constructor(options: MockProviderOptions = {}) {
    this.latencyMsPer100Tokens = Math.max(0, options.latencyMsPer100Tokens ?? 0);
    this.failureRate = Math.min(1, Math.max(0, options.failureRate ?? 0));
    this.catalog = options.catalog ?? ModelCatalog.load();
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const started = performance.now();
    const composed = this.compose(request);
    await sleep(composed.delayMs, request.signal);
    return this.result(request, composed, started);
  }

  async *stream(request: GenerateRequest): AsyncIterable<StreamChunk> {
    const started = performance.now();
    const composed = this.compose(request);
    const chunks = streamChunks(composed.content, new Rng(mixSeed(composed.seed, 'chunks')));
    const length = Math.max(1, composed.content.length);
    for (const text of chunks) {
      // The same total latency as generate(), spread over the chunks by their length.
      await sleep((composed.delayMs * text.length) / length, request.signal);
      yield { type: 'delta', text };
    }
    yield { type: 'done', result: this.result(request, composed, started) };
  }

  async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    if (signal?.aborted) throw abortError(signal);
    return MOCK_MODEL_IDS.map((id) => this.catalog.describe(PROVIDER, id));
  }

  async testConnection(
    signal?: AbortSignal,
  ): Promise<{ ok: boolean; latencyMs: number; message: string }> {
    const started = performance.now();
    if (signal?.aborted) throw abortError(signal);
    return {
      ok: true,
      latencyMs: Math.round(performance.now() - started),
      message: `Mock provider ready offline (${MOCK_MODEL_IDS.length} models)`,
    };
  }

  /** Validates, maybe fails, writes and finishes the text; everything except waiting. */
  private compose(request: GenerateRequest): Composed {
    const style = mockStyle(request.model);
    if (!style) {
      throw new ProviderError(
        `Unknown mock model "${request.model}". Valid models: ${MOCK_MODEL_IDS.join(', ')}`,
        { provider: PROVIDER, status: 404, retryable: false },
      );
    }
    if (request.signal?.aborted) throw abortError(request.signal);
    const iteration = request.iteration ?? 1;
    this.calls += 1;
    const callSeed = deriveSeed(request.prompt, style.id, iteration, request.parameters.seed);
    if (this.failureRate > 0 && hashUnit(callSeed, 'failure', this.calls) < this.failureRate) {
      throw new ProviderError('simulated provider failure', {
        provider: PROVIDER,
        status: 503,
        retryable: true,
      });
    }
    const { text, seed, analysis } = generateText({
      prompt: request.prompt,
      style,
      parameters: request.parameters,
      iteration,
    });
    const maxTokens = request.parameters.max_tokens;
    const budget = Number.isFinite(maxTokens) ? Math.floor(maxTokens) : Number.POSITIVE_INFINITY;
    const { content, finishReason } = finish(text, budget, request.parameters.stop);
    const completionTokens = countTokens(content);
    return {
      content,
      finishReason,
      promptTokens: countTokens(request.prompt),
      completionTokens,
      style,
      seed,
      task: analysis.task,
      delayMs: (this.latencyMsPer100Tokens * style.latencyFactor * completionTokens) / 100,
    };
  }

  private result(request: GenerateRequest, composed: Composed, started: number): GenerateResult {
    return {
      content: composed.content,
      tokenUsage: {
        prompt: composed.promptTokens,
        completion: composed.completionTokens,
        total: composed.promptTokens + composed.completionTokens,
        source: 'provider',
      },
      finishReason: composed.finishReason,
      latencyMs: Math.round(performance.now() - started),
      model: request.model,
      metadata: {
        provider: PROVIDER,
        dropped_parameters: [],
        style: composed.style.style,
        seed: composed.seed,
        task: composed.task,
      },
    };
  }
}
