/**
 * Export templates: named field lists (the spec's `basic` and `detailed`, plus `metrics_only`)
 * that pick the columns of any format. A field is a column key (`cost`, `parameters.top_p`,
 * `coherence_score`) or one of the group names below.
 */
import { EXPORT_COLUMNS, type ExportColumn } from './export-columns.js';

export interface ExportTemplate {
  id: string;
  name: string;
  description: string;
  fields: string[];
}

export const TEMPLATES = [
  {
    id: 'basic',
    name: 'Basic Export',
    description: 'Experiment overview with key metrics',
    fields: ['id', 'name', 'quality', 'cost'],
  },
  {
    id: 'detailed',
    name: 'Detailed Analysis',
    description: 'Complete data with all metrics and responses',
    fields: ['*'],
  },
  {
    id: 'metrics_only',
    name: 'Metrics Only',
    description: 'Every quality score of every response, without content or parameters',
    fields: ['id', 'created_at', 'metrics'],
  },
] as const satisfies readonly ExportTemplate[];

export const TEMPLATE_IDS = TEMPLATES.map((t) => t.id) as [
  (typeof TEMPLATES)[number]['id'],
  ...(typeof TEMPLATES)[number]['id'][],
];
export type TemplateId = (typeof TEMPLATE_IDS)[number];

/** The template used when a request names none: everything, as the spec's `detailed`. */
export const DEFAULT_TEMPLATE: TemplateId = 'detailed';

const byGroup = (group: ExportColumn['group']) =>
  EXPORT_COLUMNS.filter((c) => c.group === group).map((c) => c.key);

/** Field names that stand for several columns, or for a column under a friendlier name. */
const FIELD_ALIASES: Record<string, string[]> = {
  name: ['experiment_name'],
  quality: ['overall_quality'],
  parameters: byGroup('parameter'),
  metrics: byGroup('metric'),
  tokens: ['token_count', 'prompt_tokens', 'completion_tokens'],
};

/** Experiment fields beyond id and name (always exported), shown when a template names them. */
export const EXPERIMENT_DETAIL_FIELDS = [
  'description',
  'prompt',
  'model',
  'provider',
  'status',
  'parameters',
  'tags',
  'user_id',
  'created_at',
  'updated_at',
] as const;

export interface ColumnSelection {
  template: TemplateId;
  columns: ExportColumn[];
  /** Which of {@link EXPERIMENT_DETAIL_FIELDS} the experiment summary carries. */
  experimentFields: string[];
}

/**
 * The columns a template selects, minus content (`include_responses=false`) and metrics
 * (`include_metrics=false`), in the catalogue's order.
 */
export function selectColumns(
  templateId: TemplateId,
  include: { responses: boolean; metrics: boolean },
): ColumnSelection {
  const template = TEMPLATES.find((t) => t.id === templateId)!;
  const fields: readonly string[] = template.fields;
  const all = fields.includes('*');
  const wanted = new Set(fields.flatMap((f) => FIELD_ALIASES[f] ?? [f]));
  const columns = EXPORT_COLUMNS.filter(
    (c) =>
      (all || wanted.has(c.key)) &&
      (include.responses || c.group !== 'content') &&
      (include.metrics || c.group !== 'metric'),
  );
  const experimentFields = EXPERIMENT_DETAIL_FIELDS.filter((f) => all || fields.includes(f));
  return { template: templateId, columns, experimentFields };
}

/** The templates as GET /api/export/templates lists them, with the columns each one yields. */
export function describeTemplates() {
  return TEMPLATES.map((t) => ({
    ...t,
    fields: [...t.fields],
    columns: selectColumns(t.id, { responses: true, metrics: true }).columns.map((c) => c.key),
  }));
}

// A misspelt field in a template would silently select nothing: fail at start-up instead.
for (const t of TEMPLATES) {
  for (const f of t.fields as readonly string[]) {
    const known =
      f === '*' ||
      f in FIELD_ALIASES ||
      EXPORT_COLUMNS.some((c) => c.key === f) ||
      (EXPERIMENT_DETAIL_FIELDS as readonly string[]).includes(f);
    if (!known) throw new Error(`Export template ${t.id} names an unknown field: ${f}`);
  }
}
