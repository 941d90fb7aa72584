import { Op, UniqueConstraintError, literal, type Order, type WhereOptions } from 'sequelize';
import type { Database } from '../../db/index.js';
import { insertRow, updateRowById } from '../../db/raw-write.js';
import { selectRows } from '../../db/raw-query.js';
import { searchAny } from '../../db/text-search.js';
import { parseJsonValue } from '../../db/json-column.js';
import type { OwnerScope } from '../../lib/auth-context.js';
import { toNumber } from '../../lib/numbers.js';
import { offsetFor } from '../../lib/pagination.js';
import { METRIC_FIELDS } from '../responses/response.dto.js';
import type { Cell } from './batch-stats.js';
import type { ListBatchesQuery } from './batch-experiments.schemas.js';

/** A batch_experiments row as stored (JSON columns parsed). */
export type BatchRow = Record<string, unknown> & {
  id: number;
  user_id: number | null;
  experiment_id: number | null;
  status: string;
  iterations_per_combination: number;
  combinations: Array<Record<string, number>> | null;
  /** The prompts of a multi-prompt batch (cells pick one by `prompt_index`); else null. */
  prompts?: string[] | null;
};

/** What a batch cell stores: its coordinates and its outcome, as response columns. */
export interface CellOutcome extends Record<string, unknown> {
  batch_experiment_id: number;
  experiment_id: number;
  combination_id: number;
  iteration: number;
  status: 'completed' | 'failed';
  content: string;
}

/** Rows per combination and status: what every counter is computed from. */
export type CellCount = {
  combination_id: number;
  status: string;
  count: number;
};

function ownerWhere(scope: OwnerScope): WhereOptions {
  return scope.isAdmin ? {} : { user_id: scope.userId };
}

function plain(row: { get(options: { plain: true }): unknown } | null): BatchRow | undefined {
  if (!row) return undefined;
  const r = row.get({ plain: true }) as BatchRow;
  r.combinations = parseJsonValue(r.combinations) as BatchRow['combinations'];
  for (const key of [
    'parameter_ranges',
    'base_parameters',
    'results_summary',
    'insights',
    'notify',
    'prompts',
  ])
    r[key] = parseJsonValue(r[key]);
  return r;
}

export class BatchExperimentsRepository {
  constructor(private readonly db: Database) {}

  async create(input: Record<string, unknown>): Promise<number> {
    const row = await this.db.models.BatchExperiment.create(input);
    return row.get('id') as number;
  }

  async findById(scope: OwnerScope, id: number): Promise<BatchRow | undefined> {
    return plain(
      await this.db.models.BatchExperiment.findOne({
        where: { [Op.and]: [{ id }, ownerWhere(scope)] },
      }),
    );
  }

  /** Without an ownership check: for job handlers, which act for the batch's owner. */
  async findForJob(id: number): Promise<BatchRow | undefined> {
    return plain(await this.db.models.BatchExperiment.findByPk(id));
  }

  async exists(scope: OwnerScope, id: number): Promise<boolean> {
    const n = await this.db.models.BatchExperiment.count({
      where: { [Op.and]: [{ id }, ownerWhere(scope)] },
    });
    return n > 0;
  }

  async list(scope: OwnerScope, q: ListBatchesQuery): Promise<{ rows: BatchRow[]; total: number }> {
    const and: WhereOptions[] = [ownerWhere(scope)];
    if (q.status) and.push({ status: q.status });
    if (q.search) {
      const columns = ['batch_experiments.name', 'batch_experiments.description'];
      and.push(literal(searchAny(this.db, columns, q.search)));
    }
    const where = { [Op.and]: and };
    const dir = q.order === 'asc' ? 'ASC' : 'DESC';
    const order: Order =
      q.sort === 'name'
        ? [
            [literal('LOWER(batch_experiments.name)'), dir],
            ['id', dir],
          ]
        : [
            [q.sort, dir],
            ['id', dir],
          ];
    const [rows, total] = await Promise.all([
      this.db.models.BatchExperiment.findAll({
        where,
        order,
        limit: q.limit,
        offset: offsetFor(q.page, q.limit),
      }),
      this.db.models.BatchExperiment.count({ where }),
    ]);
    return { rows: rows.map((r) => plain(r)!), total };
  }

  /**
   * Applies `changes` only while the status is one of `from` — a compare-and-set, so two
   * processes (or a control request racing a worker) never both make one transition. A raw
   * statement, not `Model.update` (about 2 ms a call): running cells update their batch's
   * counters with it. Callers pass column values from our code, never unchecked input.
   */
  async transition(id: number, from: readonly string[], changes: Record<string, unknown>) {
    const statuses = from.map((status) => this.db.sequelize.escape(status)).join(', ');
    return updateRowById(
      this.db,
      'batch_experiments',
      id,
      { ...changes, updated_at: new Date() },
      `status IN (${statuses})`,
    );
  }

  /** Batches a restarted process must re-queue (in-process queues lose their jobs). */
  async unfinished(): Promise<BatchRow[]> {
    const rows = await this.db.models.BatchExperiment.findAll({
      where: { status: { [Op.in]: ['queued', 'running'] } },
      order: [['id', 'ASC']],
    });
    return rows.map((r) => plain(r)!);
  }

  async cellCounts(batchId: number): Promise<CellCount[]> {
    // Raw: this runs whenever a combination finishes.
    return selectRows<CellCount>(
      this.db,
      `SELECT combination_id, status, COUNT(*) AS count FROM responses
        WHERE batch_experiment_id = :batchId GROUP BY combination_id, status`,
      { replacements: { batchId }, numbers: ['combination_id', 'count'] },
    );
  }

  async spentCost(batchId: number): Promise<number> {
    const [row] = await selectRows<{ spent: number | null }>(
      this.db,
      'SELECT SUM(cost) AS spent FROM responses WHERE batch_experiment_id = :batchId',
      { replacements: { batchId }, numbers: ['spent'] },
    );
    return row?.spent ?? 0;
  }

  async findCell(
    batchId: number,
    combinationId: number,
    iteration: number,
  ): Promise<{ id: number; status: string } | undefined> {
    const row = await this.db.models.Response.findOne({
      attributes: ['id', 'status'],
      where: { batch_experiment_id: batchId, combination_id: combinationId, iteration },
    });
    return row ? { id: row.get('id') as number, status: String(row.get('status')) } : undefined;
  }

  /**
   * Stores a cell's outcome (completed or failed) and returns its row id; undefined when the
   * cell was already completed by another run, whose row stands. A first run inserts (one
   * statement). The unique index on (batch, combination, iteration) catches every other case:
   * a row reset by retry_failed, or a race between two runs of one job, which is settled by
   * a conditional update that only one of them can apply.
   */
  async storeCell(cell: CellOutcome): Promise<number | undefined> {
    const now = new Date();
    try {
      return await insertRow(this.db, 'responses', { ...cell, created_at: now, updated_at: now });
    } catch (err) {
      if (!(err instanceof UniqueConstraintError)) throw err;
    }
    const existing = await this.findCell(
      cell.batch_experiment_id,
      cell.combination_id,
      cell.iteration,
    );
    if (!existing || existing.status === 'completed') return undefined;
    const updated = await updateRowById(
      this.db,
      'responses',
      existing.id,
      { ...cell, updated_at: now },
      "status <> 'completed'",
    );
    return updated ? existing.id : undefined;
  }

  /** `combination.iteration` keys of the batch's completed cells. */
  async completedCellKeys(batchId: number): Promise<Set<string>> {
    const rows = await selectRows<{ combination_id: number; iteration: number }>(
      this.db,
      `SELECT combination_id, iteration FROM responses
        WHERE batch_experiment_id = :batchId AND status = 'completed'`,
      { replacements: { batchId }, numbers: ['combination_id', 'iteration'] },
    );
    return new Set(rows.map((r) => `${r.combination_id}.${r.iteration}`));
  }

  /**
   * Finished (completed or failed) cells of the batch, and of each of some of its
   * combinations (in their order) with how many of those failed. One round trip: this runs
   * after every group of cells.
   */
  async finishedCounts(
    batchId: number,
    combinationIds: readonly number[],
  ): Promise<{ batch: number; combinations: Array<{ finished: number; failed: number }> }> {
    const replacements: Record<string, unknown> = { batchId };
    const perCombination = combinationIds.flatMap((id, i) => {
      replacements[`c${i}`] = id;
      return [
        `COALESCE(SUM(CASE WHEN combination_id = :c${i} THEN 1 ELSE 0 END), 0) AS c${i}`,
        `COALESCE(SUM(CASE WHEN combination_id = :c${i} AND status = 'failed' THEN 1 ELSE 0 END), 0) AS f${i}`,
      ];
    });
    const columns = combinationIds.flatMap((_, i) => [`c${i}`, `f${i}`]);
    const [row] = await selectRows<Record<string, number>>(
      this.db,
      `SELECT ${['COUNT(*) AS batch', ...perCombination].join(', ')}
         FROM responses
        WHERE batch_experiment_id = :batchId AND status IN ('completed', 'failed')`,
      { replacements, numbers: ['batch', ...columns] },
    );
    return {
      batch: row?.batch ?? 0,
      combinations: combinationIds.map((_, i) => ({
        finished: row?.[`c${i}`] ?? 0,
        failed: row?.[`f${i}`] ?? 0,
      })),
    };
  }

  /** The status alone: what a cell job checks first (pause and stop act through it). */
  async findStatus(id: number): Promise<string | undefined> {
    const [row] = await selectRows<{ status: string }>(
      this.db,
      'SELECT status FROM batch_experiments WHERE id = :id',
      { replacements: { id } },
    );
    return row?.status;
  }

  /** Puts the failed cells back to `pending` and returns them (for retry_failed). */
  async resetFailedCells(
    batchId: number,
  ): Promise<Array<{ combination_id: number; iteration: number }>> {
    const where = { batch_experiment_id: batchId, status: 'failed' };
    const rows = await this.db.models.Response.findAll({
      attributes: ['id', 'combination_id', 'iteration'],
      where,
    });
    if (rows.length === 0) return [];
    await this.db.models.QualityMetric.destroy({
      where: { response_id: { [Op.in]: rows.map((r) => r.get('id') as number) } },
    });
    await this.db.models.Response.update(
      { status: 'pending', error_message: null, content: '' },
      { where },
    );
    return rows.map((r) => ({
      combination_id: r.get('combination_id') as number,
      iteration: r.get('iteration') as number,
    }));
  }

  /** Every cell with its metrics, for the statistics. */
  async cells(batchId: number): Promise<Cell[]> {
    const rows = await this.db.models.Response.findAll({
      attributes: [
        'id',
        'combination_id',
        'iteration',
        'status',
        'error_message',
        'cost',
        'parameters',
      ],
      where: { batch_experiment_id: batchId },
      include: [
        {
          model: this.db.models.QualityMetric,
          as: 'quality_metrics',
          required: false,
          attributes: [...METRIC_FIELDS],
        },
      ],
      order: [
        ['combination_id', 'ASC'],
        ['iteration', 'ASC'],
      ],
    });
    return rows.map((r) => {
      const row = r.get({ plain: true }) as Record<string, unknown>;
      const metricsRow = (row.quality_metrics ?? {}) as Record<string, unknown>;
      const metrics: Record<string, number | null> = {};
      for (const field of METRIC_FIELDS) metrics[field] = toNumber(metricsRow[field]);
      return {
        responseId: Number(row.id),
        combinationId: Number(row.combination_id),
        iteration: Number(row.iteration),
        status: String(row.status),
        error: (row.error_message as string | null) ?? null,
        cost: toNumber(row.cost) ?? 0,
        parameters: (parseJsonValue(row.parameters) as Record<string, unknown>) ?? {},
        metrics,
      };
    });
  }

  /** The combination of the cell most recently started (the "current" one while running). */
  async latestCombinationId(batchId: number): Promise<number | undefined> {
    const row = await this.db.models.Response.findOne({
      attributes: ['combination_id'],
      where: { batch_experiment_id: batchId },
      order: [
        ['updated_at', 'DESC'],
        ['id', 'DESC'],
      ],
    });
    return row ? (row.get('combination_id') as number) : undefined;
  }

  /** Mean seconds per completed response of a model (recent ones), for duration estimates. */
  async measuredLatencySeconds(provider: string, model: string): Promise<number | undefined> {
    const rows = await this.db.models.Response.findAll({
      attributes: ['response_time'],
      where: { provider, model, status: 'completed', cached: false },
      order: [['id', 'DESC']],
      limit: 200,
      raw: true,
    });
    const times = (rows as unknown as Array<{ response_time: unknown }>)
      .map((r) => toNumber(r.response_time))
      .filter((t): t is number => t !== null);
    return times.length ? times.reduce((a, b) => a + b, 0) / times.length : undefined;
  }
}
