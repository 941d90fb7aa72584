/** One sweep result as the batch results API returns it (the fields the heatmap reads). */
export interface SweepResult {
  combination_id: number;
  parameters: Record<string, number>;
  average_quality: number | null;
}

export interface HeatmapCell {
  x: number;
  y: number;
  /** Mean of the combinations' mean quality at (x, y), over the other parameters; null if none scored. */
  value: number | null;
  /** How many combinations fall in the cell. */
  count: number;
}

export interface HeatmapMatrix {
  xs: number[];
  ys: number[];
  /** rows[yIndex][xIndex] */
  rows: HeatmapCell[][];
  min: number | null;
  max: number | null;
}

/** The parameters a sweep varies: those with more than one value across the results. */
export function sweptParameters(results: readonly SweepResult[]): string[] {
  const values = new Map<string, Set<number>>();
  for (const r of results)
    for (const [key, value] of Object.entries(r.parameters)) {
      if (!values.has(key)) values.set(key, new Set());
      values.get(key)!.add(value);
    }
  return [...values.entries()].filter(([, set]) => set.size > 1).map(([key]) => key);
}

/**
 * Mean quality over two parameters. Combinations that differ only in other parameters share
 * a cell and are averaged (unweighted: each combination counts once).
 */
export function heatmapMatrix(
  results: readonly SweepResult[],
  xParam: string,
  yParam: string,
): HeatmapMatrix {
  const xs = [
    ...new Set(
      results.map((r) => r.parameters[xParam]).filter((v): v is number => v !== undefined),
    ),
  ].sort((a, b) => a - b);
  const ys = [
    ...new Set(
      results.map((r) => r.parameters[yParam]).filter((v): v is number => v !== undefined),
    ),
  ].sort((a, b) => a - b);
  const sums = new Map<string, { sum: number; scored: number; count: number }>();
  for (const r of results) {
    const x = r.parameters[xParam];
    const y = r.parameters[yParam];
    if (x === undefined || y === undefined) continue;
    const key = `${x}|${y}`;
    const cell = sums.get(key) ?? { sum: 0, scored: 0, count: 0 };
    cell.count += 1;
    if (r.average_quality !== null) {
      cell.sum += r.average_quality;
      cell.scored += 1;
    }
    sums.set(key, cell);
  }
  let min: number | null = null;
  let max: number | null = null;
  const rows = ys.map((y) =>
    xs.map((x) => {
      const cell = sums.get(`${x}|${y}`);
      const value = cell && cell.scored > 0 ? cell.sum / cell.scored : null;
      if (value !== null) {
        min = min === null ? value : Math.min(min, value);
        max = max === null ? value : Math.max(max, value);
      }
      return { x, y, value, count: cell?.count ?? 0 };
    }),
  );
  return { xs, ys, rows, min, max };
}

/** A colour from red (low) through amber to green (high) for `value` within [min, max]. */
export function heatColor(value: number | null, min: number | null, max: number | null): string {
  if (value === null || min === null || max === null) return 'var(--surface-2)';
  const t = max === min ? 1 : (value - min) / (max - min);
  const hue = Math.round(5 + t * 125);
  return `hsl(${hue} 62% 45%)`;
}

/**
 * A multi-prompt sweep's results with the prompt as one more axis (`parameters.prompt`,
 * 1-based), so quality can be mapped over prompt × parameter. Single-prompt results are
 * returned as they are.
 */
export function withPromptAxis<T extends SweepResult & { prompt_index?: number }>(
  results: readonly T[],
  multiPrompt: boolean,
): T[] {
  if (!multiPrompt) return [...results];
  return results.map((r) =>
    r.prompt_index === undefined
      ? r
      : { ...r, parameters: { ...r.parameters, prompt: r.prompt_index + 1 } },
  );
}
