/**
 * POST /api/export/batch: one zip with a file per experiment (in the chosen format) and, when
 * asked, an analysis file comparing them.
 */
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { analysisTable, comparisonTable, type BatchAnalysis } from './batch-analysis.js';
import { writeCsv } from './csv-writer.js';
import { writeExperiment, type ExperimentExportPlan } from './experiment-export.js';
import type { ExportFormat } from './exports.schemas.js';
import { unicodeSlug } from './file-names.js';
import { writeXlsx } from './xlsx-writer.js';
import { writeZip, type ZipEntry } from './zip-writer.js';

/** `<slug>-<id>.<ext>`: the id keeps two experiments with one name apart. */
export function entryName(plan: ExperimentExportPlan, format: ExportFormat): string {
  const slug = unicodeSlug(plan.experiment.name) || 'experiment';
  return `${slug}-${plan.experiment.id}.${format}`;
}

function analysisEntry(format: ExportFormat, analysis: BatchAnalysis): ZipEntry {
  return {
    name: `analysis.${format}`,
    store: format === 'xlsx',
    write: async (sink, signal) => {
      if (format === 'csv') return writeCsv(analysisTable(analysis), sink, signal);
      if (format === 'xlsx') {
        return writeXlsx([analysisTable(analysis), comparisonTable(analysis)], sink, signal);
      }
      const source = Readable.from([JSON.stringify(analysis, null, 2)]);
      await (signal ? pipeline(source, sink, { signal }) : pipeline(source, sink));
    },
  };
}

export async function writeBatchZip(
  plans: ExperimentExportPlan[],
  format: ExportFormat,
  analysis: BatchAnalysis | undefined,
  sink: Writable,
  signal?: AbortSignal,
): Promise<void> {
  const entries: ZipEntry[] = plans.map((plan) => ({
    name: entryName(plan, format),
    store: format === 'xlsx',
    write: (file, s) => writeExperiment(format, plan, file, s),
  }));
  if (analysis) entries.push(analysisEntry(format, analysis));
  await writeZip(entries, sink, signal);
}
