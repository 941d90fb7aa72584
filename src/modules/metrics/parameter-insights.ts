import { round } from '../../lib/numbers.js';
import { mean, pearson, standardDeviation } from '../../lib/stats.js';

/** One scored response as the insight functions see it. */
export interface Observation {
  id: number;
  /** Metric values by API field (`overall_quality`, `creativity_score`…); null when unscored. */
  metrics: Record<string, number | null>;
  parameters: Record<string, unknown>;
  finishReason?: string | null;
}

export const TUNED_PARAMETERS = [
  'temperature',
  'top_p',
  'max_tokens',
  'frequency_penalty',
  'presence_penalty',
] as const;
export type TunedParameter = (typeof TUNED_PARAMETERS)[number];

/** Correlations below this are reported as "no clear link" rather than as a direction. */
const CLEAR_LINK = 0.3;

function numeric(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function pairs(
  observations: Observation[],
  parameter: TunedParameter,
  metric: string,
): [number, number][] {
  return observations.flatMap((o) => {
    const x = numeric(o.parameters[parameter]);
    const y = o.metrics[metric];
    return x === undefined || y === null || y === undefined ? [] : [[x, y] as [number, number]];
  });
}

/** Pearson r between a parameter and a metric, with n; null when the parameter never varied. */
export function parameterImpact(
  observations: Observation[],
  parameter: TunedParameter,
  metric = 'overall_quality',
): { correlation: number | null; n: number } {
  const data = pairs(observations, parameter, metric);
  const r = pearson(
    data.map((d) => d[0]),
    data.map((d) => d[1]),
  );
  return { correlation: Number.isNaN(r) ? null : round(r, 3), n: data.length };
}

/**
 * The parameter values whose responses scored best on average (each distinct combination of
 * the tuned parameters is a group; ties go to the larger group).
 */
export function optimalSettings(
  observations: Observation[],
  metric = 'overall_quality',
  parameters: readonly TunedParameter[] = ['temperature', 'top_p'],
): { settings: Record<string, number>; mean: number; n: number } | null {
  const groups = new Map<string, { settings: Record<string, number>; scores: number[] }>();
  for (const o of observations) {
    const score = o.metrics[metric];
    if (score === null || score === undefined) continue;
    const settings: Record<string, number> = {};
    for (const p of parameters) {
      const v = numeric(o.parameters[p]);
      if (v !== undefined) settings[p] = v;
    }
    const key = JSON.stringify(settings);
    const group = groups.get(key) ?? { settings, scores: [] };
    group.scores.push(score);
    groups.set(key, group);
  }
  let best: { settings: Record<string, number>; mean: number; n: number } | null = null;
  for (const g of groups.values()) {
    const m = mean(g.scores);
    if (!best || m > best.mean || (m === best.mean && g.scores.length > best.n)) {
      best = { settings: g.settings, mean: round(m, 2) ?? m, n: g.scores.length };
    }
  }
  return best;
}

function label(metric: string): string {
  return metric === 'overall_quality'
    ? 'overall quality'
    : `${metric.replace(/_score$/, '').replace(/_/g, ' ')} scores`;
}

function range(values: number[]): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? `${lo}` : `${lo}–${hi}`;
}

/** Sentences about how the parameters relate to the metrics, from these observations only. */
export function parameterInsights(observations: Observation[], metrics: string[]): string[] {
  const insights: string[] = [];
  const scored = observations.filter(
    (o) => o.metrics.overall_quality !== null && o.metrics.overall_quality !== undefined,
  );
  if (scored.length < 2) return ['Too few scored responses to relate parameters to quality.'];
  const varied = TUNED_PARAMETERS.filter(
    (p) => new Set(scored.map((o) => numeric(o.parameters[p]))).size > 1,
  );
  if (varied.length === 0) {
    const overall = scored.map((o) => o.metrics.overall_quality!);
    const fixed = ['temperature', 'top_p']
      .map((p) => `${p} ${String(scored[0]!.parameters[p] ?? 'default')}`)
      .join(', ');
    insights.push(
      `All ${scored.length} responses share the same parameters (${fixed}); their ${round(Math.max(...overall) - Math.min(...overall), 1)}-point spread in overall quality is sampling variation, not a parameter effect.`,
    );
    return insights;
  }
  for (const parameter of varied) {
    for (const metric of metrics) {
      const { correlation, n } = parameterImpact(scored, parameter, metric);
      if (correlation === null || n < 3) continue;
      if (Math.abs(correlation) < CLEAR_LINK) {
        insights.push(
          `${parameter} shows no clear link with ${label(metric)} (r = ${correlation}, n = ${n}).`,
        );
        continue;
      }
      const data = pairs(scored, parameter, metric).sort((a, b) => b[1] - a[1]);
      const top = data.slice(0, Math.max(1, Math.ceil(data.length / 3))).map((d) => d[0]);
      const direction = correlation > 0 ? 'Higher' : 'Lower';
      insights.push(
        `${direction} ${parameter} (${range(top)} among the best) goes with higher ${label(metric)} (r = ${correlation}, n = ${n}).`,
      );
    }
  }
  return insights;
}

/** Concrete next steps derived from the observations. */
export function recommendations(observations: Observation[], metrics: string[]): string[] {
  const scored = observations.filter(
    (o) => o.metrics.overall_quality !== null && o.metrics.overall_quality !== undefined,
  );
  if (scored.length === 0)
    return ['Score the responses first (GET /api/metrics/:responseId) to get recommendations.'];
  const out: string[] = [];
  for (const metric of metrics) {
    const best = optimalSettings(scored, metric);
    const variedSettings = best && Object.keys(best.settings).length > 0;
    const distinctGroups = new Set(
      scored.map((o) => `${String(o.parameters.temperature)}|${String(o.parameters.top_p)}`),
    ).size;
    if (best && variedSettings && distinctGroups > 1) {
      const settings = Object.entries(best.settings)
        .map(([k, v]) => `${k} ${v}`)
        .join(' and ');
      out.push(
        `For the best ${label(metric)}, use ${settings} (mean ${best.mean} over ${best.n} response${best.n === 1 ? '' : 's'}).`,
      );
    }
  }
  const overall = scored.map((o) => o.metrics.overall_quality!);
  const spread = standardDeviation(overall);
  const top = [...scored].sort(
    (a, b) => b.metrics.overall_quality! - a.metrics.overall_quality!,
  )[0]!;
  out.push(
    `Use response ${top.id} (overall ${round(top.metrics.overall_quality!, 1)}) as the benchmark for future experiments.`,
  );
  if (scored.length >= 3 && spread > 5) {
    out.push(
      `Quality varies by ±${round(spread, 1)} points between responses; generate several responses per setting before drawing conclusions.`,
    );
  }
  const truncated = observations.filter((o) => o.finishReason === 'length');
  if (truncated.length > 0) {
    out.push(
      `${truncated.length} of ${observations.length} responses were cut off at max_tokens (${truncated.map((o) => o.id).join(', ')}); raise max_tokens so answers can finish.`,
    );
  }
  return out;
}
