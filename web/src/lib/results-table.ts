import type { SweepResult } from './heatmap';

export interface ResultSort {
  /** A result field (`average_quality`, `combination_id`, `std_dev`) or a parameter name. */
  key: string;
  dir: 'asc' | 'desc';
}

/** Sorts sweep results by a field or parameter; missing values always sort last. */
export function sortResults<T extends SweepResult>(results: readonly T[], sort: ResultSort): T[] {
  const value = (r: T): number | null => {
    const own = (r as unknown as Record<string, unknown>)[sort.key];
    if (typeof own === 'number') return own;
    if (own === null) return null;
    return r.parameters[sort.key] ?? null;
  };
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...results].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null && vb === null) return a.combination_id - b.combination_id;
    if (va === null) return 1;
    if (vb === null) return -1;
    return va === vb ? a.combination_id - b.combination_id : (va - vb) * sign;
  });
}
