import { parseJsonValue } from '../../db/json-column.js';
import { ownerScope, type AuthContext } from '../../lib/auth-context.js';
import { NotFoundError } from '../../lib/errors.js';
import { round } from '../../lib/numbers.js';
import { mean, standardDeviation } from '../../lib/stats.js';
import { diversityReport } from '../../quality/diversity.js';
import { DIMENSIONS, type DimensionResult } from '../../quality/types.js';
import { toQualityMetricsDto } from '../responses/response.dto.js';
import type { ResponsesRepository } from '../responses/responses.repository.js';
import { metricColumn, type MetricName } from './metric-names.js';
import type { MetricsRow } from './metrics.repository.js';
import { promptOf } from './metrics.service.js';
import { parameterInsights, recommendations, type Observation } from './parameter-insights.js';
import type { ScoringService } from './scoring.service.js';

type Row = Record<string, unknown>;

interface Compared {
  row: Row;
  observation: Observation;
  analysis: Record<string, DimensionResult>;
}

const PREVIEW_CHARS = 160;

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= PREVIEW_CHARS ? flat : `${flat.slice(0, PREVIEW_CHARS - 1).trimEnd()}…`;
}

/** Spread of one metric over the compared responses. */
function difference(items: Compared[], metric: string) {
  const values = items
    .map((i) => i.observation.metrics[metric])
    .filter((v): v is number => typeof v === 'number');
  if (values.length === 0)
    return { metric, range: null, highest: null, lowest: null, average: null, std_dev: null };
  const highest = Math.max(...values);
  const lowest = Math.min(...values);
  return {
    metric,
    range: round(highest - lowest, 2),
    highest,
    lowest,
    average: round(mean(values), 2),
    std_dev: round(standardDeviation(values), 2),
  };
}

function best(items: Compared[], metric: string): { response_id: number; score: number } | null {
  let top: { response_id: number; score: number } | null = null;
  for (const item of items) {
    const score = item.observation.metrics[metric];
    if (typeof score === 'number' && (!top || score > top.score))
      top = { response_id: item.observation.id, score };
  }
  return top;
}

/** Compares stored responses on their metrics; responses without scores are scored first. */
export class ComparisonService {
  constructor(
    private readonly responses: ResponsesRepository,
    private readonly scoring: ScoringService,
  ) {}

  private async load(auth: AuthContext, ids: number[]): Promise<Compared[]> {
    const rows = await this.responses.findManyForOwner(ownerScope(auth), ids);
    const found = new Set(rows.map((r) => Number(r.id)));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) throw new NotFoundError('Response', missing.join(', '));
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    return Promise.all(
      ids.map(async (id) => {
        const row = byId.get(id)!;
        let metrics = row.quality_metrics as MetricsRow | null;
        if (!metrics && row.status === 'completed') {
          metrics = await this.scoring.scoreAndStore(id, {
            content: String(row.content),
            prompt: promptOf(row),
            finishReason: String(row.finish_reason ?? ''),
          });
        }
        return {
          row,
          observation: {
            id,
            metrics: (toQualityMetricsDto(metrics) ?? {}) as Record<string, number | null>,
            parameters: (parseJsonValue(row.parameters) as Record<string, unknown> | null) ?? {},
            finishReason: (row.finish_reason as string | null) ?? null,
          },
          analysis: ((metrics && parseJsonValue(metrics.detailed_analysis)) ?? {}) as Record<
            string,
            DimensionResult
          >,
        };
      }),
    );
  }

  /** POST /api/responses/compare, in the spec's shape. */
  async compareResponses(
    auth: AuthContext,
    body: {
      response_ids: number[];
      comparison_criteria: MetricName[];
      include_detailed_analysis: boolean;
    },
  ) {
    const items = await this.load(auth, body.response_ids);
    const criteria = [...new Set(body.comparison_criteria)];
    const columns = criteria.map(metricColumn);
    const analysis: Record<string, unknown> = { best_overall: best(items, 'overall_quality') };
    for (const metric of criteria.filter((m) => m !== 'overall')) {
      analysis[`best_${metric}`] = best(items, metricColumn(metric));
    }
    const insightColumns = ['overall_quality', ...columns.filter((c) => c !== 'overall_quality')];
    analysis.parameter_insights = parameterInsights(
      items.map((i) => i.observation),
      insightColumns,
    );
    analysis.recommendations = recommendations(
      items.map((i) => i.observation),
      insightColumns,
    );
    return {
      comparison: {
        responses: items.map(({ row, observation }) => ({
          id: observation.id,
          overall_quality: observation.metrics.overall_quality ?? null,
          metrics: Object.fromEntries(
            columns
              .filter((c) => c !== 'overall_quality')
              .map((c) => [c, observation.metrics[c] ?? null]),
          ),
          content_preview: preview(String(row.content ?? '')),
          model: (row.model as string | null) ?? null,
          parameters: observation.parameters,
          status: String(row.status),
        })),
        analysis,
        ...(body.include_detailed_analysis
          ? {
              detailed_comparison: {
                quality_differences: insightColumns.map((c) => difference(items, c)),
                diversity: diversityReport(items.map((i) => String(i.row.content ?? ''))),
              },
            }
          : {}),
      },
    };
  }

  /** POST /api/metrics/compare: rankings and spreads, with explanations when detailed. */
  async compareMetrics(
    auth: AuthContext,
    body: {
      response_ids: number[];
      comparison_type: 'basic' | 'detailed';
      focus_metrics?: MetricName[];
    },
  ) {
    const items = await this.load(auth, body.response_ids);
    const focus: MetricName[] = body.focus_metrics
      ? [...new Set(body.focus_metrics)]
      : ['overall', ...DIMENSIONS];
    const columns = focus.map(metricColumn);
    const rankings = Object.fromEntries(
      columns.map((c) => [
        c,
        items
          .filter((i) => typeof i.observation.metrics[c] === 'number')
          .sort((a, b) => b.observation.metrics[c]! - a.observation.metrics[c]!)
          .map((i) => i.observation.id),
      ]),
    );
    return {
      comparison_type: body.comparison_type,
      focus_metrics: columns,
      responses: items.map(({ observation }) => ({
        response_id: observation.id,
        overall_quality: observation.metrics.overall_quality ?? null,
        metrics: Object.fromEntries(columns.map((c) => [c, observation.metrics[c] ?? null])),
      })),
      rankings,
      best: Object.fromEntries(columns.map((c) => [c, best(items, c)])),
      differences: columns.map((c) => difference(items, c)),
      diversity: diversityReport(items.map((i) => String(i.row.content ?? ''))),
      ...(body.comparison_type === 'detailed'
        ? {
            detailed_analysis: Object.fromEntries(
              items.map((i) => [
                i.observation.id,
                Object.fromEntries(
                  focus
                    .filter(
                      (m): m is Exclude<MetricName, 'overall'> =>
                        m !== 'overall' && Boolean(i.analysis[m]),
                    )
                    .map((m) => [m, i.analysis[m]]),
                ),
              ]),
            ),
            parameter_insights: parameterInsights(
              items.map((i) => i.observation),
              columns,
            ),
          }
        : {}),
    };
  }
}
