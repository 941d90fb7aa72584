import { Op, literal, type Order, type WhereOptions } from 'sequelize';
import type { Database } from '../../db/index.js';
import { updateRowById } from '../../db/raw-write.js';
import type { OwnerScope } from '../../lib/auth-context.js';
import { offsetFor } from '../../lib/pagination.js';
import { round, toNumber } from '../../lib/numbers.js';
import type { ListResponsesQuery } from './responses.schemas.js';

type Row = Record<string, unknown>;

export interface ResponseSummary {
  total_responses: number;
  average_quality: number | null;
  total_cost: number;
  total_tokens: number;
}

/** Fields written when a generation finishes. */
export interface CompletedGeneration {
  content: string;
  model: string;
  response_time: number;
  cost: number;
  token_count: number;
  prompt_tokens: number;
  completion_tokens: number;
  finish_reason: string;
  cached: boolean;
  metadata: Record<string, unknown>;
}

const QUALITY = 'quality_metrics.overall_quality';

export class ResponsesRepository {
  constructor(private readonly db: Database) {}

  /** Writes the row before calling the provider, so a crash or failure never loses the attempt. */
  async createPending(input: {
    experiment_id: number;
    provider: string;
    model: string;
    parameters: Record<string, unknown>;
    iteration: number;
  }): Promise<number> {
    const row = await this.db.models.Response.create({
      ...input,
      content: '',
      status: 'generating',
    });
    return row.get('id') as number;
  }

  async complete(id: number, result: CompletedGeneration): Promise<void> {
    // Raw: this runs for every generated response and every batch cell.
    await updateRowById(this.db, 'responses', id, {
      ...result,
      status: 'completed',
      error_message: null,
      updated_at: new Date(),
    });
  }

  async fail(id: number, message: string, metadata: Record<string, unknown>): Promise<void> {
    await this.db.models.Response.update(
      { status: 'failed', error_message: message, metadata },
      { where: { id } },
    );
  }

  /** The highest iteration used so far for an experiment's direct (non-batch) generations. */
  async lastIteration(experimentId: number): Promise<number> {
    const max = await this.db.models.Response.max('iteration', {
      where: { experiment_id: experimentId, batch_experiment_id: null },
    });
    return toNumber(max) ?? 0;
  }

  async findById(id: number): Promise<Row | undefined> {
    const row = await this.db.models.Response.findByPk(id, {
      include: [{ model: this.db.models.QualityMetric, as: 'quality_metrics', required: false }],
    });
    return (row?.get({ plain: true }) as Row | undefined) ?? undefined;
  }

  /** A response with its metrics and its experiment's id/name/prompt, if the caller may see it. */
  async findForOwner(scope: OwnerScope, id: number): Promise<Row | undefined> {
    return (await this.findManyForOwner(scope, [id]))[0];
  }

  /** The latest `limit` completed responses of an experiment with their metrics, oldest first. */
  async completedWithMetrics(experimentId: number, limit: number): Promise<Row[]> {
    const rows = await this.db.models.Response.findAll({
      attributes: ['id', 'content', 'parameters', 'created_at', 'finish_reason'],
      where: { experiment_id: experimentId, status: 'completed' },
      include: [{ model: this.db.models.QualityMetric, as: 'quality_metrics', required: false }],
      order: [
        ['created_at', 'DESC'],
        ['id', 'DESC'],
      ],
      limit,
    });
    return rows.map((r) => r.get({ plain: true }) as Row).reverse();
  }

  /** Ids of an experiment's completed responses (only those without metrics when asked). */
  async completedIds(experimentId: number, options: { unscoredOnly: boolean }): Promise<number[]> {
    const rows = await this.db.models.Response.findAll({
      attributes: ['id'],
      where: {
        experiment_id: experimentId,
        status: 'completed',
        ...(options.unscoredOnly ? { '$quality_metrics.id$': null } : {}),
      },
      include: [
        {
          model: this.db.models.QualityMetric,
          as: 'quality_metrics',
          attributes: [],
          required: false,
        },
      ],
      order: [['id', 'ASC']],
      raw: true,
    });
    return rows.map((r) => (r as unknown as { id: number }).id);
  }

  /** Several responses with metrics and experiment stubs, limited to what the caller may see. */
  async findManyForOwner(scope: OwnerScope, ids: number[]): Promise<Row[]> {
    const rows = await this.db.models.Response.findAll({
      where: { id: { [Op.in]: ids } },
      include: [
        { model: this.db.models.QualityMetric, as: 'quality_metrics', required: false },
        {
          model: this.db.models.Experiment,
          as: 'experiment',
          attributes: ['id', 'name', 'prompt', 'user_id'],
          required: true,
          ...(scope.isAdmin ? {} : { where: { user_id: scope.userId } }),
        },
      ],
      order: [['id', 'ASC']],
    });
    return rows.map((r) => r.get({ plain: true }) as Row);
  }

  private filters(
    experimentId: number,
    q: Pick<ListResponsesQuery, 'min_quality' | 'max_quality'>,
  ): WhereOptions {
    const and: WhereOptions[] = [{ experiment_id: experimentId }];
    if (q.min_quality !== undefined) and.push(literal(`${QUALITY} >= ${Number(q.min_quality)}`));
    if (q.max_quality !== undefined) and.push(literal(`${QUALITY} <= ${Number(q.max_quality)}`));
    return { [Op.and]: and };
  }

  private order(q: ListResponsesQuery): Order {
    const dir = q.order === 'asc' ? 'ASC' : 'DESC';
    if (q.sort === 'quality') {
      // Unscored responses last in both directions, on every dialect.
      return [
        [literal(`CASE WHEN ${QUALITY} IS NULL THEN 1 ELSE 0 END`), 'ASC'],
        [literal(QUALITY), dir],
        ['id', dir],
      ];
    }
    return [
      [q.sort, dir],
      ['id', dir],
    ];
  }

  async listForExperiment(
    experimentId: number,
    q: ListResponsesQuery,
  ): Promise<{ rows: Row[]; total: number }> {
    const where = this.filters(experimentId, q);
    const include = [
      { model: this.db.models.QualityMetric, as: 'quality_metrics', required: false },
    ];
    const [rows, total] = await Promise.all([
      this.db.models.Response.findAll({
        where,
        include,
        order: this.order(q),
        limit: q.limit,
        offset: offsetFor(q.page, q.limit),
        subQuery: false,
      }),
      this.db.models.Response.count({ where, include }),
    ]);
    return { rows: rows.map((r) => r.get({ plain: true }) as Row), total };
  }

  /** Totals over the responses that match the quality filters (one aggregate query). */
  async summarize(
    experimentId: number,
    q: Pick<ListResponsesQuery, 'min_quality' | 'max_quality'>,
  ): Promise<ResponseSummary> {
    const include = [
      {
        model: this.db.models.QualityMetric,
        as: 'quality_metrics',
        required: false,
        attributes: [],
      },
    ];
    const [row] = (await this.db.models.Response.findAll({
      attributes: [
        [literal('COUNT(responses.id)'), 'total_responses'],
        [literal(`AVG(${QUALITY})`), 'average_quality'],
        [literal('COALESCE(SUM(responses.cost), 0)'), 'total_cost'],
        [literal('COALESCE(SUM(responses.token_count), 0)'), 'total_tokens'],
      ],
      where: this.filters(experimentId, q),
      include,
      raw: true,
    })) as unknown as Row[];
    return {
      total_responses: toNumber(row?.total_responses) ?? 0,
      average_quality: round(toNumber(row?.average_quality), 2),
      total_cost: round(toNumber(row?.total_cost), 6) ?? 0,
      total_tokens: toNumber(row?.total_tokens) ?? 0,
    };
  }
}
