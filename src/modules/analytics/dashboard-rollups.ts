import type { Database } from '../../db/index.js';
import type { TunedParameter } from '../metrics/parameter-insights.js';
import type { AnalyticsFilter } from './analytics-sql.js';
import { branch, summaryBranches } from './dashboard-sql.js';
import { baseGrain, DASHBOARD_VALUES, parameterGrain } from './rollup-sql.js';

/**
 * The dashboard scan over the rollups: the same UNION ALL of GROUP BYs as the raw scan in
 * dashboard.repository.ts, but `t` holds one row per (period, day, model, experiment) and `p`
 * one per (parameter, value) group instead of one per response, so counts become sums of
 * counts. Only the partial days at the window's edges are read from raw rows.
 */
export function dashboardRollupSql(
  db: Database,
  filter: AnalyticsFilter,
  options: { previousFrom?: Date; parameters: TunedParameter[]; topExperiments: number },
): { sql: string; replacements: Record<string, unknown> } {
  const widened = options.previousFrom ? { ...filter, from: options.previousFrom } : filter;
  const base = baseGrain(
    db,
    widened,
    options.previousFrom ? filter.from : undefined,
    DASHBOARD_VALUES,
  );
  const params = parameterGrain(db, filter, options.parameters, ['overall_quality']);
  // The two grains share placeholder names (:userId, :models…) with equal values, except the
  // window ones, which parameterGrain computes for the narrower current period: rename those.
  const paramSql = params.sql.replace(/:(rollup\w+|raw(?:From|To)\d+)/g, ':p_$1');
  const replacements: Record<string, unknown> = { ...base.replacements };
  for (const [key, value] of Object.entries(params.replacements)) {
    replacements[/^(rollup|raw(From|To)\d)/.test(key) ? `p_${key}` : key] = value;
  }
  const quality = {
    n: 'SUM(t.responses)',
    scored: 'SUM(t.overall_quality_n)',
    sy: 'SUM(t.overall_quality_sum)',
  };
  const branches = [
    ...summaryBranches(
      quality,
      `CASE WHEN SUM(t.overall_quality_n) = 0 THEN 1 ELSE 0 END,
       SUM(t.overall_quality_sum) / NULLIF(SUM(t.overall_quality_n), 0) DESC,
       SUM(t.responses) DESC, t.experiment_id`,
      options.topExperiments,
    ),
    branch(
      {
        kind: `'parameter'`,
        k: 'p.parameter',
        v: 'p.bucket',
        scored: 'SUM(p.overall_quality_n)',
        sy: 'SUM(p.overall_quality_sy)',
        syy: 'SUM(p.overall_quality_syy)',
        sx: 'SUM(p.overall_quality_sx)',
        sxx: 'SUM(p.overall_quality_sxx)',
        sxy: 'SUM(p.overall_quality_sxy)',
      },
      // Groups with no scored overall quality are not groups of the raw scan.
      'p GROUP BY p.parameter, p.bucket HAVING SUM(p.overall_quality_n) > 0',
    ),
  ];
  return {
    sql: `WITH t AS (${base.sql}), p AS (${paramSql}) ${branches.join(' UNION ALL ')}`,
    replacements,
  };
}
