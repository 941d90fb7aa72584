import type { CellCount } from './batch-experiments.repository.js';

/** A batch's counters, computed from its response rows (never kept as running totals). */
export interface BatchCounts {
  total_cells: number;
  completed_cells: number;
  failed_cells: number;
  /** Combinations whose every iteration finished and none failed. */
  completed_combinations: number;
  /** Combinations whose every iteration finished and at least one failed. */
  failed_combinations: number;
  /** Finished cells (completed or failed) over all cells, 0–100. */
  progress: number;
  finished: boolean;
}

export function computeCounts(
  totalCombinations: number,
  iterations: number,
  counts: readonly CellCount[],
): BatchCounts {
  const perCombination = new Map<number, { completed: number; failed: number }>();
  let completed = 0;
  let failed = 0;
  for (const c of counts) {
    const entry = perCombination.get(c.combination_id) ?? { completed: 0, failed: 0 };
    if (c.status === 'completed') {
      entry.completed += c.count;
      completed += c.count;
    } else if (c.status === 'failed') {
      entry.failed += c.count;
      failed += c.count;
    }
    perCombination.set(c.combination_id, entry);
  }
  let completedCombinations = 0;
  let failedCombinations = 0;
  for (const entry of perCombination.values()) {
    if (entry.completed + entry.failed < iterations) continue;
    if (entry.failed > 0) failedCombinations += 1;
    else completedCombinations += 1;
  }
  const total = totalCombinations * iterations;
  const done = completed + failed;
  return {
    total_cells: total,
    completed_cells: completed,
    failed_cells: failed,
    completed_combinations: completedCombinations,
    failed_combinations: failedCombinations,
    progress: total === 0 ? 100 : Math.floor((done / total) * 1000) / 10,
    finished: done >= total,
  };
}

/** "45 minutes", "2 hours 5 minutes", "less than a minute". */
export function humanDuration(seconds: number): string {
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const h = `${hours} hour${hours === 1 ? '' : 's'}`;
  return rest === 0 ? h : `${h} ${rest} minute${rest === 1 ? '' : 's'}`;
}
