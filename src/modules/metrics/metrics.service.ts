import { ownerScope, type AuthContext } from '../../lib/auth-context.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { round } from '../../lib/numbers.js';
import { parseJsonValue } from '../../db/json-column.js';
import { DIMENSIONS, type Dimension, type QualityReport } from '../../quality/types.js';
import type { ResponsesRepository } from '../responses/responses.repository.js';
import { metricColumn, qualityBand, type MetricName } from './metric-names.js';
import { toResponseMetricsDto, type ResponseMetricsDto } from './metrics.dto.js';
import type { MetricsRepository, MetricsRow } from './metrics.repository.js';
import type { BatchMetricsBody, TrendsQuery } from './metrics.schemas.js';
import type { ScoringService } from './scoring.service.js';
import { summarizeTrend } from './trend-analysis.js';

type Row = Record<string, unknown>;

/** The prompt a stored response answered: its own override, else its experiment's. */
export function promptOf(row: Row): string | undefined {
  const metadata = parseJsonValue(row.metadata) as { prompt?: string } | null;
  const experiment = row.experiment as { prompt?: string } | undefined;
  return metadata?.prompt ?? experiment?.prompt;
}

function metricsBlock(report: QualityReport, only?: MetricName[]): Record<string, number | null> {
  const wanted = only ?? ['overall', ...DIMENSIONS];
  const block: Record<string, number | null> = {};
  for (const metric of wanted) {
    block[metricColumn(metric)] =
      metric === 'overall' ? report.overall_quality : (report.dimensions[metric]?.score ?? null);
  }
  return block;
}

const PERIOD_HOURS = { '24h': 24, '7d': 7 * 24, '30d': 30 * 24, '90d': 90 * 24 } as const;

export class MetricsService {
  constructor(
    private readonly scoring: ScoringService,
    private readonly metrics: MetricsRepository,
    private readonly responses: ResponsesRepository,
  ) {}

  /** GET /api/metrics/:responseId — stored metrics, calculated first when missing or asked. */
  async forResponse(
    auth: AuthContext,
    responseId: number,
    options: {
      method?: QualityReport['method'];
      judge?: { provider?: string; model?: string; samples?: number };
      recalculate: boolean;
    },
  ): Promise<ResponseMetricsDto> {
    const response = await this.responses.findForOwner(ownerScope(auth), responseId);
    if (!response) throw new NotFoundError('Response', responseId);
    // The owner-scoped lookup already joins the metrics row: no second query.
    const stored = (response.quality_metrics as MetricsRow | null) ?? undefined;
    const differentMethod =
      options.method !== undefined && stored?.calculation_method !== options.method;
    if (stored && !options.recalculate && !differentMethod) return toResponseMetricsDto(stored);
    if (response.status !== 'completed') {
      throw new ValidationError(
        `Response ${responseId} has no content to score (status ${String(response.status)})`,
        {
          field: 'responseId',
          value: responseId,
          expected: 'A completed response',
        },
      );
    }
    const row = await this.scoring.scoreAndStore(
      responseId,
      {
        content: String(response.content),
        prompt: promptOf(response),
        finishReason: String(response.finish_reason ?? ''),
      },
      {
        ...(options.method ? { method: options.method } : {}),
        ...(options.judge ? { judge: options.judge } : {}),
      },
    );
    return toResponseMetricsDto(row);
  }

  /** POST /api/metrics/batch — ad-hoc texts and/or stored responses. */
  async batch(auth: AuthContext, body: BatchMetricsBody) {
    const started = performance.now();
    const only = body.metrics_to_calculate ? [...new Set(body.metrics_to_calculate)] : undefined;
    const dimensions = only?.filter((m): m is Dimension => m !== 'overall');
    const storedIds = body.responses.filter((i) => i.content === undefined).map((i) => i.id!);
    const stored = storedIds.length
      ? new Map(
          (await this.responses.findManyForOwner(ownerScope(auth), storedIds)).map((r) => [
            Number(r.id),
            r,
          ]),
        )
      : new Map<number, Row>();
    const missing = storedIds.filter((id) => !stored.has(id));
    if (missing.length) throw new NotFoundError('Response', missing.join(', '));

    const judge = {
      ...(body.judge_provider ? { provider: body.judge_provider } : {}),
      ...(body.judge_model ? { model: body.judge_model } : {}),
    };
    const results = await Promise.all(
      body.responses.map(async (item, index) => {
        const row = item.content === undefined ? stored.get(item.id!) : undefined;
        const input = row
          ? {
              content: String(row.content),
              prompt: promptOf(row),
              finishReason: String(row.finish_reason ?? ''),
            }
          : {
              content: item.content!,
              ...(item.prompt !== undefined ? { prompt: item.prompt } : {}),
            };
        const report = await this.scoring.score(input, {
          ...(body.method ? { method: body.method } : {}),
          judge,
          ...(dimensions?.length ? { dimensions } : {}),
        });
        return { response_id: item.id ?? null, index, report };
      }),
    );
    const overall = results.map((r) => r.report.overall_quality);
    const distribution = { excellent: 0, good: 0, average: 0, poor: 0 };
    for (const score of overall) distribution[qualityBand(score)] += 1;
    return {
      batch_metrics: results.map((r) => ({
        response_id: r.response_id,
        index: r.index,
        metrics: metricsBlock(r.report, only),
        calculation_method: r.report.method,
      })),
      batch_summary: {
        total_responses: results.length,
        average_quality: round(overall.reduce((a, b) => a + b, 0) / overall.length, 1),
        processing_time: round((performance.now() - started) / 1000, 4),
        quality_distribution: distribution,
      },
      calculated_at: new Date().toISOString(),
    };
  }

  /** GET /api/metrics/trends — a metric's mean by hour (24h) or day over a period. */
  async trends(auth: AuthContext, query: TrendsQuery) {
    const hours = PERIOD_HOURS[query.period];
    const bucket = query.period === '24h' ? 'hour' : 'day';
    const points = await this.metrics.trend(ownerScope(auth), {
      column: metricColumn(query.metric),
      from: new Date(Date.now() - hours * 3_600_000),
      bucket,
      ...(query.model ? { model: query.model } : {}),
      ...(query.experiment_ids ? { experimentIds: query.experiment_ids } : {}),
    });
    const dataPoints = points.map((p) => ({
      date: p.bucket.length > 10 ? `${p.bucket}:00:00Z` : p.bucket,
      average_quality: round(p.average, 2) ?? 0,
      response_count: p.count,
    }));
    return {
      trends: {
        period: query.period,
        metric: metricColumn(query.metric),
        granularity: bucket,
        data_points: dataPoints,
        trend_analysis: summarizeTrend(dataPoints),
      },
    };
  }
}
