/**
 * Where sweep cells are written and counted. Cells finishing at the same time share their
 * statements (group commit): one multi-row INSERT of responses and one of their metrics, in
 * one transaction, and one count query per batch afterwards — instead of three statements
 * per cell. A cell's response and scores therefore appear together or not at all.
 */
import { UniqueConstraintError } from 'sequelize';
import type { Database } from '../../db/index.js';
import { insertRows } from '../../db/raw-write.js';
import { writeTransaction } from '../../db/write-transaction.js';
import { GroupCommit } from '../../lib/group-commit.js';
import type { QualityReport } from '../../quality/types.js';
import { metricsValues, type MetricsRepository } from '../metrics/metrics.repository.js';
import type { BatchExperimentsRepository, CellOutcome } from './batch-experiments.repository.js';

interface CellWrite {
  outcome: CellOutcome;
  /** The cell's scores, stored with it (completed cells). */
  report?: QualityReport;
}

interface CountRequest {
  batchId: number;
  combinationId: number;
}

export interface FinishedCounts {
  /** Finished cells of the batch. */
  batch: number;
  /** Finished cells of the requested combination. */
  combination: number;
  /** Failed cells of the requested combination. */
  combinationFailed: number;
}

const cellKey = (batchId: number, combinationId: number, iteration: number) =>
  `${batchId}.${combinationId}.${iteration}`;

/** Rows grouped by their column list: one multi-row INSERT needs the same columns in each. */
function byColumns<T extends Record<string, unknown>>(rows: T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const signature = Object.keys(row).sort().join(',');
    const group = groups.get(signature);
    if (group) group.push(row);
    else groups.set(signature, [row]);
  }
  return [...groups.values()];
}

export class CellStore {
  private readonly writes = new GroupCommit<CellWrite, number | undefined>((items) =>
    this.writeGroup(items),
  );
  private readonly counts = new GroupCommit<CountRequest, FinishedCounts>((requests) =>
    this.countGroup(requests),
  );

  constructor(
    private readonly db: Database,
    private readonly batches: BatchExperimentsRepository,
    private readonly metrics: MetricsRepository,
  ) {}

  /**
   * Stores a cell's outcome (and scores): answers the response id, or undefined when another
   * run of the cell completed it first — a cell stays one row whatever runs twice (a stalled
   * job, a retry, retry_failed).
   */
  store(outcome: CellOutcome, report?: QualityReport): Promise<number | undefined> {
    return this.writes.submit(report ? { outcome, report } : { outcome });
  }

  /** Finished cells of the batch and of the combination, read after the caller's own write. */
  finishedCounts(batchId: number, combinationId: number): Promise<FinishedCounts> {
    return this.counts.submit({ batchId, combinationId });
  }

  private async writeGroup(items: CellWrite[]): Promise<Array<number | undefined>> {
    try {
      return await writeTransaction(this.db, (transaction) => this.insertGroup(items, transaction));
    } catch (err) {
      if (!(err instanceof UniqueConstraintError)) throw err;
    }
    // A cell of the group has its row already (a re-run): settle each on its own.
    const ids: Array<number | undefined> = [];
    for (const { outcome, report } of items) {
      const id = await this.batches.storeCell(outcome);
      if (id !== undefined && report) await this.metrics.replace(id, report);
      ids.push(id);
    }
    return ids;
  }

  private async insertGroup(
    items: CellWrite[],
    transaction: Parameters<typeof insertRows>[4],
  ): Promise<Array<number | undefined>> {
    const now = new Date();
    const rows = items.map(({ outcome }) => ({ ...outcome, created_at: now, updated_at: now }));
    const ids = new Map<string, number>();
    for (const group of byColumns(rows)) {
      const inserted = await insertRows<{
        id: number;
        batch_experiment_id: number;
        combination_id: number;
        iteration: number;
      }>(
        this.db,
        'responses',
        group,
        ['id', 'batch_experiment_id', 'combination_id', 'iteration'],
        transaction,
      );
      for (const row of inserted)
        ids.set(cellKey(row.batch_experiment_id, row.combination_id, row.iteration), row.id);
    }
    const metricRows: Record<string, unknown>[] = [];
    const result = items.map(({ outcome, report }) => {
      const id = ids.get(
        cellKey(outcome.batch_experiment_id, outcome.combination_id, outcome.iteration),
      );
      if (id !== undefined && report)
        metricRows.push({ ...metricsValues(report), response_id: id });
      return id;
    });
    for (const group of byColumns(metricRows))
      await insertRows(this.db, 'quality_metrics', group, ['id'], transaction);
    return result;
  }

  private async countGroup(requests: CountRequest[]): Promise<FinishedCounts[]> {
    const answers = new Map<string, FinishedCounts>();
    const byBatch = new Map<number, number[]>();
    for (const { batchId, combinationId } of requests) {
      const ids = byBatch.get(batchId) ?? [];
      if (!ids.includes(combinationId)) ids.push(combinationId);
      byBatch.set(batchId, ids);
    }
    for (const [batchId, combinationIds] of byBatch) {
      const counts = await this.batches.finishedCounts(batchId, combinationIds);
      combinationIds.forEach((id, i) =>
        answers.set(`${batchId}.${id}`, {
          batch: counts.batch,
          combination: counts.combinations[i]!.finished,
          combinationFailed: counts.combinations[i]!.failed,
        }),
      );
    }
    return requests.map((r) => answers.get(`${r.batchId}.${r.combinationId}`)!);
  }
}
