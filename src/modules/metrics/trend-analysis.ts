import { round } from '../../lib/numbers.js';

export interface TrendAnalysis {
  direction: 'improving' | 'declining' | 'stable' | 'insufficient_data';
  /** Change from the first to the second half of the period, in percent of the first. */
  change_percentage: number | null;
  peak_quality: number | null;
  low_quality: number | null;
}

/** Points closer than this (percent) count as stable: day-to-day noise is not a trend. */
const STABLE_BAND_PERCENT = 2;

/**
 * Compares the response-weighted mean of the first half of the points with the second half,
 * so one busy day outweighs a day with a single response.
 */
export function summarizeTrend(
  points: { average_quality: number; response_count: number }[],
): TrendAnalysis {
  if (points.length === 0) {
    return {
      direction: 'insufficient_data',
      change_percentage: null,
      peak_quality: null,
      low_quality: null,
    };
  }
  const values = points.map((p) => p.average_quality);
  const peak = Math.max(...values);
  const low = Math.min(...values);
  if (points.length < 2) {
    return {
      direction: 'insufficient_data',
      change_percentage: null,
      peak_quality: peak,
      low_quality: low,
    };
  }
  const half = Math.floor(points.length / 2);
  const weighted = (slice: typeof points) => {
    const n = slice.reduce((s, p) => s + p.response_count, 0);
    return slice.reduce((s, p) => s + p.average_quality * p.response_count, 0) / n;
  };
  const before = weighted(points.slice(0, half));
  const after = weighted(points.slice(points.length - half));
  const change = before === 0 ? 0 : ((after - before) / before) * 100;
  const direction =
    Math.abs(change) < STABLE_BAND_PERCENT ? 'stable' : change > 0 ? 'improving' : 'declining';
  return { direction, change_percentage: round(change, 1), peak_quality: peak, low_quality: low };
}
