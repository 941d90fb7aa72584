import type { Database } from '../../db/index.js';
import type { TunedParameter } from '../metrics/parameter-insights.js';
import { analyticsRows } from './analytics-select.js';
import type { AnalyticsFilter } from './analytics-sql.js';
import type { MetricSums, ModelAggregate, ParameterGroup } from './analytics.repository.js';
import { METRIC_COLUMNS, type MetricColumn } from './metric-columns.js';
import { groupDecimals } from './parameter-bins.js';
import { baseGrain, PARAMETER_SUMS, parameterGrain } from './rollup-sql.js';

/*
 * The rollup-backed versions of the analytics repository's aggregates: the same numbers as
 * the raw-row queries in analytics.repository.ts, from a few thousand pre-aggregated rows.
 */

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const ratio = (sum: unknown, count: unknown) =>
  num(count) > 0 && sum !== null && sum !== undefined ? Number(sum) / Number(count) : null;

/** Per-model aggregates (AnalyticsRepository.byModel). */
export async function byModelFromRollups(
  db: Database,
  filter: AnalyticsFilter,
  options: { metrics: boolean },
): Promise<ModelAggregate[]> {
  const grain = baseGrain(db, filter);
  const sums = METRIC_COLUMNS.map(
    (m) => `, SUM(g.${m}_n) AS ${m}_n, SUM(g.${m}_sum) AS ${m}_sum`,
  ).join('');
  const rows = await analyticsRows<Record<string, unknown>>(
    db,
    `SELECT g.model AS model, SUM(g.responses) AS responses, SUM(g.overall_quality_sq) AS quality_sq_sum,
            SUM(g.cost) AS total_cost, SUM(g.response_time_n) AS rt_n, SUM(g.response_time_sum) AS rt_sum
            ${sums}
       FROM (${grain.sql}) g WHERE g.model IS NOT NULL
      GROUP BY g.model ORDER BY g.model`,
    { replacements: grain.replacements },
  );
  return rows.map((row) => ({
    model: String(row.model),
    responses: num(row.responses),
    scored: num(row.overall_quality_n),
    average_quality: ratio(row.overall_quality_sum, row.overall_quality_n),
    quality_sq_sum:
      row.quality_sq_sum === null || row.quality_sq_sum === undefined
        ? null
        : Number(row.quality_sq_sum),
    total_cost: num(row.total_cost),
    average_response_time: ratio(row.rt_sum, row.rt_n),
    metric_means: Object.fromEntries(
      METRIC_COLUMNS.map((c) => [
        c,
        options.metrics ? ratio(row[`${c}_sum`], row[`${c}_n`]) : null,
      ]),
    ) as Record<MetricColumn, number | null>,
  }));
}

/** Sums per (parameter, rounded value) (AnalyticsRepository.parameterGroupsMany). */
export async function parameterGroupsFromRollups(
  db: Database,
  filter: AnalyticsFilter,
  parameters: TunedParameter[],
  metrics: readonly MetricColumn[],
): Promise<Map<TunedParameter, ParameterGroup[]>> {
  const grain = parameterGrain(db, filter, parameters, metrics);
  const columns = metrics.flatMap((m) => PARAMETER_SUMS.map((s) => `${m}_${s}`));
  const rows = await analyticsRows<Record<string, unknown>>(
    db,
    `SELECT g.parameter AS parameter, g.bucket AS bucket, ${columns.map((c) => `SUM(g.${c}) AS ${c}`).join(', ')}
       FROM (${grain.sql}) g GROUP BY g.parameter, g.bucket ORDER BY 1, 2`,
    { replacements: grain.replacements },
  );
  const out = new Map<TunedParameter, ParameterGroup[]>(parameters.map((p) => [p, []]));
  for (const row of rows) {
    const parameter = String(row.parameter) as TunedParameter;
    out.get(parameter)?.push({
      value: Number(row.bucket) / 10 ** groupDecimals(parameter),
      sums: Object.fromEntries(
        metrics.map((m) => [
          m,
          Object.fromEntries(
            PARAMETER_SUMS.map((s) => [s, num(row[`${m}_${s}`])]),
          ) as unknown as MetricSums,
        ]),
      ) as Record<MetricColumn, MetricSums>,
    });
  }
  return out;
}
