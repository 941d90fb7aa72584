/**
 * Statistics of a batch sweep, from its stored cells only: per-combination mean, spread and
 * 95% confidence interval, parameter correlations, optimal ranges and insight sentences.
 * Pure functions over plain objects.
 */
import { round } from '../../lib/numbers.js';
import { mean, standardDeviation } from '../../lib/stats.js';
import { DIMENSIONS, DIMENSION_COLUMNS } from '../../quality/types.js';
import {
  TUNED_PARAMETERS,
  parameterImpact,
  parameterInsights,
  type Observation,
} from '../metrics/parameter-insights.js';

/** One stored cell (combination × iteration) with its scores. */
export interface Cell {
  responseId: number;
  combinationId: number;
  iteration: number;
  status: string;
  error: string | null;
  cost: number;
  parameters: Record<string, unknown>;
  /** Metric values by column (`overall_quality`, `creativity_score`…); empty when unscored. */
  metrics: Record<string, number | null>;
}

/** A combination as the statistics need it: its id, prompt (multi-prompt batches) and values. */
export interface CombinationPlan {
  combination_id: number;
  /** Which of the batch's prompts it runs; absent in single-prompt batches. */
  prompt_index?: number;
  parameters: Record<string, number>;
}

export interface CombinationSummary extends CombinationPlan {
  /** Mean overall quality of the scored iterations; null when none is scored. */
  average_quality: number | null;
  /** Sample standard deviation (n − 1) of the iterations' quality; null below two scores. */
  std_dev: number | null;
  /** 95% confidence interval of the mean (Student's t, n − 1 df); null below two scores. */
  ci95: [number, number] | null;
  n: number;
  completed: number;
  failed: number;
  responses: Array<{
    iteration: number;
    quality: number | null;
    response_id: number;
    status: string;
    error: string | null;
  }>;
  /** Mean of each dimension over the scored iterations. */
  metrics_breakdown: Record<string, number>;
}

// Two-sided 95% Student's t critical values for 1..30 degrees of freedom; 1.96 beyond.
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145,
  2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048,
  2.045, 2.042,
];

export function tCritical95(df: number): number {
  return T95[df - 1] ?? 1.96;
}

/** Sample standard deviation (Bessel-corrected); NaN below two values. */
export function sampleStdDev(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const n = values.length;
  return standardDeviation(values) * Math.sqrt(n / (n - 1));
}

/** Mean ± t·s/√n; null below two values. */
export function confidenceInterval95(values: readonly number[]): [number, number] | null {
  if (values.length < 2) return null;
  const m = mean(values);
  const half = (tCritical95(values.length - 1) * sampleStdDev(values)) / Math.sqrt(values.length);
  return [round(m - half, 2)!, round(m + half, 2)!];
}

const DIMENSION_FIELDS = DIMENSIONS.map((d) => [d, DIMENSION_COLUMNS[d]] as const);

function quality(cell: Cell): number | null {
  return cell.status === 'completed' ? (cell.metrics.overall_quality ?? null) : null;
}

/** Groups cells by combination and summarises each; `combinations` gives the parameters. */
export function summarizeCombinations(
  cells: readonly Cell[],
  combinations: readonly CombinationPlan[],
): CombinationSummary[] {
  const byCombination = new Map<number, Cell[]>();
  for (const cell of cells) {
    const list = byCombination.get(cell.combinationId) ?? [];
    list.push(cell);
    byCombination.set(cell.combinationId, list);
  }
  return combinations.map(({ combination_id, prompt_index, parameters }) => {
    const group = (byCombination.get(combination_id) ?? []).sort(
      (a, b) => a.iteration - b.iteration,
    );
    const scores = group.map(quality).filter((q): q is number => q !== null);
    const breakdown: Record<string, number> = {};
    for (const [dimension, column] of DIMENSION_FIELDS) {
      const values = group
        .filter((c) => c.status === 'completed')
        .map((c) => c.metrics[column])
        .filter((v): v is number => typeof v === 'number');
      if (values.length > 0) breakdown[dimension] = round(mean(values), 2)!;
    }
    const sd = sampleStdDev(scores);
    return {
      combination_id,
      ...(prompt_index !== undefined ? { prompt_index } : {}),
      parameters,
      average_quality: scores.length ? round(mean(scores), 2) : null,
      std_dev: Number.isNaN(sd) ? null : round(sd, 2),
      ci95: confidenceInterval95(scores),
      n: scores.length,
      completed: group.filter((c) => c.status === 'completed').length,
      failed: group.filter((c) => c.status === 'failed').length,
      responses: group.map((c) => ({
        iteration: c.iteration,
        quality: round(quality(c), 2),
        response_id: c.responseId,
        status: c.status,
        error: c.error,
      })),
      metrics_breakdown: breakdown,
    };
  });
}

function observations(cells: readonly Cell[]): Observation[] {
  return cells
    .filter((c) => quality(c) !== null)
    .map((c) => ({ id: c.responseId, metrics: c.metrics, parameters: c.parameters }));
}

/** The swept parameters that actually take more than one value in `cells`. */
export function variedParameters(cells: readonly Cell[]): string[] {
  return TUNED_PARAMETERS.filter(
    (p) => new Set(cells.map((c) => c.parameters[p] as number)).size > 1,
  );
}

/**
 * Pearson r (with n) of each varied parameter against overall quality (`<p>_quality`) and
 * every dimension (`<p>_<dimension>`), over individual scored cells. r is null when it is
 * undefined (a constant side).
 */
export function parameterCorrelations(
  cells: readonly Cell[],
): Record<string, { r: number | null; n: number }> {
  const obs = observations(cells);
  const out: Record<string, { r: number | null; n: number }> = {};
  for (const p of variedParameters(cells) as Array<(typeof TUNED_PARAMETERS)[number]>) {
    const overall = parameterImpact(obs, p, 'overall_quality');
    out[`${p}_quality`] = { r: overall.correlation, n: overall.n };
    for (const [dimension, column] of DIMENSION_FIELDS) {
      const impact = parameterImpact(obs, p, column);
      if (impact.n > 0) out[`${p}_${dimension}`] = { r: impact.correlation, n: impact.n };
    }
  }
  return out;
}

/** The best-scoring third of the combinations (at least one), best first. */
function topCombinations(summaries: readonly CombinationSummary[]): CombinationSummary[] {
  const scored = summaries
    .filter((s) => s.average_quality !== null)
    .sort((a, b) => b.average_quality! - a.average_quality!);
  return scored.slice(0, Math.max(1, Math.ceil(scored.length / 3)));
}

/** For each varied parameter, [min, max] of its values among the best third of combinations. */
export function optimalRanges(
  summaries: readonly CombinationSummary[],
  varied: readonly string[],
): Record<string, [number, number]> {
  const top = topCombinations(summaries);
  const out: Record<string, [number, number]> = {};
  if (top.length === 0) return out;
  for (const p of varied) {
    const values = top.map((s) => s.parameters[p]).filter((v): v is number => v !== undefined);
    if (values.length > 0) out[p] = [Math.min(...values), Math.max(...values)];
  }
  return out;
}

export interface ResultsSummary {
  best_quality: number | null;
  average_quality: number | null;
  optimal_parameters: Record<string, number> | null;
  optimal_combination_id: number | null;
  scored_cells: number;
  total_cost: number;
}

export function resultsSummary(
  cells: readonly Cell[],
  summaries: readonly CombinationSummary[],
): ResultsSummary {
  const scores = cells.map(quality).filter((q): q is number => q !== null);
  const best = topCombinations(summaries)[0];
  return {
    best_quality: scores.length ? round(Math.max(...scores), 2) : null,
    average_quality: scores.length ? round(mean(scores), 2) : null,
    optimal_parameters: best ? best.parameters : null,
    optimal_combination_id: best ? best.combination_id : null,
    scored_cells: scores.length,
    total_cost: round(
      cells.reduce((sum, c) => sum + c.cost, 0),
      6,
    )!,
  };
}

function describe(parameters: Record<string, number>): string {
  return Object.entries(parameters)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** Insight sentences written from this batch's cells (never canned). */
export function batchInsights(
  cells: readonly Cell[],
  summaries: readonly CombinationSummary[],
): string[] {
  const insights: string[] = [];
  const failed = cells.filter((c) => c.status === 'failed');
  const obs = observations(cells);
  if (obs.length >= 2) {
    insights.push(
      ...parameterInsights(obs, ['overall_quality', 'creativity_score', 'coherence_score']),
    );
  }
  const ranked = topCombinations(summaries);
  const best = ranked[0];
  if (best && Object.keys(best.parameters).length > 0 && summaries.length > 1) {
    const ci = best.ci95 ? `, 95% CI ${best.ci95[0]}–${best.ci95[1]}` : '';
    insights.push(
      `Sweet spot identified: ${describe(best.parameters)} (mean quality ${best.average_quality} over ${best.n} run${best.n === 1 ? '' : 's'}${ci}).`,
    );
    const second = ranked[1];
    if (second && best.ci95 && second.ci95 && second.average_quality! >= best.ci95[0]) {
      insights.push(
        `The runner-up ${describe(second.parameters)} (mean ${second.average_quality}) lies within the best combination's confidence interval; more iterations would be needed to separate them.`,
      );
    }
  }
  const spreads = summaries.map((s) => s.std_dev).filter((s): s is number => s !== null);
  if (spreads.length > 0) {
    insights.push(
      `Repeats of one combination vary by ${round(mean(spreads), 1)} quality points on average (sample standard deviation over ${spreads.length} combination${spreads.length === 1 ? '' : 's'}).`,
    );
  }
  if (failed.length > 0) {
    const reasons = [...new Set(failed.map((c) => c.error ?? 'unknown error'))].slice(0, 3);
    insights.push(
      `${failed.length} of ${cells.length} cells failed (${reasons.join('; ')}); they are excluded from the statistics and can be re-run with retry_failed.`,
    );
  }
  return insights;
}
