/**
 * `calculation_method: "hybrid"`: the heuristic and the LLM judge score the same response and
 * each dimension is their weighted mean. Where the judge could not score a dimension (or could
 * not be reached at all) the heuristic score stands alone, and the explanation says so.
 */
import {
  DIMENSIONS,
  type Dimension,
  type DimensionResult,
  type QualityEngine,
  type QualityReport,
  type ScoreOptions,
  type ScoringInput,
} from '../types.js';
import { meanOverall, round1, type OverallFunction } from './stats.js';

/** Options of {@link HybridEngine}. */
export interface HybridEngineOptions {
  /** The offline engine (`method: 'heuristic'`); its failure fails the report. */
  heuristic: QualityEngine;
  /** The judge engine (`method: 'llm_judge'`). */
  judge: QualityEngine;
  /** The judge's share of each combined score, 0-1, default 0.6 (the heuristic gets the rest). */
  judgeWeight?: number;
  /** Combines dimension scores into overall_quality. Default: their plain mean, one decimal. */
  overall?: OverallFunction;
  /**
   * When the judge fails as a whole (provider down, no readable answer): false (default) falls
   * back to the heuristic scores and records `metadata.judge_error`; true rethrows.
   */
  failOnJudgeError?: boolean;
}

type JudgeOutcome = { report: QualityReport } | { error: unknown };

export class HybridEngine implements QualityEngine {
  readonly method = 'hybrid' as const;
  private readonly heuristic: QualityEngine;
  private readonly judge: QualityEngine;
  private readonly judgeWeight: number;
  private readonly overall: OverallFunction;
  private readonly failOnJudgeError: boolean;

  constructor(options: HybridEngineOptions) {
    this.judgeWeight = options.judgeWeight ?? 0.6;
    if (!(this.judgeWeight >= 0 && this.judgeWeight <= 1)) {
      throw new RangeError('judgeWeight must be between 0 and 1');
    }
    this.heuristic = options.heuristic;
    this.judge = options.judge;
    this.overall = options.overall ?? meanOverall;
    this.failOnJudgeError = options.failOnJudgeError ?? false;
  }

  async score(input: ScoringInput, options: ScoreOptions = {}): Promise<QualityReport> {
    const started = performance.now();
    // A failed heuristic fails the report, so the judge's calls are stopped rather than paid for.
    const stop = new AbortController();
    const judgeSignal = options.signal
      ? AbortSignal.any([options.signal, stop.signal])
      : stop.signal;
    const judged: Promise<JudgeOutcome> = this.judge
      .score(input, { ...options, signal: judgeSignal })
      .then(
        (report) => ({ report }),
        (error: unknown) => ({ error }),
      );
    let heuristic: QualityReport;
    try {
      heuristic = await this.heuristic.score(input, options);
    } catch (error) {
      stop.abort(error);
      await judged;
      throw error;
    }
    const outcome = await judged;
    if ('error' in outcome && (options.signal?.aborted || this.failOnJudgeError)) {
      throw outcome.error;
    }
    const judge = 'report' in outcome ? outcome.report : undefined;
    const judgeError = 'error' in outcome ? messageOf(outcome.error) : undefined;

    const dimensions: Partial<Record<Dimension, DimensionResult>> = {};
    const fallbacks: Partial<Record<Dimension, string>> = {};
    for (const dimension of new Set(options.dimensions ?? DIMENSIONS)) {
      const h = heuristic.dimensions[dimension];
      const j = judge?.dimensions[dimension];
      if (h && j) {
        dimensions[dimension] = this.combine(h, j);
      } else if (h) {
        const reason = judgeError ?? failureReason(judge, dimension);
        fallbacks[dimension] = reason;
        dimensions[dimension] = heuristicOnly(h, reason);
      } else if (j) {
        dimensions[dimension] = judgeOnly(j);
      }
    }
    if (Object.keys(dimensions).length === 0) {
      throw new Error('Neither the heuristic engine nor the judge scored any requested dimension');
    }

    const stability = judge?.metadata?.stability;
    return {
      method: this.method,
      overall_quality: this.overall(dimensions),
      dimensions,
      processingMs: Math.round(performance.now() - started),
      metadata: {
        judge_weight: this.judgeWeight,
        component_overall: {
          heuristic: heuristic.overall_quality,
          ...(judge ? { llm_judge: judge.overall_quality } : {}),
        },
        ...(Object.keys(fallbacks).length > 0 ? { fallback_dimensions: fallbacks } : {}),
        ...(judgeError ? { judge_error: judgeError } : {}),
        ...(stability ? { stability } : {}),
        heuristic: heuristic.metadata ?? {},
        judge: judge?.metadata ?? {},
      },
    };
  }

  private combine(h: DimensionResult, j: DimensionResult): DimensionResult {
    const w = this.judgeWeight;
    return {
      score: round1(w * j.score + (1 - w) * h.score),
      explanation:
        `LLM judge (${j.score}/100, weight ${round2(w)}): ${j.explanation}\n` +
        `Heuristic (${h.score}/100, weight ${round2(1 - w)}): ${h.explanation}`,
      suggestions: interleave(j.suggestions, h.suggestions, 4),
      evidence: {
        judge_score: j.score,
        heuristic_score: h.score,
        judge_weight: w,
        judge: j.evidence ?? {},
        heuristic: h.evidence ?? {},
      },
    };
  }
}

function heuristicOnly(h: DimensionResult, reason: string): DimensionResult {
  return {
    ...h,
    explanation: `The LLM judge could not score this dimension (${reason}), so this is the heuristic score alone. ${h.explanation}`,
    evidence: {
      heuristic_score: h.score,
      judge_weight: 0,
      judge_failure: reason,
      heuristic: h.evidence ?? {},
    },
  };
}

function judgeOnly(j: DimensionResult): DimensionResult {
  return {
    ...j,
    explanation: `The heuristic engine does not score this dimension; LLM judge only. ${j.explanation}`,
    evidence: { judge_score: j.score, judge_weight: 1, judge: j.evidence ?? {} },
  };
}

function failureReason(judge: QualityReport | undefined, dimension: Dimension): string {
  const failed = judge?.metadata?.failed_dimensions as
    Partial<Record<Dimension, { reason?: unknown }>> | undefined;
  const reason = failed?.[dimension]?.reason;
  return typeof reason === 'string' ? reason : 'the judge returned no score for it';
}

/** Alternates the two lists (judge first), without duplicates, up to `max`. */
function interleave(a: string[], b: string[], max: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length) && out.length < max; i += 1) {
    for (const s of [a[i], b[i]]) {
      if (s && out.length < max && !out.some((o) => o.toLowerCase() === s.toLowerCase())) {
        out.push(s);
      }
    }
  }
  return out;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
