import { Op, type WhereOptions } from 'sequelize';
import type { Database } from '../../db/index.js';
import { parseJsonValue } from '../../db/json-column.js';
import { selectRows } from '../../db/raw-query.js';
import type { OwnerScope } from '../../lib/auth-context.js';
import { round, toNumber } from '../../lib/numbers.js';
import { METRIC_FIELDS } from '../responses/response.dto.js';
import type { ResponseRecord } from './export-columns.js';
import type { DateWindow } from './exports.schemas.js';

/** An experiment as exported: its own columns, JSON parsed. */
export interface ExperimentRecord {
  id: number;
  name: string;
  description: string | null;
  prompt: string;
  model: string;
  provider: string | null;
  status: string;
  parameters: Record<string, unknown> | null;
  tags: string[];
  user_id: number | null;
  created_at: Date;
  updated_at: Date;
}

/** Aggregates over the exported responses of one experiment, computed in SQL. */
export interface ExperimentAggregates {
  total_responses: number;
  completed_responses: number;
  failed_responses: number;
  scored_responses: number;
  average_quality: number | null;
  best_quality: number | null;
  worst_quality: number | null;
  /** Sample standard deviation (n − 1) of overall quality; null below two scores. */
  quality_std_dev: number | null;
  total_cost: number;
  total_tokens: number;
  average_response_time: number | null;
  first_response_at: Date | null;
  last_response_at: Date | null;
  /** Mean of each metric column over the scored responses. */
  metric_means: Record<string, number | null>;
}

const DIMENSION_FIELDS = METRIC_FIELDS.filter((f) => f !== 'overall_quality');

export class ExportsRepository {
  constructor(private readonly db: Database) {}

  /** The experiments among `ids` the caller may see (admins: all), in `ids` order. */
  async findExperiments(scope: OwnerScope, ids: number[]): Promise<ExperimentRecord[]> {
    const where: WhereOptions = scope.isAdmin
      ? { id: { [Op.in]: ids } }
      : { id: { [Op.in]: ids }, user_id: scope.userId };
    const rows = await this.db.models.Experiment.findAll({ where, raw: true });
    const byId = new Map(
      (rows as unknown as Record<string, unknown>[]).map((r) => [Number(r.id), r]),
    );
    return ids.flatMap((id) => {
      const r = byId.get(id);
      if (!r) return [];
      const tags = parseJsonValue(r.tags);
      return [
        {
          id,
          name: String(r.name),
          description: (r.description as string | null) ?? null,
          prompt: String(r.prompt),
          model: String(r.model),
          provider: (r.provider as string | null) ?? null,
          status: String(r.status),
          parameters: (parseJsonValue(r.parameters) as Record<string, unknown> | null) ?? null,
          tags: Array.isArray(tags) ? (tags as string[]) : [],
          user_id: toNumber(r.user_id),
          created_at: new Date(r.created_at as string | Date),
          updated_at: new Date(r.updated_at as string | Date),
        },
      ];
    });
  }

  /** Per-experiment aggregates of the responses inside the window (missing ids: no responses). */
  async aggregates(
    experimentIds: number[],
    window: DateWindow,
  ): Promise<Map<number, ExperimentAggregates>> {
    const { sql: windowSql, replacements } = windowConditions(window);
    const dimensionSql = DIMENSION_FIELDS.map((f) => `AVG(q.${f}) AS ${f}`).join(', ');
    const rows = await selectRows(
      this.db,
      `SELECT r.experiment_id AS experiment_id,
              COUNT(*) AS total_responses,
              SUM(CASE WHEN r.status = 'completed' THEN 1 ELSE 0 END) AS completed_responses,
              SUM(CASE WHEN r.status = 'failed' THEN 1 ELSE 0 END) AS failed_responses,
              COUNT(q.overall_quality) AS scored_responses,
              AVG(q.overall_quality) AS average_quality,
              MAX(q.overall_quality) AS best_quality,
              MIN(q.overall_quality) AS worst_quality,
              AVG(q.overall_quality * q.overall_quality) AS mean_square_quality,
              COALESCE(SUM(r.cost), 0) AS total_cost,
              COALESCE(SUM(r.token_count), 0) AS total_tokens,
              AVG(r.response_time) AS average_response_time,
              MIN(r.created_at) AS first_response_at,
              MAX(r.created_at) AS last_response_at,
              ${dimensionSql}
         FROM responses r
         LEFT JOIN quality_metrics q ON q.response_id = r.id
        WHERE r.experiment_id IN (:experimentIds)${windowSql}
        GROUP BY r.experiment_id`,
      {
        replacements: { ...replacements, experimentIds },
        dates: ['first_response_at', 'last_response_at'],
        numbers: [
          'experiment_id',
          'total_responses',
          'completed_responses',
          'failed_responses',
          'scored_responses',
          'average_quality',
          'best_quality',
          'worst_quality',
          'mean_square_quality',
          'total_cost',
          'total_tokens',
          'average_response_time',
          ...DIMENSION_FIELDS,
        ],
      },
    );
    const out = new Map<number, ExperimentAggregates>();
    for (const r of rows as Record<string, number | Date | null>[]) {
      const n = r.scored_responses as number;
      const avg = r.average_quality as number | null;
      // Sample variance from E[x²] − E[x]², which SQL can aggregate on every dialect.
      const variance =
        n >= 2 && avg !== null
          ? Math.max(0, ((r.mean_square_quality as number) - avg * avg) * (n / (n - 1)))
          : null;
      out.set(r.experiment_id as number, {
        total_responses: r.total_responses as number,
        completed_responses: r.completed_responses as number,
        failed_responses: r.failed_responses as number,
        scored_responses: n,
        average_quality: round(avg, 2),
        best_quality: round(r.best_quality as number | null, 2),
        worst_quality: round(r.worst_quality as number | null, 2),
        quality_std_dev: variance === null ? null : round(Math.sqrt(variance), 2),
        total_cost: round(r.total_cost as number, 6)!,
        total_tokens: r.total_tokens as number,
        average_response_time: round(r.average_response_time as number | null, 3),
        first_response_at: r.first_response_at as Date | null,
        last_response_at: r.last_response_at as Date | null,
        metric_means: Object.fromEntries(
          METRIC_FIELDS.map((f) => [
            f,
            round((f === 'overall_quality' ? avg : (r[f] as number | null)) ?? null, 2),
          ]),
        ),
      });
    }
    return out;
  }

  /**
   * The experiment's responses in the window, oldest id first, `pageSize` at a time: keyset
   * pagination on the primary key, so page 100 costs what page 1 does and rows inserted while
   * the export runs never shift a page. Stops between pages once `signal` aborts.
   */
  async *responsePages(
    experimentId: number,
    window: DateWindow,
    options: { pageSize: number; withContent: boolean; signal?: AbortSignal },
  ): AsyncGenerator<ResponseRecord[]> {
    const { sql: windowSql, replacements } = windowConditions(window);
    const metricSql = METRIC_FIELDS.map((f) => `q.${f} AS ${f}`).join(', ');
    // The page is cut in a subquery before the join, so each page costs its own rows on every
    // dialect (PostgreSQL otherwise merge-joined the metrics from the first row on, per page).
    // Without content the page skips the largest column entirely.
    const contentSql = options.withContent ? 'r.content' : "'' AS content";
    let after = 0;
    for (;;) {
      if (options.signal?.aborted) return;
      const rows = await selectRows(
        this.db,
        `SELECT r.*, q.id AS metric_id, ${metricSql}, q.calculation_method,
                q.created_at AS scored_at
           FROM (SELECT r.id, r.experiment_id, r.created_at, r.status, r.model, r.provider,
                        ${contentSql}, r.response_time, r.cost, r.token_count, r.prompt_tokens,
                        r.completion_tokens, r.finish_reason, r.cached, r.batch_experiment_id,
                        r.combination_id, r.iteration, r.error_message, r.parameters
                   FROM responses r
                  WHERE r.experiment_id = :experimentId AND r.id > :after${windowSql}
                  ORDER BY r.id
                  LIMIT ${Math.trunc(options.pageSize)}) r
           LEFT JOIN quality_metrics q ON q.response_id = r.id
          ORDER BY r.id`,
        {
          replacements: { ...replacements, experimentId, after },
          json: ['parameters'],
          dates: ['created_at', 'scored_at'],
          numbers: [
            'id',
            'experiment_id',
            'response_time',
            'cost',
            'token_count',
            'prompt_tokens',
            'completion_tokens',
            'batch_experiment_id',
            'combination_id',
            'iteration',
            'metric_id',
            ...METRIC_FIELDS,
          ],
        },
      );
      if (rows.length === 0) return;
      yield rows.map(toRecord);
      if (rows.length < options.pageSize) return;
      after = rows[rows.length - 1]!.id as number;
    }
  }
}

function toRecord(r: Record<string, unknown>): ResponseRecord {
  const scored = r.metric_id !== null;
  return {
    id: r.id as number,
    experiment_id: r.experiment_id as number,
    created_at: r.created_at as Date,
    status: String(r.status),
    model: (r.model as string | null) ?? null,
    provider: (r.provider as string | null) ?? null,
    content: String(r.content ?? ''),
    // Rounded as the API rounds them; MariaDB's single-precision FLOAT would otherwise show
    // 1.2999999523 for 1.3.
    response_time: round(r.response_time as number | null, 3),
    cost: r.cost as number | null,
    token_count: r.token_count as number | null,
    prompt_tokens: r.prompt_tokens as number | null,
    completion_tokens: r.completion_tokens as number | null,
    finish_reason: (r.finish_reason as string | null) ?? null,
    cached: r.cached === true || r.cached === 1 || r.cached === '1',
    batch_experiment_id: r.batch_experiment_id as number | null,
    combination_id: r.combination_id as number | null,
    iteration: r.iteration as number | null,
    error_message: (r.error_message as string | null) ?? null,
    parameters:
      r.parameters && typeof r.parameters === 'object'
        ? (r.parameters as Record<string, unknown>)
        : null,
    metrics: scored
      ? Object.fromEntries(METRIC_FIELDS.map((f) => [f, round(r[f] as number | null, 2)]))
      : null,
    calculation_method: (r.calculation_method as string | null) ?? null,
    scored_at: (r.scored_at as Date | null) ?? null,
  };
}

/** `AND r.created_at …` for the window's bounds, with their replacements. */
function windowConditions(window: DateWindow): {
  sql: string;
  replacements: Record<string, unknown>;
} {
  let sql = '';
  const replacements: Record<string, unknown> = {};
  if (window.from) {
    sql += ' AND r.created_at >= :windowFrom';
    replacements.windowFrom = window.from.at;
  }
  if (window.to) {
    sql += ` AND r.created_at ${window.to.exclusive ? '<' : '<='} :windowTo`;
    replacements.windowTo = window.to.at;
  }
  return { sql, replacements };
}
