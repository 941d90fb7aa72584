/**
 * `calculation_method: "llm_judge"`: every requested dimension graded by an LLM with its G-Eval
 * rubric (rubrics.ts), optionally k times to measure how far the judge can be trusted.
 */
import pLimit from 'p-limit';
import type { LlmProvider, SamplingParameters } from '../../llm/types.js';
import {
  DIMENSIONS,
  type Dimension,
  type DimensionResult,
  type QualityEngine,
  type QualityReport,
  type ScoreOptions,
  type ScoringInput,
} from '../types.js';
import { judgeDimension, type JudgeFailure, type JudgeSettings } from './judge-dimension.js';
import { JudgeUsage, type JudgePricing } from './judge-usage.js';
import { JUDGE_SCALE, type JudgePromptOptions } from './rubrics.js';
import { stabilityReport, type DimensionSpread } from './stability.js';
import { meanOverall, type OverallFunction } from './stats.js';

/** Options of {@link JudgeEngine}. */
export interface JudgeEngineOptions {
  /** The judge; wrap it with `withResilience` for timeouts, retries and rate limits. */
  provider: LlmProvider;
  /** The judge model id as the provider knows it (no `provider:` prefix). */
  model: string;
  /**
   * Sampling temperature. Default 0 (the most repeatable verdict) for one sample, 0.7 when
   * `samples` > 1: grading k times at temperature 0 would measure nothing, so 0 is rejected then.
   */
  temperature?: number;
  /** Gradings per dimension, 1-20, default 1; the report gives their mean and spread. */
  samples?: number;
  /** Judge calls in flight at once for one report, default 4. */
  concurrency?: number;
  /** Combines dimension scores into overall_quality. Default: their plain mean, one decimal. */
  overall?: OverallFunction;
  /** The judge's answer budget, default 300 tokens (reasoning, two suggestions, the score). */
  maxTokens?: number;
  /** Prices the judge's calls for `metadata.cost_usd` (e.g. the registry's model catalogue). */
  pricing?: JudgePricing;
  /** Truncation limits and number of suggestions asked for. */
  prompt?: JudgePromptOptions;
}

/** No requested dimension could be scored: the judge never answered in a readable form. */
export class JudgeFailedError extends Error {
  readonly code = 'JUDGE_FAILED';

  constructor(
    message: string,
    /** Why each dimension failed. */
    readonly failures: Partial<Record<Dimension, JudgeFailure>>,
  ) {
    super(message);
    this.name = 'JudgeFailedError';
  }
}

export const MAX_JUDGE_SAMPLES = 20;

export class JudgeEngine implements QualityEngine {
  readonly method = 'llm_judge' as const;
  private readonly settings: JudgeSettings;
  private readonly samples: number;
  private readonly concurrency: number;
  private readonly overall: OverallFunction;
  private readonly pricing: JudgePricing | undefined;

  constructor(options: JudgeEngineOptions) {
    if (!options.model.trim()) throw new RangeError('JudgeEngine needs a judge model');
    this.samples = options.samples ?? 1;
    if (!Number.isInteger(this.samples) || this.samples < 1 || this.samples > MAX_JUDGE_SAMPLES) {
      throw new RangeError(`samples must be an integer from 1 to ${MAX_JUDGE_SAMPLES}`);
    }
    const temperature = options.temperature ?? (this.samples > 1 ? 0.7 : 0);
    if (!(temperature >= 0 && temperature <= 2)) {
      throw new RangeError('temperature must be between 0 and 2');
    }
    if (this.samples > 1 && temperature === 0) {
      throw new RangeError(
        `samples = ${this.samples} needs a temperature above 0: at temperature 0 every grading ` +
          'is (nearly) the same, so their spread would say nothing about the judge',
      );
    }
    this.concurrency = options.concurrency ?? 4;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new RangeError('concurrency must be a positive integer');
    }
    const parameters: SamplingParameters = {
      temperature,
      top_p: 1,
      max_tokens: options.maxTokens ?? 300,
      frequency_penalty: 0,
      presence_penalty: 0,
    };
    this.settings = {
      provider: options.provider,
      model: options.model,
      parameters,
      ...(options.prompt ? { prompt: options.prompt } : {}),
    };
    this.overall = options.overall ?? meanOverall;
    this.pricing = options.pricing;
  }

  async score(input: ScoringInput, options: ScoreOptions = {}): Promise<QualityReport> {
    const started = performance.now();
    const requested = [...new Set(options.dimensions ?? DIMENSIONS)];
    if (requested.length === 0) throw new RangeError('no dimension to score');
    // One failed call (provider down) stops the report's other queued and in-flight calls.
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const usage = new JudgeUsage(this.pricing);
    const context = { signal, usage, schedule: schedulerOf(pLimit(this.concurrency)) };
    const verdicts = await Promise.all(
      requested.map((dimension) =>
        judgeDimension(this.settings, dimension, input, this.samples, context).catch(
          (error: unknown) => {
            stop.abort(error);
            throw error;
          },
        ),
      ),
    );

    const dimensions: Partial<Record<Dimension, DimensionResult>> = {};
    const failures: Partial<Record<Dimension, JudgeFailure>> = {};
    const spreads: Partial<Record<Dimension, DimensionSpread>> = {};
    requested.forEach((dimension, i) => {
      const verdict = verdicts[i]!;
      if (verdict.ok) {
        dimensions[dimension] = verdict.result;
        spreads[dimension] = { ...verdict.spread, scores: verdict.scores };
      } else {
        failures[dimension] = verdict.failure;
      }
    });
    if (Object.keys(dimensions).length === 0) throw this.allFailed(failures);

    return {
      method: this.method,
      overall_quality: this.overall(dimensions),
      dimensions,
      processingMs: Math.round(performance.now() - started),
      metadata: {
        judge_provider: this.settings.provider.id,
        judge_model: this.settings.model,
        temperature: this.settings.parameters.temperature,
        samples: this.samples,
        scale: `${JUDGE_SCALE.min}-${JUDGE_SCALE.max}`,
        ...usage.summary(),
        ...(Object.keys(failures).length > 0 ? { failed_dimensions: failures } : {}),
        ...(this.samples > 1 ? { stability: stabilityReport(this.samples, spreads) } : {}),
      },
    };
  }

  private allFailed(failures: Partial<Record<Dimension, JudgeFailure>>): JudgeFailedError {
    const entries = Object.entries(failures);
    const reasons = [...new Set(entries.map(([, f]) => f.reason))];
    return new JudgeFailedError(
      `The judge (${this.settings.provider.id}:${this.settings.model}) gave no readable score ` +
        `for any of the ${entries.length} requested dimension(s): ${reasons.join('; ')}. ` +
        `It must end its answer with "Score: N" (N from ${JUDGE_SCALE.min} to ${JUDGE_SCALE.max}); ` +
        'use a model that follows instructions.',
      failures,
    );
  }
}

function schedulerOf(limit: ReturnType<typeof pLimit>) {
  return <T>(task: () => Promise<T>): Promise<T> => limit(task);
}
