import type { OwnerScope } from '../../lib/auth-context.js';
import { round } from '../../lib/numbers.js';
import { TUNED_PARAMETERS, type TunedParameter } from '../metrics/parameter-insights.js';
import type { AnalyticsFilter } from './analytics-sql.js';
import type { ParameterGroup } from './analytics.repository.js';
import type { DashboardPeriod, DashboardQuery } from './analytics.schemas.js';
import type { DashboardRepository, PeriodTotals } from './dashboard.repository.js';
import { bestBin, binGroups, groupDecimals, totalSums } from './parameter-bins.js';
import { correlationFromSums } from './summary-stats.js';

const PERIOD_MS: Record<Exclude<DashboardPeriod, 'all'>, number> = {
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '90d': 90 * 86_400_000,
};

const TOP_EXPERIMENTS = 5;

/** Percent change from `before` to `now`; null when there is nothing to compare with. */
function percentChange(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before === 0) return null;
  return round(((now - before) / before) * 100, 1);
}

/** GET /api/analytics/dashboard: the spec's overview, trends, models, experiments, parameters. */
export class DashboardService {
  constructor(private readonly repo: DashboardRepository) {}

  async dashboard(scope: OwnerScope, query: DashboardQuery, now = new Date()) {
    const span = query.period === 'all' ? undefined : PERIOD_MS[query.period];
    const from = span === undefined ? undefined : new Date(now.getTime() - span);
    const filter: AnalyticsFilter = {
      scope,
      ...(from ? { from } : {}),
      ...(query.models ? { models: query.models } : {}),
      ...(query.experiment_types ? { tags: query.experiment_types } : {}),
    };
    const scan = await this.repo.scan(filter, {
      ...(span !== undefined && from ? { previousFrom: new Date(from.getTime() - span) } : {}),
      parameters: Object.fromEntries(TUNED_PARAMETERS.map((p) => [p, groupDecimals(p)])),
      topExperiments: TOP_EXPERIMENTS,
    });
    const names = await this.repo.experimentNames(scan.experiments.top.map((e) => e.id));
    return {
      period: query.period,
      overview: this.overview(
        scan.periods,
        span !== undefined,
        scan.experiments.count,
        scan.models.length,
      ),
      quality_trends: scan.days.map((d) => ({
        date: d.day,
        average_quality: round(d.average_quality, 2),
        experiment_count: d.experiments,
        response_count: d.responses,
      })),
      model_performance: scan.models
        .map((m) => ({
          model: m.model,
          average_quality: round(m.average_quality, 2),
          response_count: m.responses,
          cost_per_response: round(m.total_cost / m.responses, 6),
        }))
        .sort(
          (a, b) =>
            (b.average_quality ?? -1) - (a.average_quality ?? -1) || a.model.localeCompare(b.model),
        ),
      top_experiments: scan.experiments.top.map((e) => ({
        id: e.id,
        name: names.get(e.id) ?? '',
        average_quality: round(e.average_quality, 2),
        response_count: e.responses,
      })),
      parameter_insights: TUNED_PARAMETERS.flatMap((p) =>
        this.parameterInsight(p, scan.parameters.get(p) ?? []),
      ),
    };
  }

  private overview(
    totals: PeriodTotals[],
    comparable: boolean,
    experiments: number,
    models: number,
  ) {
    const current = totals.find((t) => t.period === 'current');
    const previous = comparable ? totals.find((t) => t.period === 'previous') : undefined;
    const quality = current?.average_quality ?? null;
    const cost = current?.total_cost ?? 0;
    return {
      total_experiments: experiments,
      total_responses: current?.responses ?? 0,
      average_quality: round(quality, 2),
      quality_trend: previous?.scored ? percentChange(quality, previous.average_quality) : null,
      active_models: models,
      total_cost: round(cost, 6),
      cost_trend: previous?.responses ? percentChange(cost, previous.total_cost) : null,
    };
  }

  /** Best-scoring value of one parameter and its correlation with overall quality. */
  private parameterInsight(parameter: TunedParameter, groups: ParameterGroup[]) {
    const sums = totalSums(groups, 'overall_quality');
    if (sums.n === 0) return [];
    const varied = groups.filter((g) => g.sums.overall_quality.n > 0).length > 1;
    const best = varied ? bestBin(binGroups(groups, 'overall_quality')) : undefined;
    const correlation = correlationFromSums(sums);
    return [
      {
        parameter,
        optimal_value: best ? round(best.value, parameter === 'max_tokens' ? 0 : 2) : null,
        correlation_with_quality: correlation ? round(correlation.r, 3) : null,
        mean_quality_at_optimal: best ? round(best.mean, 2) : null,
        response_count: sums.n,
      },
    ];
  }
}
