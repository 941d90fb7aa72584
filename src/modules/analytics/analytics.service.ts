import { ownerScope, type AuthContext, type OwnerScope } from '../../lib/auth-context.js';
import type { AnalyticsCache } from './analytics-cache.js';
import type { AnalyticsRepository } from './analytics.repository.js';
import {
  resolveDateRange,
  type CompareConfigsBody,
  type DashboardQuery,
  type ModelComparisonQuery,
  type ParameterAnalysisQuery,
  type ParameterCurveQuery,
} from './analytics.schemas.js';
import { CompareConfigsService } from './compare-configs.service.js';
import type { DashboardRepository } from './dashboard.repository.js';
import { DashboardService } from './dashboard.service.js';
import { ModelComparisonService } from './model-comparison.service.js';
import { ParameterAnalysisService } from './parameter-analysis.service.js';
import { ParameterCurveService } from './parameter-curve.service.js';
import type { AnalyticsRollups } from './rollups.js';

/** A computed (or cached) answer and whether it came from the cache. */
export interface Cached<T> {
  value: T;
  hit: boolean;
}

/**
 * The analytics endpoints behind one cache: each result is stored per caller scope, endpoint
 * and normalised input; `refresh` (Cache-Control: no-cache) recomputes and stores anew.
 */
export class AnalyticsService {
  private readonly dashboards: DashboardService;
  private readonly parameters: ParameterAnalysisService;
  private readonly models: ModelComparisonService;
  private readonly curves: ParameterCurveService;
  private readonly configs: CompareConfigsService;
  private readonly rollups: AnalyticsRollups;

  constructor(
    repo: AnalyticsRepository,
    dashboardRepo: DashboardRepository,
    private readonly cache: AnalyticsCache,
  ) {
    this.rollups = repo.rollups;
    this.dashboards = new DashboardService(dashboardRepo);
    this.parameters = new ParameterAnalysisService(repo);
    this.models = new ModelComparisonService(repo);
    this.curves = new ParameterCurveService(repo);
    this.configs = new CompareConfigsService(repo);
  }

  dashboard(auth: AuthContext, query: DashboardQuery, refresh: boolean) {
    const scope = ownerScope(auth);
    return this.cache.remember(scope, 'dashboard', query, refresh, () =>
      this.fresh(scope, () => this.dashboards.dashboard(scope, query)),
    );
  }

  parameterAnalysis(auth: AuthContext, query: ParameterAnalysisQuery, refresh: boolean) {
    const scope = ownerScope(auth);
    const input = {
      parameter: query.parameter,
      ...(query.model ? { model: query.model } : {}),
      ...resolveDateRange(query),
    };
    return this.cache.remember(scope, 'parameter-analysis', input, refresh, () =>
      this.fresh(scope, () => this.parameters.analyse(scope, input)),
    );
  }

  modelComparison(auth: AuthContext, query: ModelComparisonQuery, refresh: boolean) {
    const scope = ownerScope(auth);
    const input = { ...(query.models ? { models: query.models } : {}), ...resolveDateRange(query) };
    return this.cache.remember(scope, 'model-comparison', input, refresh, () =>
      this.fresh(scope, () => this.models.compare(scope, input)),
    );
  }

  parameterCurve(auth: AuthContext, query: ParameterCurveQuery, refresh: boolean) {
    const scope = ownerScope(auth);
    const input = {
      parameter: query.parameter,
      metric: query.metric,
      ...(query.model ? { model: query.model } : {}),
      ...resolveDateRange(query),
    };
    return this.cache.remember(scope, 'parameter-curve', input, refresh, () =>
      this.fresh(scope, () => this.curves.curve(scope, input)),
    );
  }

  compareConfigs(auth: AuthContext, body: CompareConfigsBody, refresh: boolean) {
    const scope = ownerScope(auth);
    return this.cache.remember(scope, 'compare-configs', body, refresh, () =>
      this.configs.compare(scope, body),
    );
  }

  /** Rebuilds the caller's stale rollups (experiments written since), then computes. */
  private async fresh<T>(scope: OwnerScope, compute: () => Promise<T>): Promise<T> {
    await this.rollups.refresh(scope);
    return compute();
  }
}
