import type { AuthContext } from '../../lib/auth-context.js';
import { ConflictError } from '../../lib/errors.js';
import { paginate, type Pagination } from '../../lib/pagination.js';
import type { BatchExperimentsRepository, BatchRow } from './batch-experiments.repository.js';
import type { BatchExperimentsService } from './batch-experiments.service.js';
import type { BatchAction, ResultsQuery } from './batch-experiments.schemas.js';
import { combinationParameters } from './batch-plan.js';
import type { BatchRunner } from './batch-runner.js';
import {
  optimalRanges,
  parameterCorrelations,
  summarizeCombinations,
  variedParameters,
  type CombinationSummary,
} from './batch-stats.js';
import type { BatchDto } from './batch.dto.js';

/** From which statuses each action may start. */
const ALLOWED_FROM: Record<BatchAction, readonly string[]> = {
  pause: ['queued', 'running'],
  resume: ['paused'],
  stop: ['queued', 'running', 'paused'],
  retry_failed: ['running', 'paused', 'completed', 'failed', 'stopped'],
};

/** Pause / resume / stop / retry_failed, and the per-combination results. */
export class BatchControlService {
  constructor(
    private readonly batches: BatchExperimentsRepository,
    private readonly service: BatchExperimentsService,
    private readonly runner: BatchRunner,
  ) {}

  async control(auth: AuthContext, id: number, action: BatchAction): Promise<BatchDto> {
    const row = await this.service.find(auth, id);
    const conflict = () =>
      new ConflictError(`Cannot ${action.replace('_', ' ')} a batch that is ${row.status}`, {
        status: row.status,
        action,
        allowed_from: ALLOWED_FROM[action],
      });
    if (!ALLOWED_FROM[action].includes(row.status)) throw conflict();
    switch (action) {
      case 'pause':
        // In-flight cells finish; waiting ones are removed and come back on resume.
        if (
          !(await this.batches.transition(id, ALLOWED_FROM.pause, {
            status: 'paused',
            status_reason: 'Paused by the owner',
          }))
        )
          throw conflict();
        await this.runner.cancel(id);
        break;
      case 'resume':
        await this.resume(row, conflict);
        break;
      case 'stop':
        // Final: the cells done are kept, the rest are never run (status `stopped`).
        if (
          !(await this.batches.transition(id, ALLOWED_FROM.stop, {
            status: 'stopped',
            status_reason: 'Stopped by the owner',
            completed_at: new Date(),
          }))
        )
          throw conflict();
        await this.runner.cancel(id);
        this.runner.announceFinished(id);
        break;
      case 'retry_failed':
        await this.retryFailed(row, conflict);
        break;
    }
    return this.service.toDto(await this.service.find(auth, id));
  }

  private async resume(row: BatchRow, conflict: () => ConflictError): Promise<void> {
    const maxCost = row.max_cost === null ? null : Number(row.max_cost);
    if (maxCost !== null && (await this.batches.spentCost(row.id)) >= maxCost) {
      throw new ConflictError(
        `Cannot resume: the batch has spent its max_cost budget ($${maxCost})`,
        { status: row.status, max_cost: maxCost },
      );
    }
    if (
      !(await this.batches.transition(row.id, ['paused'], {
        status: 'running',
        status_reason: null,
      }))
    )
      throw conflict();
    await this.runner.enqueueUnfinished({ ...row, status: 'running' });
  }

  /** Puts only the failed cells back to pending and queues them; the batch runs again. */
  private async retryFailed(row: BatchRow, conflict: () => ConflictError): Promise<void> {
    const failed = (await this.batches.cellCounts(row.id)).some((c) => c.status === 'failed');
    if (!failed) {
      throw new ConflictError('There are no failed cells to retry', { status: row.status });
    }
    const wasPaused = row.status === 'paused';
    if (
      !(await this.batches.transition(row.id, ALLOWED_FROM.retry_failed, {
        status: wasPaused ? 'paused' : 'running',
        status_reason: wasPaused ? row.status_reason : null,
        results_summary: null,
        insights: null,
        completed_at: null,
      }))
    )
      throw conflict();
    await this.batches.resetFailedCells(row.id);
    // A paused batch keeps its reset cells pending until it is resumed.
    if (!wasPaused) await this.runner.enqueueUnfinished({ ...row, status: 'running' });
  }

  async results(
    auth: AuthContext,
    id: number,
    q: ResultsQuery,
  ): Promise<{
    batch_id: number;
    results: CombinationSummary[];
    pagination: Pagination;
    analysis: Record<string, unknown>;
  }> {
    const row = await this.service.find(auth, id);
    const cells = await this.batches.cells(id);
    const summaries = summarizeCombinations(cells, combinationParameters(row));
    const filtered = summaries.filter(
      (s) =>
        (q.prompt_index === undefined || s.prompt_index === q.prompt_index) &&
        (q.min_quality === undefined ||
          (s.average_quality !== null && s.average_quality >= q.min_quality)) &&
        (q.max_quality === undefined ||
          (s.average_quality !== null && s.average_quality <= q.max_quality)),
    );
    const order = q.order ?? (q.sort_by === 'quality' ? 'desc' : 'asc');
    const sign = order === 'asc' ? 1 : -1;
    filtered.sort((a, b) => {
      if (q.sort_by === 'quality') {
        // Unscored combinations last in both directions.
        if (a.average_quality === null || b.average_quality === null)
          return (a.average_quality === null ? 1 : 0) - (b.average_quality === null ? 1 : 0);
        const d = a.average_quality - b.average_quality;
        if (d !== 0) return sign * d;
      }
      return sign * (a.combination_id - b.combination_id);
    });
    const start = (q.page - 1) * q.limit;
    const varied = variedParameters(cells);
    return {
      batch_id: id,
      results: filtered.slice(start, start + q.limit),
      pagination: paginate(q.page, q.limit, filtered.length),
      analysis: {
        parameter_correlations: parameterCorrelations(cells),
        optimal_ranges: optimalRanges(summaries, varied),
        confidence_interval_method:
          "95% CI of the mean: mean ± t(0.975, n−1) · s / √n with the sample standard deviation s (Student's t); null below two scored iterations",
      },
    };
  }
}
