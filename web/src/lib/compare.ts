/** Highest and lowest value of each metric across the compared items (nulls ignored). */
export function metricExtremes<T>(
  items: readonly T[],
  keys: readonly string[],
  valueOf: (item: T, key: string) => number | null,
): Record<string, { best: number; worst: number } | undefined> {
  const out: Record<string, { best: number; worst: number } | undefined> = {};
  for (const key of keys) {
    const values = items.map((i) => valueOf(i, key)).filter((v): v is number => v !== null);
    out[key] = values.length
      ? { best: Math.max(...values), worst: Math.min(...values) }
      : undefined;
  }
  return out;
}
