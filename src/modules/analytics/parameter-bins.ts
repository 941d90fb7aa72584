import type { TunedParameter } from '../metrics/parameter-insights.js';
import type { MetricSums, ParameterGroup } from './analytics.repository.js';
import type { MetricColumn } from './metric-columns.js';
import { addSums, EMPTY_SUMS, meanWithInterval } from './summary-stats.js';

/**
 * Rounding of parameter values into SQL groups: max_tokens is an integer; the others live
 * in [−2, 2] and are set in steps of 0.05 or coarser in practice, so two decimals lose
 * nothing real and bound the groups at 401.
 */
export function groupDecimals(parameter: TunedParameter): number {
  return parameter === 'max_tokens' ? 0 : 2;
}

/** Bins shown when a parameter takes more distinct values than this. */
export const MAX_BINS = 10;

export interface ParameterBin {
  low: number;
  high: number;
  /** Mean parameter value of the responses in the bin. */
  value: number;
  sums: MetricSums;
  mean: number;
  low_ci: number | null;
  high_ci: number | null;
}

/**
 * Groups → bins for one metric: one bin per distinct value when there are at most
 * `maxBins`, else `maxBins` equal-width bins over the observed range. Sums of groups add up
 * exactly, so a bin's mean and interval are those of its responses.
 */
export function binGroups(
  groups: ParameterGroup[],
  metric: MetricColumn,
  maxBins = MAX_BINS,
): ParameterBin[] {
  const present = groups.filter((g) => g.sums[metric].n > 0);
  if (present.length === 0) return [];
  const values = present.map((g) => g.value);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const buckets: { low: number; high: number; sums: MetricSums }[] = [];
  if (present.length <= maxBins) {
    for (const g of present) buckets.push({ low: g.value, high: g.value, sums: g.sums[metric] });
  } else {
    const width = (max - min) / maxBins;
    for (let i = 0; i < maxBins; i += 1) {
      buckets.push({ low: min + i * width, high: min + (i + 1) * width, sums: EMPTY_SUMS });
    }
    for (const g of present) {
      const index = Math.min(maxBins - 1, Math.floor((g.value - min) / width));
      buckets[index]!.sums = addSums(buckets[index]!.sums, g.sums[metric]);
    }
  }
  return buckets
    .filter((b) => b.sums.n > 0)
    .map((b) => {
      const ci = meanWithInterval(b.sums.n, b.sums.sy, b.sums.syy);
      return {
        low: b.low,
        high: b.high,
        value: b.sums.sx / b.sums.n,
        sums: b.sums,
        mean: ci.mean,
        low_ci: ci.low,
        high_ci: ci.high,
      };
    });
}

/**
 * The bin with the highest mean among those holding at least 2% of the responses (and two
 * of them), so one lucky response cannot be "optimal"; falls back to every bin when none
 * qualifies.
 */
export function bestBin(bins: ParameterBin[]): ParameterBin | undefined {
  const total = bins.reduce((s, b) => s + b.sums.n, 0);
  const support = Math.max(2, Math.ceil(total * 0.02));
  const eligible = bins.some((b) => b.sums.n >= support)
    ? bins.filter((b) => b.sums.n >= support)
    : bins;
  let best: ParameterBin | undefined;
  for (const bin of eligible) {
    if (!best || bin.mean > best.mean || (bin.mean === best.mean && bin.sums.n > best.sums.n)) {
      best = bin;
    }
  }
  return best;
}

/** All groups' sums of one metric added together (the whole selection). */
export function totalSums(groups: ParameterGroup[], metric: MetricColumn): MetricSums {
  return groups.reduce((acc, g) => addSums(acc, g.sums[metric]), EMPTY_SUMS);
}
