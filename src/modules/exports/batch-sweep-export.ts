/**
 * Export of a batch sweep's per-combination results, computed with the batch module's own
 * statistics (mean, sample std dev, 95% CI, dimension means, correlations, optimal ranges).
 * A sweep is bounded by BATCH_MAX_CELLS, so its cells are read at once as the results API does.
 */
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { toIso } from '../../lib/numbers.js';
import { DIMENSIONS } from '../../quality/types.js';
import type { BatchRow } from '../batch-experiments/batch-experiments.repository.js';
import {
  optimalRanges,
  parameterCorrelations,
  resultsSummary,
  variedParameters,
  type Cell,
  type CombinationSummary,
} from '../batch-experiments/batch-stats.js';
import { writeCsv } from './csv-writer.js';
import { flatten } from './experiment-export.js';
import type { ExportFormat } from './exports.schemas.js';
import { staticTable, type Table } from './tables.js';
import { writeXlsx } from './xlsx-writer.js';

export interface SweepExportPlan {
  batch: BatchRow;
  cells: Cell[];
  summaries: CombinationSummary[];
  exportedAt: Date;
}

/** `{ success, data: { batch_experiment, results, analysis } }`, as the results API shapes it. */
export function sweepDocument(plan: SweepExportPlan): Record<string, unknown> {
  const b = plan.batch;
  return {
    batch_experiment: {
      id: b.id,
      name: b.name ?? null,
      description: b.description ?? null,
      prompt: b.prompt ?? null,
      provider: b.provider ?? null,
      model: b.model ?? null,
      status: b.status,
      parameter_ranges: b.parameter_ranges ?? null,
      base_parameters: b.base_parameters ?? null,
      iterations_per_combination: b.iterations_per_combination,
      total_combinations: plan.summaries.length,
      experiment_id: b.experiment_id,
      created_at: toIso(b.created_at),
      completed_at: toIso(b.completed_at),
      export_timestamp: plan.exportedAt.toISOString(),
      results_summary: resultsSummary(plan.cells, plan.summaries),
    },
    results: plan.summaries,
    analysis: {
      parameter_correlations: parameterCorrelations(plan.cells),
      optimal_ranges: optimalRanges(plan.summaries, variedParameters(plan.cells)),
    },
  };
}

/** The swept parameters, in first-seen order. */
function parameterNames(summaries: readonly CombinationSummary[]): string[] {
  return [...new Set(summaries.flatMap((s) => Object.keys(s.parameters)))];
}

function combinationsTable(plan: SweepExportPlan): Table {
  const params = parameterNames(plan.summaries);
  return staticTable(
    'Combinations',
    [
      { header: 'combination_id', type: 'number' },
      ...params.map((p) => ({ header: `parameters.${p}`, type: 'number' as const })),
      ...['average_quality', 'std_dev', 'ci95_low', 'ci95_high', 'n', 'completed', 'failed'].map(
        (header) => ({ header, type: 'number' as const }),
      ),
      ...DIMENSIONS.map((d) => ({ header: `mean_${d}`, type: 'number' as const })),
    ],
    plan.summaries.map((s) => [
      s.combination_id,
      ...params.map((p) => s.parameters[p] ?? null),
      s.average_quality,
      s.std_dev,
      s.ci95?.[0] ?? null,
      s.ci95?.[1] ?? null,
      s.n,
      s.completed,
      s.failed,
      ...DIMENSIONS.map((d) => s.metrics_breakdown[d] ?? null),
    ]),
  );
}

function iterationsTable(plan: SweepExportPlan): Table {
  const params = parameterNames(plan.summaries);
  return staticTable(
    'Iterations',
    [
      { header: 'combination_id', type: 'number' },
      { header: 'iteration', type: 'number' },
      { header: 'response_id', type: 'number' },
      ...params.map((p) => ({ header: `parameters.${p}`, type: 'number' as const })),
      { header: 'status', type: 'string' },
      { header: 'quality', type: 'number' },
      { header: 'error', type: 'string', width: 40 },
    ],
    plan.summaries.flatMap((s) =>
      s.responses.map((r) => [
        s.combination_id,
        r.iteration,
        r.response_id,
        ...params.map((p) => s.parameters[p] ?? null),
        r.status,
        r.quality,
        r.error,
      ]),
    ),
  );
}

export async function writeSweep(
  format: ExportFormat,
  plan: SweepExportPlan,
  sink: Writable,
  signal?: AbortSignal,
): Promise<void> {
  if (format === 'csv') return writeCsv(combinationsTable(plan), sink, signal);
  const document = sweepDocument(plan);
  if (format === 'xlsx') {
    const summary = staticTable(
      'Batch summary',
      [
        { header: 'field', type: 'string', width: 40 },
        { header: 'value', type: 'auto', width: 40 },
      ],
      flatten({
        ...(document.batch_experiment as Record<string, unknown>),
        analysis: document.analysis,
      }),
    );
    return writeXlsx([summary, combinationsTable(plan), iterationsTable(plan)], sink, signal);
  }
  const body = JSON.stringify({ success: true, data: document });
  const source = Readable.from([body]);
  await (signal ? pipeline(source, sink, { signal }) : pipeline(source, sink));
}
