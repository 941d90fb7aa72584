/**
 * The columns an experiment export can hold, one per flattened field of a response row. CSV
 * and XLSX write them as they are; JSON nests the parameter and metric columns back into
 * `parameters` and `quality_metrics`.
 */
import { METRIC_FIELDS } from '../responses/response.dto.js';
import { ParameterFieldsSchema } from '../experiments/parameters.schema.js';

/** How a cell is typed in XLSX (and formatted in CSV). */
export type CellType = 'number' | 'string' | 'date' | 'boolean' | 'json';

/** What a column belongs to: include_responses drops `content`, include_metrics `metric`. */
export type ColumnGroup = 'response' | 'content' | 'parameter' | 'metric';

/** One response as read for export: typed values, JSON parsed, dates as Date. */
export interface ResponseRecord {
  id: number;
  experiment_id: number;
  created_at: Date;
  status: string;
  model: string | null;
  provider: string | null;
  content: string;
  response_time: number | null;
  cost: number | null;
  token_count: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  finish_reason: string | null;
  cached: boolean;
  batch_experiment_id: number | null;
  combination_id: number | null;
  iteration: number | null;
  error_message: string | null;
  parameters: Record<string, unknown> | null;
  /** Null when the response has not been scored. */
  metrics: Record<string, number | null> | null;
  calculation_method: string | null;
  scored_at: Date | null;
}

export interface ExportColumn {
  /** Header in CSV/XLSX; the field name in JSON (after the `parameters.` prefix). */
  key: string;
  type: CellType;
  group: ColumnGroup;
  value: (row: ResponseRecord, experimentName: string) => unknown;
  /** XLSX column width in characters. */
  width?: number;
}

const field =
  <K extends keyof ResponseRecord>(key: K) =>
  (row: ResponseRecord) =>
    row[key];

function plain(
  key: keyof ResponseRecord,
  type: CellType,
  width?: number,
  group: ColumnGroup = 'response',
): ExportColumn {
  return { key, type, group, value: field(key), ...(width ? { width } : {}) };
}

/** The sampling parameters every response may carry, in the API's order. */
export const PARAMETER_NAMES = Object.keys(ParameterFieldsSchema.shape);

/** Parameter keys outside the known ones, kept together as JSON so nothing is lost. */
export const OTHER_PARAMETERS_KEY = 'parameters.other';

const PARAMETER_COLUMNS: ExportColumn[] = [
  ...PARAMETER_NAMES.map((name): ExportColumn => ({
    key: `parameters.${name}`,
    type: name === 'stop' ? 'json' : 'number',
    group: 'parameter',
    value: (row) => row.parameters?.[name] ?? null,
  })),
  {
    key: OTHER_PARAMETERS_KEY,
    type: 'json',
    group: 'parameter',
    value: (row) => {
      const extra = Object.entries(row.parameters ?? {}).filter(
        ([k]) => !PARAMETER_NAMES.includes(k),
      );
      return extra.length ? Object.fromEntries(extra) : null;
    },
  },
];

const METRIC_COLUMNS: ExportColumn[] = [
  ...METRIC_FIELDS.map((name): ExportColumn => ({
    key: name,
    type: 'number',
    group: 'metric',
    value: (row) => row.metrics?.[name] ?? null,
  })),
  plain('calculation_method', 'string', 14, 'metric'),
  plain('scored_at', 'date', 20, 'metric'),
];

/** Every column, in the order exports write them. */
export const EXPORT_COLUMNS: readonly ExportColumn[] = [
  plain('id', 'number', 10),
  plain('experiment_id', 'number', 12),
  {
    key: 'experiment_name',
    type: 'string',
    group: 'response',
    value: (_r, name) => name,
    width: 30,
  },
  plain('created_at', 'date', 20),
  plain('status', 'string', 11),
  plain('model', 'string', 18),
  plain('provider', 'string', 10),
  plain('content', 'string', 80, 'content'),
  plain('response_time', 'number', 13),
  plain('cost', 'number', 10),
  plain('token_count', 'number', 11),
  plain('prompt_tokens', 'number', 13),
  plain('completion_tokens', 'number', 17),
  plain('finish_reason', 'string', 13),
  plain('cached', 'boolean', 8),
  plain('batch_experiment_id', 'number', 12),
  plain('combination_id', 'number', 12),
  plain('iteration', 'number', 9),
  plain('error_message', 'string', 30),
  ...PARAMETER_COLUMNS,
  ...METRIC_COLUMNS,
];

export const COLUMN_KEYS = EXPORT_COLUMNS.map((c) => c.key);
