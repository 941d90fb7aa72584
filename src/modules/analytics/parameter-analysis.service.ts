import type { OwnerScope } from '../../lib/auth-context.js';
import { round } from '../../lib/numbers.js';
import type { TunedParameter } from '../metrics/parameter-insights.js';
import type { AnalyticsRepository } from './analytics.repository.js';
import { METRIC_COLUMNS, metricLabel, type MetricColumn } from './metric-columns.js';
import {
  bestBin,
  binGroups,
  groupDecimals,
  totalSums,
  type ParameterBin,
} from './parameter-bins.js';
import { correlationFromSums, formatP } from './summary-stats.js';

/** |r| below this is described as no clear linear link. */
const WEAK_CORRELATION = 0.1;
const SIGNIFICANCE = 0.05;

export interface ParameterAnalysisInput {
  parameter: TunedParameter;
  model?: string;
  from?: Date;
  to?: Date;
}

interface Correlation {
  metric: MetricColumn;
  correlation: number | null;
  p_value: number | null;
  n: number;
}

/**
 * The bins next to the best one whose mean lies inside the best bin's 95% interval: at this
 * sample size they are not distinguishable from the best, so the whole span is "optimal".
 */
function optimalRange(bins: ParameterBin[], best: ParameterBin) {
  const index = bins.indexOf(best);
  const floor = best.low_ci ?? best.mean;
  let lo = index;
  let hi = index;
  while (lo > 0 && bins[lo - 1]!.mean >= floor) lo -= 1;
  while (hi < bins.length - 1 && bins[hi + 1]!.mean >= floor) hi += 1;
  return { min: bins[lo]!.low, max: bins[hi]!.high, bins: hi - lo + 1 };
}

const fmt = (v: number | null, digits = 1) => (v === null ? 'n/a' : String(round(v, digits)));

/** GET /api/analytics/parameter-analysis: quality by parameter bins, correlations, optimum. */
export class ParameterAnalysisService {
  constructor(private readonly repo: AnalyticsRepository) {}

  async analyse(scope: OwnerScope, input: ParameterAnalysisInput) {
    const { parameter } = input;
    const groups = await this.repo.parameterGroups(
      {
        scope,
        ...(input.from ? { from: input.from } : {}),
        ...(input.to ? { to: input.to } : {}),
        ...(input.model ? { models: [input.model] } : {}),
      },
      parameter,
      METRIC_COLUMNS,
      groupDecimals(parameter),
    );
    const bins = binGroups(groups, 'overall_quality');
    const correlations: Correlation[] = METRIC_COLUMNS.map((metric) => {
      const sums = totalSums(groups, metric);
      const c = correlationFromSums(sums);
      return {
        metric,
        correlation: c ? round(c.r, 3) : null,
        p_value: c ? round(c.p_value, 4) : null,
        n: sums.n,
      };
    });
    const best = bins.length > 1 ? bestBin(bins) : undefined;
    const range = best ? optimalRange(bins, best) : undefined;
    const digits = parameter === 'max_tokens' ? 0 : 3;
    return {
      parameter,
      model: input.model ?? null,
      date_range: {
        from: input.from?.toISOString() ?? null,
        to: input.to?.toISOString() ?? null,
      },
      total_responses: totalSums(groups, 'overall_quality').n,
      distinct_values: groups.filter((g) => g.sums.overall_quality.n > 0).length,
      bins: bins.map((b) => ({
        range: [round(b.low, digits), round(b.high, digits)],
        mean_value: round(b.value, digits),
        n: b.sums.n,
        mean_quality: round(b.mean, 2),
        ci_95: b.low_ci === null ? null : [round(b.low_ci, 2), round(b.high_ci, 2)],
      })),
      correlations,
      optimal_range:
        best && range
          ? {
              min: round(range.min, digits),
              max: round(range.max, digits),
              best_value: round(best.value, digits),
              mean_quality: round(best.mean, 2),
              ci_95: best.low_ci === null ? null : [round(best.low_ci, 2), round(best.high_ci, 2)],
              n: best.sums.n,
            }
          : null,
      finding: this.finding(parameter, bins, best, range, correlations),
    };
  }

  /** One paragraph built from the numbers above; every clause states its evidence. */
  private finding(
    parameter: TunedParameter,
    bins: ParameterBin[],
    best: ParameterBin | undefined,
    range: { min: number; max: number; bins: number } | undefined,
    correlations: Correlation[],
  ): string {
    const n = bins.reduce((s, b) => s + b.sums.n, 0);
    if (n === 0) return `No scored responses with a numeric ${parameter} match these filters.`;
    if (!best || !range) {
      return `All ${n} scored responses used ${parameter} = ${fmt(bins[0]!.value, 3)}; vary it (for example with a batch sweep) to measure its effect.`;
    }
    const digits = parameter === 'max_tokens' ? 0 : 2;
    const span =
      range.min === range.max
        ? `${fmt(range.min, digits)}`
        : `${fmt(range.min, digits)}–${fmt(range.max, digits)}`;
    const sentences = [
      `Overall quality is highest at ${parameter} ≈ ${fmt(best.value, digits)} (mean ${fmt(best.mean)}` +
        (best.low_ci === null ? '' : `, 95% CI ${fmt(best.low_ci)}–${fmt(best.high_ci)}`) +
        `, n = ${best.sums.n}).`,
    ];
    sentences.push(
      range.bins === bins.length
        ? `No bin differs clearly from the best: every bin mean lies within its interval, so at n = ${n} ${parameter} shows no reliable effect.`
        : `Settings in ${span} score within that interval; outside it quality drops to ${fmt(Math.min(...bins.map((b) => b.mean)))} at worst.`,
    );
    const overall = correlations[0]!;
    if (overall.correlation !== null) {
      const strong = Math.abs(overall.correlation) >= WEAK_CORRELATION;
      const significant = (overall.p_value ?? 1) < SIGNIFICANCE;
      sentences.push(
        strong && significant
          ? `Across all responses, higher ${parameter} goes with ${overall.correlation > 0 ? 'higher' : 'lower'} overall quality (r = ${overall.correlation}, ${formatP(overall.p_value!)}, n = ${overall.n}).`
          : `The linear correlation with overall quality is weak or not significant (r = ${overall.correlation}, ${formatP(overall.p_value ?? 1)}, n = ${overall.n})` +
              (range.bins < bins.length ? '; the effect is not a straight line.' : '.'),
      );
    }
    const strongest = correlations
      .slice(1)
      .filter((c) => c.correlation !== null && (c.p_value ?? 1) < SIGNIFICANCE)
      .sort((a, b) => Math.abs(b.correlation!) - Math.abs(a.correlation!))[0];
    if (strongest && Math.abs(strongest.correlation!) >= WEAK_CORRELATION) {
      sentences.push(
        `Of the dimensions, ${metricLabel(strongest.metric)} responds most (r = ${strongest.correlation}).`,
      );
    }
    return sentences.join(' ');
  }
}
