/**
 * The analysis file of a batch export: summary statistics per experiment (from the SQL
 * aggregates) and a comparison across them. Pure functions over plain objects.
 */
import { round } from '../../lib/numbers.js';
import { METRIC_FIELDS } from '../responses/response.dto.js';
import type { ExperimentAggregates, ExperimentRecord } from './exports.repository.js';
import { staticTable, type Table, type TableColumn } from './tables.js';

export interface ExperimentStats {
  experiment_id: number;
  name: string;
  model: string;
  total_responses: number;
  completed_responses: number;
  failed_responses: number;
  scored_responses: number;
  average_quality: number | null;
  quality_std_dev: number | null;
  best_quality: number | null;
  worst_quality: number | null;
  total_cost: number;
  total_tokens: number;
  average_response_time: number | null;
  /** USD per scored response's quality point: total_cost / (scored × mean quality). */
  cost_per_quality_point: number | null;
  /** 1 = highest average quality; null when nothing is scored. */
  quality_rank: number | null;
  /** Points below the best experiment's average quality. */
  gap_to_best: number | null;
  metric_means: Record<string, number | null>;
}

export interface BatchAnalysis {
  generated_at: Date;
  experiments: ExperimentStats[];
  comparison: {
    best_overall: { experiment_id: number; average_quality: number } | null;
    /** For each metric, the experiment with the highest mean. */
    best_by_metric: Record<string, { experiment_id: number; mean: number } | null>;
    lowest_cost: { experiment_id: number; total_cost: number } | null;
    fastest: { experiment_id: number; average_response_time: number } | null;
    /** Best minus worst average quality among scored experiments. */
    quality_spread: number | null;
  };
}

const EMPTY: ExperimentAggregates = {
  total_responses: 0,
  completed_responses: 0,
  failed_responses: 0,
  scored_responses: 0,
  average_quality: null,
  best_quality: null,
  worst_quality: null,
  quality_std_dev: null,
  total_cost: 0,
  total_tokens: 0,
  average_response_time: null,
  first_response_at: null,
  last_response_at: null,
  metric_means: Object.fromEntries(METRIC_FIELDS.map((f) => [f, null])),
};

/** Aggregates of an experiment without responses. */
export function emptyAggregates(): ExperimentAggregates {
  return { ...EMPTY, metric_means: { ...EMPTY.metric_means } };
}

function best<T>(items: T[], score: (t: T) => number | null, lowest = false): T | undefined {
  let winner: T | undefined;
  let winnerScore = 0;
  for (const item of items) {
    const s = score(item);
    if (s === null) continue;
    if (winner === undefined || (lowest ? s < winnerScore : s > winnerScore)) {
      winner = item;
      winnerScore = s;
    }
  }
  return winner;
}

export function analyzeBatch(
  experiments: ExperimentRecord[],
  aggregates: Map<number, ExperimentAggregates>,
  generatedAt = new Date(),
): BatchAnalysis {
  const rows = experiments.map((e) => ({ e, a: aggregates.get(e.id) ?? emptyAggregates() }));
  const ranked = rows
    .filter((r) => r.a.average_quality !== null)
    .sort((x, y) => y.a.average_quality! - x.a.average_quality! || x.e.id - y.e.id);
  const top = ranked[0]?.a.average_quality ?? null;
  const stats: ExperimentStats[] = rows.map(({ e, a }) => {
    const rank = ranked.findIndex((r) => r.e.id === e.id);
    const points = a.average_quality === null ? 0 : a.scored_responses * a.average_quality;
    return {
      experiment_id: e.id,
      name: e.name,
      model: e.model,
      total_responses: a.total_responses,
      completed_responses: a.completed_responses,
      failed_responses: a.failed_responses,
      scored_responses: a.scored_responses,
      average_quality: a.average_quality,
      quality_std_dev: a.quality_std_dev,
      best_quality: a.best_quality,
      worst_quality: a.worst_quality,
      total_cost: a.total_cost,
      total_tokens: a.total_tokens,
      average_response_time: a.average_response_time,
      cost_per_quality_point: points > 0 ? round(a.total_cost / points, 8) : null,
      quality_rank: rank === -1 ? null : rank + 1,
      gap_to_best:
        top === null || a.average_quality === null ? null : round(top - a.average_quality, 2),
      metric_means: a.metric_means,
    };
  });
  const bestOverall = best(stats, (s) => s.average_quality);
  const cheapest = best(stats, (s) => (s.total_responses > 0 ? s.total_cost : null), true);
  const fastest = best(stats, (s) => s.average_response_time, true);
  const scored = stats.filter((s) => s.average_quality !== null).map((s) => s.average_quality!);
  return {
    generated_at: generatedAt,
    experiments: stats,
    comparison: {
      best_overall: bestOverall
        ? {
            experiment_id: bestOverall.experiment_id,
            average_quality: bestOverall.average_quality!,
          }
        : null,
      best_by_metric: Object.fromEntries(
        METRIC_FIELDS.map((f) => {
          const winner = best(stats, (s) => s.metric_means[f] ?? null);
          return [
            f,
            winner ? { experiment_id: winner.experiment_id, mean: winner.metric_means[f]! } : null,
          ];
        }),
      ),
      lowest_cost: cheapest
        ? { experiment_id: cheapest.experiment_id, total_cost: cheapest.total_cost }
        : null,
      fastest: fastest
        ? {
            experiment_id: fastest.experiment_id,
            average_response_time: fastest.average_response_time!,
          }
        : null,
      quality_spread: scored.length ? round(Math.max(...scored) - Math.min(...scored), 2) : null,
    },
  };
}

const STAT_COLUMNS: Array<[keyof ExperimentStats, TableColumn['type']]> = [
  ['experiment_id', 'number'],
  ['name', 'string'],
  ['model', 'string'],
  ['quality_rank', 'number'],
  ['average_quality', 'number'],
  ['gap_to_best', 'number'],
  ['quality_std_dev', 'number'],
  ['best_quality', 'number'],
  ['worst_quality', 'number'],
  ['total_responses', 'number'],
  ['completed_responses', 'number'],
  ['failed_responses', 'number'],
  ['scored_responses', 'number'],
  ['total_cost', 'number'],
  ['total_tokens', 'number'],
  ['average_response_time', 'number'],
  ['cost_per_quality_point', 'number'],
];

/** One row per experiment: its statistics and the mean of every metric. */
export function analysisTable(analysis: BatchAnalysis): Table {
  const metricHeaders = METRIC_FIELDS.map((f) => `mean_${f}`);
  return staticTable(
    'Experiments',
    [
      ...STAT_COLUMNS.map(([key, type]) => ({ header: key, type })),
      ...metricHeaders.map((header) => ({ header, type: 'number' as const })),
    ],
    analysis.experiments.map((s) => [
      ...STAT_COLUMNS.map(([key]) => s[key]),
      ...METRIC_FIELDS.map((f) => s.metric_means[f] ?? null),
    ]),
  );
}

/** The comparison as `what / experiment_id / value` rows. */
export function comparisonTable(analysis: BatchAnalysis): Table {
  const c = analysis.comparison;
  const rows: unknown[][] = [
    [
      'best_overall',
      c.best_overall?.experiment_id ?? null,
      c.best_overall?.average_quality ?? null,
    ],
    ...METRIC_FIELDS.map((f) => [
      `best_${f}`,
      c.best_by_metric[f]?.experiment_id ?? null,
      c.best_by_metric[f]?.mean ?? null,
    ]),
    ['lowest_cost', c.lowest_cost?.experiment_id ?? null, c.lowest_cost?.total_cost ?? null],
    ['fastest', c.fastest?.experiment_id ?? null, c.fastest?.average_response_time ?? null],
    ['quality_spread', null, c.quality_spread],
  ];
  return staticTable(
    'Comparison',
    [
      { header: 'comparison', type: 'string', width: 28 },
      { header: 'experiment_id', type: 'number' },
      { header: 'value', type: 'number' },
    ],
    rows,
  );
}
