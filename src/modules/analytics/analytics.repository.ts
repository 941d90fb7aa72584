import type { Database } from '../../db/index.js';
import { selectRows } from '../../db/raw-query.js';
import type { TunedParameter } from '../metrics/parameter-insights.js';
import {
  fenceSql,
  filterSql,
  parameterSql,
  promptKeySql,
  promptSql,
  sampleHashSql,
  type AnalyticsFilter,
} from './analytics-sql.js';
import { analyticsRows } from './analytics-select.js';
import { METRIC_COLUMNS, type MetricColumn } from './metric-columns.js';
import { groupDecimals } from './parameter-bins.js';
import { byModelFromRollups, parameterGroupsFromRollups } from './rollup-queries.js';
import { AnalyticsRollups } from './rollups.js';

/*
 * Every analytics read: one aggregate pass per method, GROUP BY in the database, only
 * groups (days, models, parameter values, prompts) or bounded samples come back.
 */

export interface ModelAggregate {
  model: string;
  responses: number;
  scored: number;
  average_quality: number | null;
  /** Σ overall_quality², for the standard deviation. */
  quality_sq_sum: number | null;
  total_cost: number;
  average_response_time: number | null;
  /** Mean of every metric column (null when never scored). */
  metric_means: Record<MetricColumn, number | null>;
}

/** Sums over the responses sharing one (rounded) parameter value, per metric. */
export interface ParameterGroup {
  /** Rounded value of the group. */
  value: number;
  /** Responses with this value and the metric scored, Σx, Σx², Σy, Σy², Σxy — per metric. */
  sums: Record<MetricColumn, MetricSums>;
}

export interface MetricSums {
  n: number;
  sx: number;
  sxx: number;
  sy: number;
  syy: number;
  sxy: number;
}

export interface PairedPrompt {
  prompt: string;
  a_mean: number;
  a_n: number;
  b_mean: number;
  b_n: number;
}

const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export interface RepositoryOptions {
  /**
   * Aggregate from the rollup tables (default) or from the raw rows. Both give the same
   * numbers; the raw path is the reference the tests compare the rollups with.
   */
  rollups?: boolean;
}

export class AnalyticsRepository {
  /** Keeps the rollups fresh; the service refreshes them before computing a result. */
  readonly rollups: AnalyticsRollups;
  private readonly useRollups: boolean;

  constructor(
    private readonly db: Database,
    options: RepositoryOptions = {},
  ) {
    this.rollups = new AnalyticsRollups(db);
    this.useRollups = options.rollups ?? true;
  }

  /** Per-model aggregates; `metrics: true` adds the mean of every dimension. */
  async byModel(filter: AnalyticsFilter, options: { metrics: boolean }): Promise<ModelAggregate[]> {
    if (this.useRollups) return byModelFromRollups(this.db, filter, options);
    const { from, where, replacements } = filterSql(this.db, filter, 'left');
    const columns = options.metrics ? METRIC_COLUMNS : [];
    const metricSelect = columns.map((c) => `, AVG(q.${c}) AS m_${c}`).join('');
    const rows = await selectRows<Record<string, unknown>>(
      this.db,
      `SELECT r.model AS model, COUNT(*) AS responses, COUNT(q.overall_quality) AS scored,
              AVG(q.overall_quality) AS average_quality,
              SUM(q.overall_quality * q.overall_quality) AS quality_sq_sum,
              COALESCE(SUM(r.cost), 0) AS total_cost, AVG(r.response_time) AS average_response_time
              ${metricSelect}
         ${from} WHERE ${where.join(' AND ')} AND r.model IS NOT NULL
        GROUP BY r.model ORDER BY r.model`,
      { replacements },
    );
    return rows.map((row) => ({
      model: String(row.model),
      responses: Number(row.responses),
      scored: Number(row.scored),
      average_quality: n(row.average_quality),
      quality_sq_sum: n(row.quality_sq_sum),
      total_cost: Number(row.total_cost),
      average_response_time: n(row.average_response_time),
      metric_means: Object.fromEntries(METRIC_COLUMNS.map((c) => [c, n(row[`m_${c}`])])) as Record<
        MetricColumn,
        number | null
      >,
    }));
  }

  /**
   * Sums per parameter value, rounded to `decimals` places so a continuous parameter still
   * yields a bounded number of groups. Within a group the exact Σx, Σx², Σxy are kept, so
   * correlations computed from these sums are exact, not approximations of the rounding.
   */
  async parameterGroups(
    filter: AnalyticsFilter,
    parameter: TunedParameter,
    metrics: readonly MetricColumn[],
    decimals: number,
  ): Promise<ParameterGroup[]> {
    const groups = await this.parameterGroupsMany(filter, { [parameter]: decimals }, metrics);
    return groups.get(parameter) ?? [];
  }

  /**
   * {@link parameterGroups} for several parameters in ONE scan: the rows (with each JSON
   * document parsed once) go into a CTE, which every parameter's GROUP BY then reads. A CTE
   * referenced several times is computed once by PostgreSQL and SQLite.
   */
  async parameterGroupsMany(
    filter: AnalyticsFilter,
    decimals: Partial<Record<TunedParameter, number>>,
    metrics: readonly MetricColumn[],
  ): Promise<Map<TunedParameter, ParameterGroup[]>> {
    const parameters = Object.keys(decimals) as TunedParameter[];
    if (this.useRollups && parameters.every((p) => decimals[p] === groupDecimals(p))) {
      return parameterGroupsFromRollups(this.db, filter, parameters, metrics);
    }
    const { from, where, replacements } = filterSql(this.db, filter, 'inner');
    const base =
      `SELECT ${parameters.map((p) => `${parameterSql(this.db, p)} AS x_${p}`).join(', ')}, ` +
      `${metrics.map((m) => `q.${m} AS ${m}`).join(', ')} ` +
      `${from} WHERE ${where.join(' AND ')} ${fenceSql(this.db)}`;
    const branches = parameters.map((p) => {
      const x = `t.x_${p}`;
      const bucket = `ROUND(${x} * ${10 ** decimals[p]!})`;
      const sums = metrics
        .map(
          (m) =>
            `, COUNT(t.${m}) AS ${m}__n, SUM(CASE WHEN t.${m} IS NOT NULL THEN ${x} END) AS ${m}__sx,` +
            ` SUM(CASE WHEN t.${m} IS NOT NULL THEN ${x} * ${x} END) AS ${m}__sxx,` +
            ` SUM(t.${m}) AS ${m}__sy, SUM(t.${m} * t.${m}) AS ${m}__syy, SUM(${x} * t.${m}) AS ${m}__sxy`,
        )
        .join('');
      return `SELECT '${p}' AS parameter, ${bucket} AS bucket ${sums} FROM t WHERE ${x} IS NOT NULL GROUP BY ${bucket}`;
    });
    const rows = await selectRows<Record<string, unknown>>(
      this.db,
      `WITH t AS (${base}) ${branches.join(' UNION ALL ')} ORDER BY 1, 2`,
      { replacements },
    );
    const out = new Map<TunedParameter, ParameterGroup[]>(parameters.map((p) => [p, []]));
    for (const row of rows) {
      const parameter = String(row.parameter) as TunedParameter;
      out.get(parameter)!.push({
        value: Number(row.bucket) / 10 ** decimals[parameter]!,
        sums: Object.fromEntries(
          metrics.map((m) => [
            m,
            {
              n: Number(row[`${m}__n`] ?? 0),
              sx: Number(row[`${m}__sx`] ?? 0),
              sxx: Number(row[`${m}__sxx`] ?? 0),
              sy: Number(row[`${m}__sy`] ?? 0),
              syy: Number(row[`${m}__syy`] ?? 0),
              sxy: Number(row[`${m}__sxy`] ?? 0),
            },
          ]),
        ) as Record<MetricColumn, MetricSums>,
      });
    }
    return out;
  }

  /**
   * Overall quality of at most `perModel` scored responses of each model: those with the
   * smallest deterministic hash of the response id (the same rows on every call), for rank
   * tests that need values. One `ORDER BY hash LIMIT` per model: with the (model, hash) index
   * of migration 20261205000200 (PostgreSQL) that reads about `perModel` index entries
   * per model instead of every response; SQLite and MariaDB sort each model's rows.
   */
  async qualitySample(
    filter: AnalyticsFilter,
    counts: { model: string; scored: number }[],
    perModel: number,
  ): Promise<Map<string, number[]>> {
    const samples = new Map<string, number[]>(counts.map((c) => [c.model, []]));
    if (counts.length === 0) return samples;
    const { from, where, replacements } = filterSql(this.db, filter, 'inner');
    const hash = sampleHashSql(this.db);
    const branches = counts.map((c, i) => {
      replacements[`m${i}`] = c.model;
      return `SELECT * FROM (SELECT r.model AS model, q.overall_quality AS quality
                ${from} WHERE ${where.join(' AND ')} AND q.overall_quality IS NOT NULL AND r.model = :m${i}
                ORDER BY ${hash} LIMIT ${Math.trunc(perModel)}) s${i}`;
    });
    const rows = await analyticsRows<{ model: string; quality: number }>(
      this.db,
      branches.join(' UNION ALL '),
      { replacements, numbers: ['quality'] },
    );
    for (const row of rows) samples.get(row.model)?.push(row.quality);
    return samples;
  }

  /**
   * Per prompt, the mean metric of the responses matching side A only and side B only, for
   * prompts both sides answered (first `limit` prompts by first response id).
   */
  async pairedPrompts(
    filter: AnalyticsFilter,
    metric: MetricColumn,
    sides: { a: SideSql; b: SideSql },
    limit: number,
  ): Promise<PairedPrompt[]> {
    // Prompts live on experiments, so this query always joins them, admin or not.
    const base = filterSql(this.db, { ...filter, tags: filter.tags ?? [] }, 'inner');
    const from = base.from.includes('JOIN experiments')
      ? base.from
      : base.from.replace(
          'FROM responses r',
          'FROM responses r JOIN experiments ON experiments.id = r.experiment_id',
        );
    const replacements = { ...base.replacements, ...sides.a.replacements, ...sides.b.replacements };
    const side = `CASE WHEN (${sides.a.sql}) AND NOT (${sides.b.sql}) THEN 'a' WHEN (${sides.b.sql}) AND NOT (${sides.a.sql}) THEN 'b' END`;
    const prompt = promptSql(this.db);
    return selectRows<PairedPrompt & Record<string, unknown>>(
      this.db,
      `SELECT MIN(t.prompt) AS prompt,
              AVG(CASE WHEN t.side = 'a' THEN t.y END) AS a_mean, COUNT(CASE WHEN t.side = 'a' THEN 1 END) AS a_n,
              AVG(CASE WHEN t.side = 'b' THEN t.y END) AS b_mean, COUNT(CASE WHEN t.side = 'b' THEN 1 END) AS b_n
         FROM (SELECT r.id AS id, ${prompt} AS prompt, ${promptKeySql(this.db, prompt)} AS prompt_key,
                      ${side} AS side, q.${metric} AS y
                 ${from} WHERE ${base.where.join(' AND ')} AND q.${metric} IS NOT NULL) t
        WHERE t.side IS NOT NULL
        GROUP BY t.prompt_key
       HAVING COUNT(CASE WHEN t.side = 'a' THEN 1 END) > 0 AND COUNT(CASE WHEN t.side = 'b' THEN 1 END) > 0
        ORDER BY MIN(t.id) LIMIT ${Math.trunc(limit)}`,
      { replacements, numbers: ['a_mean', 'a_n', 'b_mean', 'b_n'] },
    );
  }

  /** SQL matching one side of a config comparison; `key` keeps its placeholders apart. */
  sideSql(
    key: 'a' | 'b',
    side: {
      model?: string;
      parameters?: Partial<Record<TunedParameter, number>>;
      experiment_ids?: number[];
    },
  ): SideSql {
    const parts: string[] = [];
    const replacements: Record<string, unknown> = {};
    if (side.model !== undefined) {
      parts.push(`r.model = :${key}_model`);
      replacements[`${key}_model`] = side.model;
    }
    for (const [parameter, value] of Object.entries(side.parameters ?? {})) {
      // Stored parameters went through JSON: compare with a tolerance, not bit for bit.
      parts.push(
        `ABS(${parameterSql(this.db, parameter as TunedParameter)} - :${key}_${parameter}) < 0.000001`,
      );
      replacements[`${key}_${parameter}`] = value;
    }
    if (side.experiment_ids?.length) {
      parts.push(`r.experiment_id IN (:${key}_experiments)`);
      replacements[`${key}_experiments`] = side.experiment_ids;
    }
    return { sql: parts.length ? parts.join(' AND ') : '1 = 1', replacements };
  }
}

export interface SideSql {
  sql: string;
  replacements: Record<string, unknown>;
}
