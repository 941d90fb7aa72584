import { parseJsonValue } from '../../db/json-column.js';
import { ownerScope, type AuthContext } from '../../lib/auth-context.js';
import { NotFoundError } from '../../lib/errors.js';
import { round, toIso, toNumber } from '../../lib/numbers.js';
import { diversityReport } from '../../quality/diversity.js';
import { DIMENSION_COLUMNS, DIMENSIONS } from '../../quality/types.js';
import {
  optimalSettings,
  parameterImpact,
  TUNED_PARAMETERS,
  type Observation,
} from '../metrics/parameter-insights.js';
import { summarizeTrend } from '../metrics/trend-analysis.js';
import { toQualityMetricsDto } from '../responses/response.dto.js';
import type { ResponsesRepository } from '../responses/responses.repository.js';
import type { ExperimentsRepository } from './experiments.repository.js';

/** Most recent responses considered for per-response statistics (correlations, diversity). */
const MAX_ROWS = 5000;
/** Texts per setting compared for diversity (pairwise similarity is quadratic). */
const DIVERSITY_SAMPLE = 50;

/** GET /api/experiments/:id/stats. */
export class ExperimentStatsService {
  constructor(
    private readonly experiments: ExperimentsRepository,
    private readonly responses: ResponsesRepository,
  ) {}

  async stats(auth: AuthContext, experimentId: number) {
    const experiment = await this.experiments.findById(ownerScope(auth), experimentId);
    if (!experiment) throw new NotFoundError('Experiment', experimentId);
    const rows = await this.responses.completedWithMetrics(experimentId, MAX_ROWS);
    const observations: (Observation & { at: string | null; content: string })[] = rows.map(
      (r) => ({
        id: Number(r.id),
        metrics: (toQualityMetricsDto(r.quality_metrics as Record<string, unknown> | null) ??
          {}) as Record<string, number | null>,
        parameters: (parseJsonValue(r.parameters) as Record<string, unknown> | null) ?? {},
        finishReason: (r.finish_reason as string | null) ?? null,
        at: toIso(r.created_at),
        content: String(r.content ?? ''),
      }),
    );
    const scored = observations.filter((o) => typeof o.metrics.overall_quality === 'number');
    const timeSeries = scored.map((o, i) => ({
      response_order: i + 1,
      quality: o.metrics.overall_quality!,
      timestamp: o.at,
    }));
    const trend = summarizeTrend(
      timeSeries.map((p) => ({ average_quality: p.quality, response_count: 1 })),
    );

    const breakdown = Object.fromEntries(
      DIMENSIONS.map((d) => {
        const column = DIMENSION_COLUMNS[d];
        const values = scored
          .map((o) => o.metrics[column])
          .filter((v): v is number => typeof v === 'number');
        return [
          column,
          values.length ? round(values.reduce((a, b) => a + b, 0) / values.length, 2) : null,
        ];
      }),
    );
    const impacts = Object.fromEntries(
      TUNED_PARAMETERS.map((p) => [p, parameterImpact(scored, p)]),
    );
    const optimal = optimalSettings(scored);

    return {
      experiment_id: experimentId,
      overview: {
        total_responses: toNumber(experiment.response_count) ?? 0,
        scored_responses: scored.length,
        average_quality: round(toNumber(experiment.average_quality), 2),
        best_quality: round(toNumber(experiment.best_quality), 2),
        worst_quality: round(toNumber(experiment.worst_quality), 2),
        quality_trend: trend.change_percentage,
        total_cost: round(toNumber(experiment.total_cost), 6) ?? 0,
        total_tokens: toNumber(experiment.total_tokens) ?? 0,
        average_response_time: round(toNumber(experiment.average_response_time), 3),
      },
      quality_breakdown: breakdown,
      parameter_performance: {
        temperature_impact: impacts.temperature!.correlation,
        top_p_impact: impacts.top_p!.correlation,
        n: scored.length,
        correlations: impacts,
        optimal_settings: optimal?.settings ?? null,
        optimal_mean_quality: optimal?.mean ?? null,
      },
      diversity: this.diversityBySetting(observations),
      time_series: timeSeries,
    };
  }

  /** Variety among the responses of each parameter setting — part of what temperature buys. */
  private diversityBySetting(
    observations: { parameters: Record<string, unknown>; content: string }[],
  ) {
    const groups = new Map<string, { parameters: Record<string, unknown>; texts: string[] }>();
    for (const o of observations) {
      const parameters = Object.fromEntries(
        TUNED_PARAMETERS.map((p) => [p, o.parameters[p] ?? null]),
      );
      const key = JSON.stringify(parameters);
      const group = groups.get(key) ?? { parameters, texts: [] };
      group.texts.push(o.content);
      groups.set(key, group);
    }
    return [...groups.values()]
      .filter((g) => g.texts.length >= 2)
      .map((g) => ({
        parameters: g.parameters,
        ...diversityReport(g.texts.slice(-DIVERSITY_SAMPLE)),
      }));
  }
}
