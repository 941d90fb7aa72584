/**
 * The summary a finished batch sends to its `notify` targets (webhook, email): its counts,
 * results summary and insights — the stored ones, or for a stopped batch, which keeps none,
 * the statistics of the cells it did.
 */
import { toIso } from '../../lib/numbers.js';
import { parseTargets, type BatchNotifier } from '../../notifications/notifier.js';
import type { BatchExperimentsRepository } from './batch-experiments.repository.js';
import { combinationParameters } from './batch-plan.js';
import { computeCounts } from './batch-progress.js';
import { batchInsights, resultsSummary, summarizeCombinations } from './batch-stats.js';

export async function sendBatchFinished(
  batches: BatchExperimentsRepository,
  notifier: BatchNotifier,
  batchId: number,
): Promise<void> {
  const row = await batches.findForJob(batchId);
  const targets = parseTargets(row?.notify);
  if (!row || !targets) return;
  const counts = computeCounts(
    row.combinations?.length ?? 0,
    row.iterations_per_combination,
    await batches.cellCounts(batchId),
  );
  let summary = (row.results_summary as Record<string, unknown> | null) ?? null;
  let insights = (row.insights as string[] | null) ?? null;
  if (summary === null || insights === null) {
    const cells = await batches.cells(batchId);
    const summaries = summarizeCombinations(cells, combinationParameters(row));
    summary = cells.length ? { ...resultsSummary(cells, summaries) } : null;
    insights = cells.length ? batchInsights(cells, summaries) : [];
  }
  await notifier.batchFinished(
    {
      batch_id: batchId,
      name: (row.name as string | null) ?? null,
      status: row.status,
      total_cells: counts.total_cells,
      completed_cells: counts.completed_cells,
      failed_cells: counts.failed_cells,
      results_summary: summary,
      insights,
      finished_at: toIso(row.completed_at) ?? new Date().toISOString(),
    },
    targets,
  );
}
