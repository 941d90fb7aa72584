import { round } from '../../lib/numbers.js';
import type { ModelAggregate } from './analytics.repository.js';
import { METRIC_COLUMNS, metricLabel } from './metric-columns.js';

/** What strengths and weaknesses are derived from. */
export interface ModelProfile {
  aggregate: ModelAggregate;
  consistency: number | null;
  cost_efficiency: number | null;
  cost_per_response: number;
}

/** A dimension this many points above (below) the comparison is a strength (weakness). */
const DIMENSION_MARGIN = 3;
/** Speed and cost differences below this fraction of the others' mean are not worth saying. */
const RELATIVE_MARGIN = 0.1;
const MAX_ITEMS = 4;

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const meanOf = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * Strengths and weaknesses of one model relative to the others: each dimension against the
 * mean of the other models' means, plus speed, cost and consistency. With a single model
 * there is nothing to compare with, so its dimensions are set against its own average.
 */
export function describeProfile(
  profile: ModelProfile,
  all: ModelProfile[],
): { strengths: string[]; weaknesses: string[] } {
  const others = all.filter((p) => p !== profile);
  const items: { text: string; weight: number; good: boolean }[] = [];
  const own = profile.aggregate.metric_means;

  for (const column of METRIC_COLUMNS.slice(1)) {
    const value = own[column];
    if (value === null) continue;
    const peers = others.map((p) => p.aggregate.metric_means[column]).filter((v) => v !== null);
    const ownDimensions = METRIC_COLUMNS.slice(1)
      .map((c) => own[c])
      .filter((v): v is number => v !== null);
    const baseline = peers.length ? meanOf(peers as number[]) : meanOf(ownDimensions);
    const diff = value - baseline;
    if (Math.abs(diff) < DIMENSION_MARGIN) continue;
    const against = peers.length ? 'the other models' : 'its other dimensions';
    items.push({
      text: `${diff > 0 ? 'High' : 'Low'} ${metricLabel(column)} (${round(value, 1)} vs ${round(baseline, 1)} for ${against})`,
      weight: Math.abs(diff),
      good: diff > 0,
    });
  }

  if (others.length > 0) {
    const relative = (
      value: number | null,
      peers: (number | null)[],
      lowIsGood: boolean,
      name: (good: boolean) => string,
      unit: (v: number) => string,
    ) => {
      const known = peers.filter((v): v is number => v !== null);
      if (value === null || known.length === 0) return;
      const baseline = meanOf(known);
      if (baseline === 0 && value === 0) return;
      const change = baseline === 0 ? 1 : (value - baseline) / baseline;
      if (Math.abs(change) < RELATIVE_MARGIN) return;
      const good = lowIsGood ? change < 0 : change > 0;
      items.push({
        text: `${capitalise(name(good))} (${unit(value)} vs ${unit(baseline)} for the others)`,
        // Scaled so a 30% difference weighs like a 3-point dimension gap.
        weight: Math.abs(change) * 10,
        good,
      });
    };
    relative(
      profile.aggregate.average_response_time,
      others.map((p) => p.aggregate.average_response_time),
      true,
      (good) => (good ? 'faster responses' : 'slower response time'),
      (v) => `${round(v, 2)} s`,
    );
    relative(
      profile.cost_per_response,
      others.map((p) => p.cost_per_response),
      true,
      (good) => (good ? 'lower cost' : 'higher cost'),
      (v) => `$${round(v, 6)}`,
    );
    relative(
      profile.consistency,
      others.map((p) => p.consistency),
      false,
      (good) => (good ? 'more consistent quality' : 'less consistent quality'),
      (v) => `${round(v, 2)}`,
    );
  }

  const pick = (good: boolean) =>
    items
      .filter((i) => i.good === good)
      .sort((a, b) => b.weight - a.weight)
      .slice(0, MAX_ITEMS)
      .map((i) => i.text);
  return { strengths: pick(true), weaknesses: pick(false) };
}
