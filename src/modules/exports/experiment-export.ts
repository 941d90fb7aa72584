/**
 * One experiment's export in each format: the spec's JSON document, a flat CSV (one row per
 * response) and a workbook with Summary, Responses and Metrics sheets. Rows flow page by page
 * from the repository's keyset reader to the writer.
 */
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { writeCsv } from './csv-writer.js';
import {
  EXPORT_COLUMNS,
  OTHER_PARAMETERS_KEY,
  type ExportColumn,
  type ResponseRecord,
} from './export-columns.js';
import type { ExperimentAggregates, ExperimentRecord } from './exports.repository.js';
import type { DateWindow, ExportFormat } from './exports.schemas.js';
import { staticTable, type Table } from './tables.js';
import type { ColumnSelection } from './templates.js';
import { writeXlsx } from './xlsx-writer.js';

export interface ExperimentExportPlan {
  experiment: ExperimentRecord;
  aggregates: ExperimentAggregates;
  selection: ColumnSelection;
  window: DateWindow;
  include: { responses: boolean; metrics: boolean };
  exportedAt: Date;
  /**
   * The selected responses, a page at a time; stops reading when `signal` aborts.
   * `content: false` skips reading the content (a pass that does not write it).
   */
  pages(signal?: AbortSignal, options?: { content: boolean }): AsyncIterable<ResponseRecord[]>;
}

/** The spec's `experiment` block: the experiment, export_timestamp and export metadata. */
export function experimentSummary(
  plan: ExperimentExportPlan,
  format: ExportFormat,
): Record<string, unknown> {
  const { experiment: e, aggregates: a } = plan;
  const details = Object.fromEntries(
    plan.selection.experimentFields.map((f) => [f, e[f as keyof ExperimentRecord]]),
  );
  return {
    id: e.id,
    name: e.name,
    ...details,
    export_timestamp: plan.exportedAt,
    metadata: {
      total_responses: a.total_responses,
      average_quality: a.average_quality,
      export_format: format,
      template: plan.selection.template,
      include_responses: plan.include.responses,
      include_metrics: plan.include.metrics,
      date_from: plan.window.from?.at ?? null,
      date_to: plan.window.to?.at ?? null,
      date_to_exclusive: plan.window.to?.exclusive ?? null,
      completed_responses: a.completed_responses,
      failed_responses: a.failed_responses,
      scored_responses: a.scored_responses,
      best_quality: a.best_quality,
      worst_quality: a.worst_quality,
      quality_std_dev: a.quality_std_dev,
      total_cost: a.total_cost,
      total_tokens: a.total_tokens,
      average_response_time: a.average_response_time,
      ...(plan.include.metrics ? { metric_means: a.metric_means } : {}),
      columns: plan.selection.columns.map((c) => c.key),
    },
  };
}

/** One response as the JSON export shows it: parameters and metrics nested again. */
export function jsonResponse(
  row: ResponseRecord,
  columns: readonly ExportColumn[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let parameters: Record<string, unknown> | undefined;
  let metrics: Record<string, unknown> | undefined;
  for (const c of columns) {
    if (c.group === 'parameter') {
      parameters ??= {};
      const source = row.parameters ?? {};
      if (c.key === OTHER_PARAMETERS_KEY) Object.assign(parameters, c.value(row, '') ?? {});
      else {
        const name = c.key.slice('parameters.'.length);
        if (name in source) parameters[name] = source[name];
      }
    } else if (c.group === 'metric') {
      metrics ??= {};
      metrics[c.key] = c.value(row, '');
    } else if (c.key !== 'experiment_name') {
      // The experiment's name is in the `experiment` block once, not on every response.
      out[c.key] = c.value(row, '');
    }
  }
  if (parameters) out.parameters = row.parameters === null ? null : parameters;
  if (metrics) out.quality_metrics = row.metrics === null ? null : metrics;
  return out;
}

async function* jsonChunks(
  plan: ExperimentExportPlan,
  signal?: AbortSignal,
): AsyncGenerator<string> {
  const head = JSON.stringify({ experiment: experimentSummary(plan, 'json') });
  yield `{"success":true,"data":${head.slice(0, -1)},"responses":[`;
  let first = true;
  for await (const page of plan.pages(signal)) {
    const body = page.map((r) => JSON.stringify(jsonResponse(r, plan.selection.columns)));
    yield (first ? '' : ',') + body.join(',');
    first = false;
  }
  yield ']}}';
}

/** The spec's JSON document, `{ success, data: { experiment, responses } }`, streamed. */
export async function writeExperimentJson(
  plan: ExperimentExportPlan,
  sink: Writable,
  signal?: AbortSignal,
): Promise<void> {
  const source = Readable.from(jsonChunks(plan, signal), { objectMode: false });
  await (signal ? pipeline(source, sink, { signal }) : pipeline(source, sink));
}

/** Nested objects as `a.b` rows of a two-column Field / Value table. */
export function flatten(value: Record<string, unknown>, prefix = ''): unknown[][] {
  return Object.entries(value).flatMap(([key, v]) =>
    v !== null && typeof v === 'object' && !(v instanceof Date) && !Array.isArray(v)
      ? flatten(v as Record<string, unknown>, `${prefix}${key}.`)
      : [[`${prefix}${key}`, v]],
  );
}

function responseTable(
  name: string,
  plan: ExperimentExportPlan,
  columns: readonly ExportColumn[],
  signal?: AbortSignal,
  firstHeader?: string,
): Table {
  const experimentName = plan.experiment.name;
  const content = columns.some((c) => c.group === 'content');
  return {
    name,
    columns: columns.map((c, i) => ({
      header: i === 0 && firstHeader ? firstHeader : c.key,
      type: c.type,
      ...(c.width ? { width: c.width } : {}),
    })),
    pages: (async function* () {
      for await (const page of plan.pages(signal, { content }))
        yield page.map((r) => columns.map((c) => c.value(r, experimentName)));
    })(),
  };
}

/** CSV: every selected column, one row per response. */
export async function writeExperimentCsv(
  plan: ExperimentExportPlan,
  sink: Writable,
  signal?: AbortSignal,
): Promise<void> {
  await writeCsv(responseTable('responses', plan, plan.selection.columns, signal), sink, signal);
}

/** The workbook's sheets; Responses and Metrics each read the responses once, in turn. */
export function experimentSheets(plan: ExperimentExportPlan, signal?: AbortSignal): Table[] {
  const summary = staticTable(
    'Experiment summary',
    [
      { header: 'field', type: 'string', width: 32 },
      { header: 'value', type: 'auto', width: 60 },
    ],
    flatten(experimentSummary(plan, 'xlsx')),
  );
  const cols = plan.selection.columns;
  const metricCols = cols.filter((c) => c.group === 'metric');
  // Metric rows always carry the response id, whatever the template, so they can be joined.
  const idColumn = EXPORT_COLUMNS.find((c) => c.key === 'id')!;
  const sheets = [
    summary,
    responseTable(
      'Responses',
      plan,
      cols.filter((c) => c.group !== 'metric'),
      signal,
    ),
  ];
  if (metricCols.length > 0) {
    // A sheet is one zip entry written in one go, so the metrics take a second pass over
    // the responses rather than an interleaved one that would buffer a whole sheet.
    sheets.push(responseTable('Metrics', plan, [idColumn, ...metricCols], signal, 'response_id'));
  }
  return sheets;
}

export async function writeExperimentXlsx(
  plan: ExperimentExportPlan,
  sink: Writable,
  signal?: AbortSignal,
): Promise<void> {
  await writeXlsx(experimentSheets(plan, signal), sink, signal);
}

/** Writes the experiment in `format` to `sink`. */
export function writeExperiment(
  format: ExportFormat,
  plan: ExperimentExportPlan,
  sink: Writable,
  signal?: AbortSignal,
): Promise<void> {
  switch (format) {
    case 'csv':
      return writeExperimentCsv(plan, sink, signal);
    case 'xlsx':
      return writeExperimentXlsx(plan, sink, signal);
    default:
      return writeExperimentJson(plan, sink, signal);
  }
}
