/*
 * Which part of a time window the rollups can answer. Rollups hold whole UTC days, so a
 * window [from, to) — and a cut inside it, such as the dashboard's boundary between the
 * previous and the current period — splits into whole days read from the rollups and at most
 * a few partial "edge" days read from the raw rows (one index range scan each).
 */

const DAY_MS = 86_400_000;

export interface WindowSplit {
  /** Rollup days from this one (inclusive, `YYYY-MM-DD`); none: unbounded. */
  fromDay?: string;
  /** Rollup days before this one (exclusive); none: unbounded. */
  toDay?: string;
  /** Days inside [fromDay, toDay) that the rollups must skip: the raw intervals cover them. */
  edgeDays: string[];
  /** Half-open raw intervals [from, to) covering the edge days' share of the window. */
  raw: { from: Date; to: Date }[];
}

export function dayString(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const floorDay = (d: Date) => Math.floor(d.getTime() / DAY_MS) * DAY_MS;
const ceilDay = (d: Date) => Math.ceil(d.getTime() / DAY_MS) * DAY_MS;

/** The first whole rollup day at or after `at` (the day of `at` itself when it is midnight). */
export function firstDayFrom(at: Date): string {
  return dayString(ceilDay(at));
}

/**
 * Splits [from, to) into rollup days and raw edge intervals; `cuts` are further instants
 * inside the window whose day must come from raw rows (each side of a cut is classified
 * separately).
 */
export function splitWindow(window: { from?: Date; to?: Date }, cuts: Date[] = []): WindowSplit {
  const { from, to } = window;
  const lo = from?.getTime() ?? -Infinity;
  const hi = to?.getTime() ?? Infinity;
  const edges = new Map<string, { from: Date; to: Date }>();
  for (const point of [from, to, ...cuts]) {
    if (!point || point.getTime() % DAY_MS === 0) continue;
    const start = floorDay(point);
    const a = Math.max(start, lo);
    const b = Math.min(start + DAY_MS, hi);
    const day = dayString(start);
    if (a < b && !edges.has(day)) edges.set(day, { from: new Date(a), to: new Date(b) });
  }
  return {
    ...(from ? { fromDay: dayString(ceilDay(from)) } : {}),
    ...(to ? { toDay: dayString(floorDay(to)) } : {}),
    edgeDays: [...edges.keys()].sort(),
    raw: [...edges.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v),
  };
}
