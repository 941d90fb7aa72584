import { Op, literal, type Order, type WhereOptions } from 'sequelize';
import type { Database } from '../../db/index.js';
import type { OwnerScope } from '../../lib/auth-context.js';
import { offsetFor } from '../../lib/pagination.js';
import {
  AGGREGATE_SQL,
  DETAIL_AGGREGATES,
  LIST_AGGREGATES,
  aggregateAttributes,
  searchSql,
  tagFilterSql,
} from './experiment-aggregates.js';
import type { ListExperimentsQuery } from './experiments.schemas.js';
import type { Parameters } from './parameters.schema.js';
import { writeTransaction } from '../../db/write-transaction.js';

/** An experiment row plus whichever aggregates were asked for (raw driver values). */
export type ExperimentRow = Record<string, unknown> & {
  id: number;
  user_id: number | null;
  parameters: Parameters;
};

export interface NewExperiment {
  name: string;
  description: string | null;
  prompt: string;
  provider: string | null;
  model: string;
  parameters: Parameters;
  tags: string[];
  metadata: Record<string, unknown> | null;
  user_id: number;
}

function ownerWhere(scope: OwnerScope): WhereOptions {
  return scope.isAdmin ? {} : { user_id: scope.userId };
}

export class ExperimentsRepository {
  constructor(private readonly db: Database) {}

  private filters(scope: OwnerScope, q: ListExperimentsQuery): WhereOptions {
    const and: WhereOptions[] = [ownerWhere(scope)];
    if (q.status) and.push({ status: q.status });
    if (q.model) and.push({ model: q.model });
    if (q.search) and.push(literal(`(${searchSql(this.db, q.search)})`));
    if (q.tag) and.push(literal(tagFilterSql(this.db, q.tag)));
    if (q.date_from) and.push({ created_at: { [Op.gte]: q.date_from.at } });
    if (q.date_to) {
      and.push({ created_at: { [q.date_to.exclusive ? Op.lt : Op.lte]: q.date_to.at } });
    }
    return { [Op.and]: and };
  }

  private order(q: ListExperimentsQuery): Order {
    const dir = q.order === 'asc' ? 'ASC' : 'DESC';
    const tieBreak: [string, string] = ['id', dir];
    switch (q.sort) {
      case 'average_quality':
      case 'response_count': {
        const expr = AGGREGATE_SQL[q.sort];
        // Unscored experiments sort last in both directions, the same on every dialect.
        return [
          [literal(`CASE WHEN ${expr} IS NULL THEN 1 ELSE 0 END`), 'ASC'],
          [literal(expr), dir],
          tieBreak,
        ];
      }
      case 'name':
        return [[literal('LOWER(experiments.name)'), dir], tieBreak];
      default:
        return [[q.sort, dir], tieBreak];
    }
  }

  async list(
    scope: OwnerScope,
    q: ListExperimentsQuery,
  ): Promise<{ rows: ExperimentRow[]; total: number }> {
    const where = this.filters(scope, q);
    const [rows, total] = await Promise.all([
      this.db.models.Experiment.findAll({
        attributes: { exclude: ['response_count'], include: aggregateAttributes(LIST_AGGREGATES) },
        where,
        order: this.order(q),
        limit: q.limit,
        offset: offsetFor(q.page, q.limit),
      }),
      this.db.models.Experiment.count({ where }),
    ]);
    return { rows: rows.map((r) => r.get({ plain: true }) as ExperimentRow), total };
  }

  async findById(
    scope: OwnerScope,
    id: number,
    withAggregates: 'list' | 'detail' = 'detail',
  ): Promise<ExperimentRow | undefined> {
    const row = await this.db.models.Experiment.findOne({
      attributes: {
        exclude: ['response_count'],
        include: aggregateAttributes(
          withAggregates === 'list' ? LIST_AGGREGATES : DETAIL_AGGREGATES,
        ),
      },
      where: { [Op.and]: [{ id }, ownerWhere(scope)] },
    });
    return (row?.get({ plain: true }) as ExperimentRow | undefined) ?? undefined;
  }

  /** Whether the experiment exists and the caller may see it (one indexed lookup). */
  async exists(scope: OwnerScope, id: number): Promise<boolean> {
    return (
      (await this.db.models.Experiment.count({
        where: { [Op.and]: [{ id }, ownerWhere(scope)] },
      })) > 0
    );
  }

  /** The experiment's responses with their metrics, oldest first. */
  async listResponses(experimentId: number, limit: number): Promise<Record<string, unknown>[]> {
    if (limit === 0) return [];
    const rows = await this.db.models.Response.findAll({
      where: { experiment_id: experimentId },
      include: [{ model: this.db.models.QualityMetric, as: 'quality_metrics', required: false }],
      order: [
        ['created_at', 'ASC'],
        ['id', 'ASC'],
      ],
      limit,
    });
    return rows.map((r) => r.get({ plain: true }) as Record<string, unknown>);
  }

  async create(input: NewExperiment): Promise<number> {
    const row = await this.db.models.Experiment.create({
      ...input,
      status: 'pending',
      response_count: 0,
    });
    return row.get('id') as number;
  }

  async update(
    id: number,
    changes: Partial<Omit<NewExperiment, 'user_id'>> & { status?: string },
  ): Promise<void> {
    await this.db.models.Experiment.update(changes, { where: { id } });
  }

  /**
   * Deletes an experiment with its responses and their metrics in one transaction, returning
   * what was removed. Explicit deletes (not only ON DELETE CASCADE) keep the counts exact and
   * the behaviour identical on every dialect.
   */
  async deleteWithDependents(id: number): Promise<{ responses: number; metrics: number }> {
    const { Experiment, Response, QualityMetric } = this.db.models;
    return writeTransaction(this.db, async (transaction) => {
      const responseIds = literal(`(SELECT id FROM responses WHERE experiment_id = ${Number(id)})`);
      const metrics = await QualityMetric.destroy({
        where: { response_id: { [Op.in]: responseIds } },
        transaction,
      });
      const responses = await Response.destroy({ where: { experiment_id: id }, transaction });
      await Experiment.destroy({ where: { id }, transaction });
      return { responses, metrics };
    });
  }
}
