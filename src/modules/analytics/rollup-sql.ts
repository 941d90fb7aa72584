import type { Database } from '../../db/index.js';
import { TUNED_PARAMETERS, type TunedParameter } from '../metrics/parameter-insights.js';
import {
  daySql,
  fenceSql,
  filterSql,
  parameterSql,
  scopeSql,
  type AnalyticsFilter,
} from './analytics-sql.js';
import { METRIC_COLUMNS, type MetricColumn } from './metric-columns.js';
import { groupDecimals } from './parameter-bins.js';
import { firstDayFrom, splitWindow } from './rollup-window.js';

/*
 * SQL over the rollup tables (migration 20261205000200): the "grains" analytics aggregates
 * read instead of raw rows. A grain is a UNION ALL of rollup rows (whole days) and the same
 * sums computed from raw rows for the partial days at the window's edges, so a consumer's
 * GROUP BY over it gives exactly what the same GROUP BY over the raw rows gives.
 */

export const ROLLUPS = 'analytics_rollups';
export const PARAMETER_ROLLUPS = 'analytics_parameter_rollups';
export const PARAMETER_USER_ROLLUPS = 'analytics_parameter_user_rollups';
export const DIRTY = 'analytics_dirty_experiments';
export const DIRTY_DAYS = 'analytics_dirty_user_days';

export const PARAMETER_SUMS = ['n', 'sx', 'sxx', 'sy', 'syy', 'sxy'] as const;

/** Value columns of analytics_rollups, in table order. */
export const ROLLUP_VALUES = [
  'responses',
  'cost',
  'response_time_n',
  'response_time_sum',
  ...METRIC_COLUMNS.flatMap((m) => [`${m}_n`, `${m}_sum`, `${m}_sq`]),
];

/** The same values as aggregates over raw rows `r` LEFT JOIN quality_metrics `q`. */
export function rawRollupValues(columns: readonly string[] = ROLLUP_VALUES): string {
  const sql: Record<string, string> = {
    responses: 'COUNT(*)',
    cost: 'SUM(r.cost)',
    response_time_n: 'COUNT(r.response_time)',
    response_time_sum: 'SUM(r.response_time)',
    ...Object.fromEntries(
      METRIC_COLUMNS.flatMap((m) => [
        [`${m}_n`, `COUNT(q.${m})`],
        [`${m}_sum`, `SUM(q.${m})`],
        [`${m}_sq`, `SUM(q.${m} * q.${m})`],
      ]),
    ),
  };
  return columns.map((c) => `${sql[c]} AS ${c}`).join(', ');
}

/**
 * The analytics_rollups values the dashboard reads. Fewer columns let the raw edge days join
 * quality_metrics through its (response_id, overall_quality) index alone, not its wide rows.
 */
export const DASHBOARD_VALUES = ['responses', 'cost', 'overall_quality_n', 'overall_quality_sum'];

/** Value columns of analytics_parameter_rollups for some metrics. */
export function parameterValueColumns(metrics: readonly MetricColumn[]): string[] {
  return metrics.flatMap((m) => PARAMETER_SUMS.map((s) => `${m}_${s}`));
}

/**
 * Per-metric sums of parameter `x` over a derived table `t` (x_<parameter> and metric columns):
 * only rows with the metric scored count, as in a regression of the metric on x.
 */
export function rawParameterSums(x: string, metrics: readonly MetricColumn[]): string {
  return metrics
    .map(
      (m) =>
        `COUNT(t.${m}) AS ${m}_n, SUM(CASE WHEN t.${m} IS NOT NULL THEN ${x} END) AS ${m}_sx,` +
        ` SUM(CASE WHEN t.${m} IS NOT NULL THEN ${x} * ${x} END) AS ${m}_sxx,` +
        ` SUM(t.${m}) AS ${m}_sy, SUM(t.${m} * t.${m}) AS ${m}_syy, SUM(${x} * t.${m}) AS ${m}_sxy`,
    )
    .join(', ');
}

/** `ROUND(x · 10^decimals)`: the group a parameter value falls in. */
export function bucketSql(x: string, parameter: TunedParameter): string {
  return `ROUND(${x} * ${10 ** groupDecimals(parameter)})`;
}

export interface Grain {
  sql: string;
  replacements: Record<string, unknown>;
}

/** FROM/WHERE over the per-user parameter rollups `a` for a filter's scope and models. */
function userRollupFilter(filter: AnalyticsFilter) {
  const where: string[] = [];
  const replacements: Record<string, unknown> = {};
  if (!filter.scope.isAdmin) {
    where.push('a.user_id = :userId');
    replacements.userId = filter.scope.userId;
  }
  if (filter.models?.length) {
    where.push('a.model IN (:models)');
    replacements.models = filter.models;
  }
  return { from: `FROM ${PARAMETER_USER_ROLLUPS} a`, where, replacements };
}

/** Window conditions: rollup days on `a.day`, raw edge intervals on `r.created_at`. */
function windowParts(filter: AnalyticsFilter, cuts: Date[]) {
  const split = splitWindow(filter, cuts);
  const days: string[] = [];
  const replacements: Record<string, unknown> = {};
  if (split.fromDay) {
    days.push('a.day >= :rollupFromDay');
    replacements.rollupFromDay = split.fromDay;
  }
  if (split.toDay) {
    days.push('a.day < :rollupToDay');
    replacements.rollupToDay = split.toDay;
  }
  if (split.edgeDays.length) {
    days.push('a.day NOT IN (:rollupEdgeDays)');
    replacements.rollupEdgeDays = split.edgeDays;
  }
  const intervals = split.raw.map(
    (_, i) => `(r.created_at >= :rawFrom${i} AND r.created_at < :rawTo${i})`,
  );
  split.raw.forEach((interval, i) => {
    replacements[`rawFrom${i}`] = interval.from;
    replacements[`rawTo${i}`] = interval.to;
  });
  return { days, raw: intervals.length ? `(${intervals.join(' OR ')})` : undefined, replacements };
}

/** The filter without its window: the raw edge intervals replace it. */
function rawFilter(db: Database, filter: AnalyticsFilter, metrics: 'inner' | 'left') {
  const { from: _from, to: _to, ...rest } = filter;
  return filterSql(db, rest, metrics);
}

/**
 * Per (period, day, model, experiment): the analytics_rollups values. `cut` splits the window
 * into 'previous' (before it) and 'current'; without one every row is 'current'.
 */
export function baseGrain(
  db: Database,
  filter: AnalyticsFilter,
  cut?: Date,
  columns: readonly string[] = ROLLUP_VALUES,
): Grain {
  const window = windowParts(filter, cut ? [cut] : []);
  const roll = scopeSql(db, filter, ROLLUPS, 'a');
  const replacements = { ...roll.replacements, ...window.replacements };
  if (cut) {
    replacements.cut = cut;
    replacements.cutDay = firstDayFrom(cut);
  }
  const rollupPeriod = cut
    ? `CASE WHEN a.day >= :cutDay THEN 'current' ELSE 'previous' END`
    : `'current'`;
  const where = [...roll.where, ...window.days];
  const members = [
    `SELECT ${rollupPeriod} AS period, a.day AS day, a.model AS model, a.experiment_id AS experiment_id, ` +
      columns.map((c) => `a.${c} AS ${c}`).join(', ') +
      ` ${roll.from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`,
  ];
  if (window.raw) {
    const raw = rawFilter(db, filter, 'left');
    Object.assign(replacements, raw.replacements);
    const rawPeriod = cut
      ? `CASE WHEN r.created_at >= :cut THEN 'current' ELSE 'previous' END`
      : `'current'`;
    members.push(
      `SELECT ${rawPeriod} AS period, ${daySql(db)} AS day, r.model AS model, r.experiment_id AS experiment_id, ` +
        `${rawRollupValues(columns)} ${raw.from} WHERE ${[...raw.where, window.raw].join(' AND ')} GROUP BY 1, 2, 3, 4`,
    );
  }
  return { sql: members.join(' UNION ALL '), replacements };
}

/**
 * Per (parameter, bucket): the parameter sums of `metrics` (columns `<metric>_<sum>`), from
 * parameter rollups of whole days and raw edge rows.
 */
export function parameterGrain(
  db: Database,
  filter: AnalyticsFilter,
  parameters: readonly TunedParameter[],
  metrics: readonly MetricColumn[],
): Grain {
  const window = windowParts(filter, []);
  // Per-user sums serve whatever needs no experiment: scope, models and the window.
  const perUser = !filter.tags?.length && !filter.experimentIds?.length;
  const roll = perUser ? userRollupFilter(filter) : scopeSql(db, filter, PARAMETER_ROLLUPS, 'a');
  const replacements: Record<string, unknown> = { ...roll.replacements, ...window.replacements };
  replacements.rollupParameters = [...parameters];
  const values = parameterValueColumns(metrics);
  const where = [...roll.where, ...window.days, 'a.parameter IN (:rollupParameters)'];
  const members = [
    `SELECT a.parameter AS parameter, a.bucket AS bucket, ${values.map((c) => `a.${c} AS ${c}`).join(', ')}` +
      ` ${roll.from} WHERE ${where.join(' AND ')}`,
  ];
  if (window.raw) {
    const raw = rawFilter(db, filter, 'inner');
    Object.assign(replacements, raw.replacements);
    const base =
      `SELECT ${parameters.map((p) => `${parameterSql(db, p)} AS x_${p}`).join(', ')}, ` +
      `${metrics.map((m) => `q.${m} AS ${m}`).join(', ')} ` +
      `${raw.from} WHERE ${[...raw.where, window.raw].join(' AND ')} ${fenceSql(db)}`;
    for (const p of parameters) {
      members.push(
        `SELECT '${p}' AS parameter, ${bucketSql(`t.x_${p}`, p)} AS bucket, ${rawParameterSums(`t.x_${p}`, metrics)}` +
          ` FROM (${base}) t WHERE t.x_${p} IS NOT NULL GROUP BY ${bucketSql(`t.x_${p}`, p)}`,
      );
    }
  }
  return { sql: members.join(' UNION ALL '), replacements };
}

/** Every tuned parameter (what the rollups hold). */
export const ROLLUP_PARAMETERS: readonly TunedParameter[] = TUNED_PARAMETERS;
