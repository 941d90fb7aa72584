import type { Database } from '../../db/index.js';
import { selectRows } from '../../db/raw-query.js';
import type { TunedParameter } from '../metrics/parameter-insights.js';
import {
  daySql,
  fenceSql,
  filterSql,
  parameterSql,
  type AnalyticsFilter,
} from './analytics-sql.js';
import { analyticsRows } from './analytics-select.js';
import type { ParameterGroup } from './analytics.repository.js';
import { dashboardRollupSql } from './dashboard-rollups.js';
import { branch, SCAN_COLUMNS, summaryBranches } from './dashboard-sql.js';

export interface PeriodTotals {
  period: 'current' | 'previous';
  responses: number;
  scored: number;
  average_quality: number | null;
  total_cost: number;
}

export interface DayPoint {
  day: string;
  average_quality: number | null;
  responses: number;
  experiments: number;
}

export interface ExperimentAggregate {
  id: number;
  name: string;
  average_quality: number;
  responses: number;
}

/** Per-model totals of the current period. */
export interface ModelTotals {
  model: string;
  responses: number;
  average_quality: number | null;
  total_cost: number;
}

export interface DashboardScan {
  periods: PeriodTotals[];
  days: DayPoint[];
  models: ModelTotals[];
  experiments: { count: number; top: ExperimentAggregate[] };
  /** Per parameter: sums of overall quality per (rounded) value, current period. */
  parameters: Map<TunedParameter, ParameterGroup[]>;
}

/**
 * Everything the dashboard shows from ONE pass over the responses: the filtered rows (previous
 * and current period, joined to their scores, parameters extracted once) go into a CTE, and
 * each part of the dashboard is a GROUP BY over it, glued with UNION ALL. PostgreSQL and SQLite
 * compute a CTE referenced several times once; the join with quality_metrics — most of the
 * cost at a million rows — happens once instead of once per part.
 */
export class DashboardRepository {
  /** `rollups: false` scans the raw rows (the reference the rollup path is tested against). */
  constructor(
    private readonly db: Database,
    private readonly options: { rollups?: boolean } = {},
  ) {}

  async scan(
    filter: AnalyticsFilter,
    options: {
      previousFrom?: Date;
      parameters: Partial<Record<TunedParameter, number>>;
      topExperiments: number;
    },
  ): Promise<DashboardScan> {
    const parameters = Object.keys(options.parameters) as TunedParameter[];
    if (this.options.rollups ?? true) {
      const query = dashboardRollupSql(this.db, filter, { ...options, parameters });
      const rows = await analyticsRows<Record<string, unknown>>(this.db, query.sql, {
        replacements: query.replacements,
        numbers: SCAN_COLUMNS.slice(2),
      });
      return this.split(rows, parameters, options.parameters);
    }
    const widened = options.previousFrom ? { ...filter, from: options.previousFrom } : filter;
    const { from, where, replacements } = filterSql(this.db, widened, 'left');
    if (options.previousFrom) replacements.current = filter.from;
    const period = options.previousFrom
      ? `CASE WHEN r.created_at >= :current THEN 'current' ELSE 'previous' END`
      : `'current'`;
    const base =
      `SELECT ${period} AS period, ${daySql(this.db)} AS day, r.model AS model, ` +
      `r.experiment_id AS experiment_id, r.cost AS cost, q.overall_quality AS y` +
      parameters.map((p) => `, ${parameterSql(this.db, p)} AS x_${p}`).join('') +
      ` ${from} WHERE ${where.join(' AND ')} ${fenceSql(this.db)}`;
    const current = `t WHERE t.period = 'current'`;
    const branches = [
      ...summaryBranches(
        { n: 'COUNT(*)', scored: 'COUNT(t.y)', sy: 'SUM(t.y)' },
        `CASE WHEN AVG(t.y) IS NULL THEN 1 ELSE 0 END, AVG(t.y) DESC, COUNT(*) DESC, t.experiment_id`,
        options.topExperiments,
      ),
      ...parameters.map((p) => {
        const x = `t.x_${p}`;
        const bucket = `ROUND(${x} * ${10 ** options.parameters[p]!})`;
        return branch(
          {
            kind: `'parameter'`,
            k: `'${p}'`,
            v: bucket,
            scored: 'COUNT(*)',
            sy: 'SUM(t.y)',
            syy: 'SUM(t.y * t.y)',
            sx: `SUM(${x})`,
            sxx: `SUM(${x} * ${x})`,
            sxy: `SUM(${x} * t.y)`,
          },
          `${current} AND ${x} IS NOT NULL AND t.y IS NOT NULL GROUP BY ${bucket}`,
        );
      }),
    ];
    const rows = await selectRows<Record<string, unknown>>(
      this.db,
      `WITH t AS (${base}) ${branches.join(' UNION ALL ')}`,
      { replacements, numbers: SCAN_COLUMNS.slice(2) },
    );
    return this.split(rows, parameters, options.parameters);
  }

  private split(
    rows: Record<string, unknown>[],
    parameters: TunedParameter[],
    decimals: Partial<Record<TunedParameter, number>>,
  ): DashboardScan {
    const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
    const mean = (row: Record<string, unknown>) =>
      num(row.scored) > 0 ? num(row.sy) / num(row.scored) : null;
    const of = (kind: string) => rows.filter((r) => r.kind === kind);
    const scan: DashboardScan = {
      periods: of('period').map((r) => ({
        period: r.k as 'current' | 'previous',
        responses: num(r.n),
        scored: num(r.scored),
        average_quality: mean(r),
        total_cost: num(r.cost),
      })),
      days: of('day')
        .map((r) => ({
          day: String(r.k),
          average_quality: mean(r),
          responses: num(r.n),
          experiments: num(r.distinct_n),
        }))
        .sort((a, b) => a.day.localeCompare(b.day)),
      models: of('model').map((r) => ({
        model: String(r.k),
        responses: num(r.n),
        average_quality: mean(r),
        total_cost: num(r.cost),
      })),
      experiments: {
        count: num(of('experiments')[0]?.distinct_n),
        top: of('experiment')
          .filter((r) => num(r.scored) > 0)
          .map((r) => ({
            id: num(r.v),
            name: '',
            average_quality: mean(r)!,
            responses: num(r.n),
          }))
          .sort(
            (a, b) =>
              b.average_quality - a.average_quality || b.responses - a.responses || a.id - b.id,
          ),
      },
      parameters: new Map(parameters.map((p) => [p, []])),
    };
    for (const r of of('parameter')) {
      const parameter = String(r.k) as TunedParameter;
      scan.parameters.get(parameter)!.push({
        value: num(r.v) / 10 ** decimals[parameter]!,
        sums: {
          overall_quality: {
            n: num(r.scored),
            sx: num(r.sx),
            sxx: num(r.sxx),
            sy: num(r.sy),
            syy: num(r.syy),
            sxy: num(r.sxy),
          },
        } as ParameterGroup['sums'],
      });
    }
    for (const groups of scan.parameters.values()) groups.sort((a, b) => a.value - b.value);
    return scan;
  }

  /** Names of experiments by id (primary key lookups). */
  async experimentNames(ids: number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await selectRows<{ id: number; name: string }>(
      this.db,
      'SELECT id, name FROM experiments WHERE id IN (:ids)',
      { replacements: { ids }, numbers: ['id'] },
    );
    return new Map(rows.map((e) => [e.id, e.name]));
  }
}
