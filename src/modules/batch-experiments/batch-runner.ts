/**
 * Runs one cell (combination × iteration) of a batch and keeps the batch's status, summary and
 * events in step with the rows. Called by the `generate-cell` job handler in API and worker
 * processes alike; idempotent against the database, so a job that runs twice does no harm.
 */
import { UnrecoverableJobError } from '../../jobs/job-errors.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import { jobIdPrefix, type GenerateCellPayload, type JobPriority } from '../../jobs/queues.js';
import type { Logger } from '../../lib/logger.js';
import { round } from '../../lib/numbers.js';
import type { ProviderRegistry } from '../../llm/registry.js';
import { ProviderError } from '../../llm/types.js';
import { noopNotifier, type BatchNotifier } from '../../notifications/notifier.js';
import type { EventBus } from '../../realtime/event-bus.js';
import { BATCH_EVENTS, batchEvent } from '../../realtime/events.js';
import type { ExperimentsRepository } from '../experiments/experiments.repository.js';
import type { Parameters } from '../experiments/parameters.schema.js';
import type { QualityReport } from '../../quality/types.js';
import type { ScoringService } from '../metrics/scoring.service.js';
import type { BatchExperimentsRepository, BatchRow } from './batch-experiments.repository.js';
import { computeCounts, type BatchCounts } from './batch-progress.js';
import { batchInsights, resultsSummary, summarizeCombinations } from './batch-stats.js';
import { sendBatchFinished } from './batch-notifications.js';
import type { CellStore } from './cell-store.js';
import { combinationParameters, ranges } from './batch-plan.js';
import { cellSettings, sweptParameters } from './parameter-grid.js';

/** Statuses in which cells run; any other status makes a cell job a no-op. */
const RUNNABLE = ['queued', 'running'] as const;
/** At most one progress_update per batch per this many ms from one process. */
const PROGRESS_THROTTLE_MS = 250;
/** Batches whose static plan one process keeps in memory. */
const PLAN_CACHE_SIZE = 100; /**
 * How long a runnable status read from the database is trusted. Only runnable statuses are
 * cached: a pause or stop is seen within this time (cells already started finish anyway),
 * while a resume is seen at once, so no cell is ever skipped on stale information.
 */
const RUNNABLE_STATUS_TTL_MS = 100;

/** A batch as one process works it: its static row and the cells done before it started. */
interface Plan {
  batch: BatchRow;
  completedBefore: Set<string>;
}

export class BatchRunner {
  private readonly lastProgress = new Map<number, number>();
  /** When the counts of each batch's latest progress_update were read (performance.now()). */
  private readonly progressReadAt = new Map<number, number>();
  private readonly plans = new Map<number, Plan>();
  /** `batch.combination.failedCount` keys already announced by this process. */
  private readonly announced = new Set<string>();
  private readonly runnableStatuses = new Map<number, { status: string; until: number }>();

  constructor(
    private readonly batches: BatchExperimentsRepository,
    private readonly experiments: ExperimentsRepository,
    private readonly cells: CellStore,
    private readonly registry: ProviderRegistry,
    private readonly scoring: ScoringService,
    private readonly events: EventBus,
    private readonly jobs: JobQueue,
    private readonly logger: Logger,
    private readonly notifier: BatchNotifier = noopNotifier,
  ) {}

  /**
   * Sends the batch's `notify` targets its final summary, in the background: called once by
   * whoever won the transition to a final status (finalize, or stop). Never throws; failures
   * are logged. A process that exits meanwhile drops the notification (at most once).
   */
  announceFinished(batchId: number): void {
    void sendBatchFinished(this.batches, this.notifier, batchId).catch((err: unknown) =>
      this.logger.error({ err, batch_id: batchId }, 'batch notification failed'),
    );
  }

  /** Queues every cell of `batch` whose row is missing or unfinished. */
  async enqueueUnfinished(batch: BatchRow): Promise<number> {
    const counts = await this.batches.cellCounts(batch.id);
    const done = new Map<number, number>();
    for (const c of counts)
      if (c.status === 'completed' || c.status === 'failed')
        done.set(c.combination_id, (done.get(c.combination_id) ?? 0) + c.count);
    const payloads: GenerateCellPayload[] = [];
    for (const combo of batch.combinations ?? []) {
      const id = combo.combination_id!;
      if ((done.get(id) ?? 0) >= batch.iterations_per_combination) continue;
      for (let i = 1; i <= batch.iterations_per_combination; i += 1)
        payloads.push({ batchId: batch.id, combinationId: id, iteration: i });
    }
    // Cells already finished are skipped by the handler; queueing them again is cheap.
    if (payloads.length > 0) {
      await this.jobs.enqueueMany('generate-cell', payloads, {
        priority: batch.priority as JobPriority,
      });
    } else if ((RUNNABLE as readonly string[]).includes(batch.status)) {
      // Every cell has its row but the batch never ended: the process that finished the last
      // cell died before finalizing. Finish it now.
      const counts = computeCounts(
        batch.combinations?.length ?? 0,
        batch.iterations_per_combination,
        await this.batches.cellCounts(batch.id),
      );
      if (counts.finished) await this.finalize(batch, counts);
    }
    return payloads.length;
  }

  /** Re-queues the unfinished cells of every queued or running batch; returns how many. */
  async requeueAll(): Promise<number> {
    let n = 0;
    for (const batch of await this.batches.unfinished()) n += await this.enqueueUnfinished(batch);
    return n;
  }

  /** Removes a batch's waiting jobs; running ones finish and then find the batch not runnable. */
  cancel(batchId: number): Promise<number> {
    return this.jobs.cancel('generate-cell', { idPrefix: jobIdPrefix('generate-cell', batchId) });
  }

  /**
   * What never changes after creation (grid, prompt, model, budget…), read once per process
   * and batch: a 1,000-combination grid is too large to re-read for every cell. With it, the
   * cells completed before this process first worked the batch (a restart, a recovery), so
   * their re-queued jobs cost nothing. Completed cells never go back (retry_failed resets
   * failed ones only), so the set cannot wrongly skip a cell.
   */
  private async plan(batchId: number): Promise<Plan | undefined> {
    const cached = this.plans.get(batchId);
    if (cached) return cached;
    const [batch, completedBefore] = await Promise.all([
      this.batches.findForJob(batchId),
      this.batches.completedCellKeys(batchId),
    ]);
    if (!batch) return undefined;
    if (this.plans.size >= PLAN_CACHE_SIZE) {
      const evicted = this.plans.keys().next().value!;
      this.plans.delete(evicted);
      this.lastProgress.delete(evicted);
      this.progressReadAt.delete(evicted);
      for (const key of this.announced)
        if (key.startsWith(`${evicted}.`)) this.announced.delete(key);
    }
    const plan = { batch, completedBefore };
    this.plans.set(batchId, plan);
    return plan;
  }

  /** The batch's status, from a short-lived cache when it was runnable a moment ago. */
  private async status(batchId: number): Promise<string | undefined> {
    const cached = this.runnableStatuses.get(batchId);
    if (cached && cached.until > Date.now()) return cached.status;
    const status = await this.batches.findStatus(batchId);
    if (status && (RUNNABLE as readonly string[]).includes(status))
      this.runnableStatuses.set(batchId, { status, until: Date.now() + RUNNABLE_STATUS_TTL_MS });
    else this.runnableStatuses.delete(batchId);
    return status;
  }

  /**
   * One cell: generate, score, then store the outcome with its scores. Nothing is written
   * before then, and cells finishing together share their statements (`CellStore`), which
   * keeps a cell to one row whatever runs twice (a stalled job, a retry, retry_failed).
   */
  async runCell(payload: GenerateCellPayload, signal?: AbortSignal): Promise<void> {
    const status = await this.status(payload.batchId);
    if (status === 'completed' || status === 'failed') {
      // A job running after its batch ended is a re-run of one whose worker died between
      // writing the cell and announcing it; the batch finished meanwhile. Announce it late.
      await this.announceLate(payload);
      return;
    }
    if (!status || !(RUNNABLE as readonly string[]).includes(status)) return;
    const plan = await this.plan(payload.batchId);
    if (!plan) return;
    const { batch } = plan;
    if (plan.completedBefore.has(`${payload.combinationId}.${payload.iteration}`)) {
      // Done before: only the bookkeeping, which the run that did it may not have finished.
      await this.afterCell(batch, payload.combinationId);
      return;
    }
    if (await this.budgetExhausted(batch)) return;
    if (status === 'queued') {
      // Whoever wins the transition, the batch is running now: stop trying for a while.
      this.runnableStatuses.set(batch.id, {
        status: 'running',
        until: Date.now() + RUNNABLE_STATUS_TTL_MS,
      });
    }
    if (
      status === 'queued' &&
      (await this.batches.transition(batch.id, ['queued'], {
        status: 'running',
        started_at: new Date(),
      })) &&
      batch.experiment_id
    ) {
      // The backing experiment mirrors the batch, so experiment views show it running.
      await this.experiments.update(batch.experiment_id, { status: 'running' });
    }
    const combination = batch.combinations?.[payload.combinationId - 1];
    if (!combination || !batch.experiment_id) {
      throw new UnrecoverableJobError(
        `Batch ${batch.id} has no combination ${payload.combinationId}`,
      );
    }
    const { parameters, promptIndex } = cellSettings(combination);
    const prompt = promptIndex === undefined ? String(batch.prompt) : batch.prompts?.[promptIndex];
    if (prompt === undefined) {
      throw new UnrecoverableJobError(`Batch ${batch.id} has no prompt ${promptIndex}`);
    }
    // A multi-prompt cell records its prompt, so re-scoring and exports see the right one.
    const promptMetadata = promptIndex === undefined ? {} : { prompt, prompt_index: promptIndex };
    const resolved = this.registry.resolve(String(batch.model), batch.provider as string | null);
    const cell = {
      batch_experiment_id: batch.id,
      experiment_id: batch.experiment_id,
      combination_id: payload.combinationId,
      iteration: payload.iteration,
      provider: resolved.providerId,
      model: resolved.model,
      parameters,
    };

    let result;
    try {
      result = await resolved.provider.generate({
        prompt,
        model: resolved.model,
        parameters,
        iteration: payload.iteration,
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (signal?.aborted) throw err; // shutting down: the job runs again later
      // A provider failure (after the provider layer's retries) is an error on this cell.
      const message = err instanceof ProviderError ? err.message : 'Generation failed unexpectedly';
      if (!(err instanceof ProviderError)) this.logger.error({ err }, 'batch cell failed');
      await this.cells.store({
        ...cell,
        content: '',
        status: 'failed',
        error_message: message,
        metadata: {
          ...promptMetadata,
          provider: resolved.providerId,
          ...(err instanceof ProviderError
            ? { status: err.status ?? null, retries: err.retries, retryable: err.retryable }
            : {}),
        },
      });
      // Not stored: another run completed the cell; its bookkeeping is redone (idempotent).
      await this.afterCell(batch, payload.combinationId);
      return;
    }
    const completed = {
      ...cell,
      content: result.content,
      model: result.model,
      status: 'completed' as const,
      error_message: null,
      response_time: round(result.latencyMs / 1000, 3) ?? 0,
      cost: this.registry.catalog.cost(resolved.providerId, resolved.model, result.tokenUsage),
      token_count: result.tokenUsage.total,
      prompt_tokens: result.tokenUsage.prompt,
      completion_tokens: result.tokenUsage.completion,
      finish_reason: result.finishReason,
      cached: false,
      metadata: {
        ...result.metadata,
        token_usage_source: result.tokenUsage.source,
        ...promptMetadata,
      },
    };
    let report: QualityReport | undefined;
    let scoringError: string | undefined;
    try {
      report = await this.scoring.score({
        content: result.content,
        prompt,
        finishReason: result.finishReason,
      });
    } catch (err) {
      // A judge failure must show as an error on the cell, never as a low score.
      scoringError = err instanceof Error ? err.message : String(err);
    }
    // Undefined when another run of this job completed the cell; it may have died before its
    // bookkeeping (a SIGKILLed worker), so the counting below runs either way (idempotent).
    await this.cells.store(
      report
        ? completed
        : {
            ...completed,
            status: 'failed',
            error_message: `Quality scoring failed: ${scoringError}`,
            metadata: { ...completed.metadata, stage: 'scoring' },
          },
      report,
    );
    await this.afterCell(batch, payload.combinationId);
  }

  /** The job failed for good (attempts exhausted): record it on the cell's row. */
  async cellFailedForGood(payload: GenerateCellPayload, error: Error): Promise<void> {
    const batch = (await this.plan(payload.batchId))?.batch;
    if (!batch?.experiment_id) return;
    const combination = batch.combinations?.[payload.combinationId - 1];
    if (!combination) return;
    const { parameters, promptIndex } = cellSettings(combination);
    await this.cells.store({
      batch_experiment_id: batch.id,
      experiment_id: batch.experiment_id,
      combination_id: payload.combinationId,
      iteration: payload.iteration,
      provider: String(batch.provider ?? ''),
      model: String(batch.model),
      parameters,
      content: '',
      status: 'failed',
      error_message: `Job failed: ${error.message}`,
      metadata: {
        stage: 'job',
        ...(promptIndex === undefined ? {} : { prompt_index: promptIndex }),
      },
    });
    // Stored or already completed elsewhere: count again either way (idempotent), so a cell
    // whose worker died between its write and its events is still announced.
    await this.afterCell(batch, payload.combinationId);
  }

  private async budgetExhausted(batch: BatchRow): Promise<boolean> {
    const maxCost = batch.max_cost === null ? null : Number(batch.max_cost);
    if (maxCost === null || Number.isNaN(maxCost)) return false;
    const spent = await this.batches.spentCost(batch.id);
    if (spent < maxCost) return false;
    const paused = await this.batches.transition(batch.id, RUNNABLE, {
      status: 'paused',
      status_reason: `Budget reached: spent $${round(spent, 6)} of max_cost $${maxCost}`,
    });
    if (paused) await this.cancel(batch.id);
    return true;
  }

  /**
   * Events, budget and completion after a cell finished. Per cell this is one grouped count;
   * the batch's full per-combination counts are read only when progress is due (throttled)
   * or the batch is done, so a sweep's bookkeeping does not grow with its size per cell.
   */
  private async afterCell(batch: BatchRow, combinationId: number): Promise<void> {
    const batchId = batch.id;
    const iterations = batch.iterations_per_combination;
    const totalCells = (batch.combinations?.length ?? 0) * iterations;
    const finished = await this.cells.finishedCounts(batchId, combinationId);
    if (finished.combination === iterations)
      await this.announceCombination(batch, combinationId, finished.combinationFailed);
    const batchDone = finished.batch >= totalCells;
    const progressDue = Date.now() - (this.lastProgress.get(batchId) ?? 0) >= PROGRESS_THROTTLE_MS;
    if (!batchDone && !progressDue) {
      await this.budgetExhausted(batch);
      return;
    }
    const readAt = performance.now();
    const counts = computeCounts(
      batch.combinations?.length ?? 0,
      iterations,
      await this.batches.cellCounts(batchId),
    );
    await this.publishProgress(batchId, counts, readAt);
    if (counts.finished) {
      await this.finalize(batch, counts);
      return;
    }
    // The API computes counts from the rows; the stored counters, for whoever reads the table
    // directly, follow them with each progress update while the batch runs (never over the
    // exact figures its end writes).
    await this.batches.transition(batchId, RUNNABLE, {
      completed_combinations: counts.completed_combinations,
      failed_combinations: counts.failed_combinations,
    });
    await this.budgetExhausted(batch);
  }

  /**
   * `combination_completed`, once per process and outcome (a combination completed again by
   * retry_failed is announced again). Each cell reads after its own write, so of the last two
   * to finish at least one sees the combination complete. Across worker processes a duplicate
   * is possible: clients should treat the event as idempotent.
   */
  private async announceCombination(
    batch: BatchRow,
    combinationId: number,
    failedHere: number,
  ): Promise<void> {
    const key = `${batch.id}.${combinationId}.${failedHere}`;
    if (this.announced.has(key)) return;
    this.announced.add(key);
    const combo = batch.combinations![combinationId - 1]!;
    await this.events.publish(
      batchEvent(batch.id, BATCH_EVENTS.COMBINATION_COMPLETED, {
        combination_id: combinationId,
        ...(combo.prompt_index !== undefined ? { prompt_index: combo.prompt_index } : {}),
        parameters: sweptParameters(combo as unknown as Parameters, ranges(batch)),
        failed_iterations: failedHere,
      }),
    );
  }

  /** A re-run after the batch ended: announces the cell's combination if it is complete. */
  private async announceLate(payload: GenerateCellPayload): Promise<void> {
    const batch = (await this.plan(payload.batchId))?.batch;
    if (!batch?.combinations?.[payload.combinationId - 1]) return;
    const finished = await this.cells.finishedCounts(batch.id, payload.combinationId);
    if (finished.combination < batch.iterations_per_combination) return;
    await this.announceCombination(batch, payload.combinationId, finished.combinationFailed);
  }

  /**
   * `progress_update` from counts read at `readAt`, throttled; the final one always goes. Cells
   * finish concurrently, so counts read earlier can arrive later: they are dropped, so the
   * last progress a client sees is never older than one it saw before (after the batch ends,
   * it is the final count).
   */
  private async publishProgress(batchId: number, counts: BatchCounts, readAt: number) {
    if ((this.progressReadAt.get(batchId) ?? -Infinity) > readAt) return;
    const now = Date.now();
    if (!counts.finished && now - (this.lastProgress.get(batchId) ?? 0) < PROGRESS_THROTTLE_MS)
      return;
    this.lastProgress.set(batchId, now);
    this.progressReadAt.set(batchId, readAt);
    const { finished: _f, ...data } = counts;
    await this.events.publish(batchEvent(batchId, BATCH_EVENTS.PROGRESS_UPDATE, data));
  }

  /** All cells finished: completed (or failed when none succeeded), with summary and insights. */
  private async finalize(batch: BatchRow, counts: BatchCounts): Promise<void> {
    const cells = await this.batches.cells(batch.id);
    const summaries = summarizeCombinations(cells, combinationParameters(batch));
    const summary = resultsSummary(cells, summaries);
    const insights = batchInsights(cells, summaries);
    const status = counts.completed_cells > 0 ? 'completed' : 'failed';
    const won = await this.batches.transition(batch.id, RUNNABLE, {
      status,
      completed_combinations: counts.completed_combinations,
      failed_combinations: counts.failed_combinations,
      status_reason: status === 'failed' ? 'Every cell failed' : null,
      results_summary: summary,
      insights,
      completed_at: new Date(),
    });
    if (!won) return; // another process finalized it, or it was paused/stopped meanwhile
    if (batch.experiment_id) await this.experiments.update(batch.experiment_id, { status });
    await this.events.publish(batchEvent(batch.id, BATCH_EVENTS.INSIGHTS_GENERATED, { insights }));
    await this.events.publish(
      batchEvent(batch.id, BATCH_EVENTS.BATCH_COMPLETED, {
        status,
        results_summary: summary,
        ...counts,
      }),
    );
    this.announceFinished(batch.id);
  }
}
