import { z } from 'zod';
import { idParam, queryDate } from '../../lib/query-params.js';
import { TEMPLATE_IDS } from './templates.js';

export const EXPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Most experiments one batch export may bundle: each one is a full export in the archive. */
export const MAX_BATCH_EXPORT_IDS = 50;

const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);

/** A boolean query flag: true/false, 1/0, yes/no (any case); absent means `fallback`. */
function queryBoolean(fallback: boolean) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.trim().toLowerCase()) : v),
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'true or false' })
      .optional()
      .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1' || v === 'yes')),
  );
}

const formatQuery = z.preprocess(
  (v) => (typeof v === 'string' ? blankToUndefined(v.trim().toLowerCase()) : v),
  z.enum(EXPORT_FORMATS, { error: `One of: ${EXPORT_FORMATS.join(', ')}` }).default('json'),
);

const templateQuery = z.preprocess(
  (v) => (typeof v === 'string' ? blankToUndefined(v.trim().toLowerCase()) : v),
  z
    .enum(TEMPLATE_IDS, {
      error: `Unknown template; valid templates: ${TEMPLATE_IDS.join(', ')} (GET /api/export/templates)`,
    })
    .optional(),
);

const DATE_RANGE_HINT =
  'Two ISO 8601 dates separated by a comma ("2024-10-01,2024-10-31"; either side may be empty) or a JSON object {"from": "...", "to": "..."}';

/** The spec's `date_range` "object" as a query string: `from,to` or `{"from":…,"to":…}`. */
const dateRangeQuery = z.preprocess(
  // An `extended` query parser (qs) would hand `date_range[from]=…` over as an object.
  (v) =>
    typeof v === 'string'
      ? blankToUndefined(v.trim())
      : v && typeof v === 'object' && !Array.isArray(v)
        ? JSON.stringify(v)
        : v,
  z
    .string({ error: DATE_RANGE_HINT })
    .transform((value, ctx) => {
      let from: unknown;
      let to: unknown;
      if (value.startsWith('{')) {
        try {
          const parsed = JSON.parse(value) as Record<string, unknown>;
          from = parsed.from ?? parsed.start;
          to = parsed.to ?? parsed.end;
        } catch {
          ctx.addIssue({ code: 'custom', message: DATE_RANGE_HINT });
          return z.NEVER;
        }
      } else {
        const parts = value.split(/,|\.\./);
        if (parts.length !== 2) {
          ctx.addIssue({ code: 'custom', message: DATE_RANGE_HINT });
          return z.NEVER;
        }
        [from, to] = parts.map((p) => p.trim());
      }
      const start = queryDate('start').safeParse(from ?? undefined);
      const end = queryDate('end').safeParse(to ?? undefined);
      if (!start.success || !end.success) {
        ctx.addIssue({ code: 'custom', message: DATE_RANGE_HINT });
        return z.NEVER;
      }
      return { from: start.data, to: end.data };
    })
    .optional(),
);

type Bound = { at: Date; exclusive: boolean } | undefined;

/** Whether `from` is not after `to` (a bare-date `to` is the next midnight, exclusive). */
function ordered(from: Bound, to: Bound): boolean {
  if (!from || !to) return true;
  return to.exclusive ? from.at < to.at : from.at <= to.at;
}

const windowFields = {
  date_from: queryDate('start').describe('Responses created at or after this date (ISO 8601)'),
  date_to: queryDate('end').describe(
    'Responses created at or before this date; a bare date includes that whole day',
  ),
  date_range: dateRangeQuery.describe(
    `The spec's date_range: ${DATE_RANGE_HINT}; also accepted as date_range[from] / date_range[to]`,
  ),
  'date_range[from]': queryDate('start').describe('Same as date_from'),
  'date_range[to]': queryDate('end').describe('Same as date_to'),
};

export const ExportQuerySchema = z
  .object({
    format: formatQuery,
    include_responses: queryBoolean(true).describe(
      'Include the full response content (default true)',
    ),
    include_metrics: queryBoolean(true).describe('Include the quality metrics (default true)'),
    template: templateQuery.describe(`One of: ${TEMPLATE_IDS.join(', ')} (default detailed)`),
    ...windowFields,
  })
  .refine(
    (q) =>
      !(q.date_range || q['date_range[from]'] || q['date_range[to]']) ||
      !(q.date_from || q.date_to),
    {
      message: 'Give either date_from/date_to or date_range, not both',
      path: ['date_range'],
    },
  )
  .refine((q) => ordered(resolveWindow(q).from, resolveWindow(q).to), {
    message: 'date_from must not be after date_to',
    path: ['date_from'],
  });
export type ExportQuery = z.infer<typeof ExportQuerySchema>;

/** Responses created within [from, to] (a bare-date `to` is exclusive of the next midnight). */
export interface DateWindow {
  from?: { at: Date; exclusive: boolean };
  to?: { at: Date; exclusive: boolean };
}

/** The one date window of a query, from whichever spelling the client used. */
export function resolveWindow(q: {
  date_from?: Bound;
  date_to?: Bound;
  date_range?: { from: Bound; to: Bound } | undefined;
  'date_range[from]'?: Bound;
  'date_range[to]'?: Bound;
}): DateWindow {
  const from = q.date_from ?? q.date_range?.from ?? q['date_range[from]'];
  const to = q.date_to ?? q.date_range?.to ?? q['date_range[to]'];
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

export const ExperimentIdParamSchema = z.object({ experimentId: idParam() });

export const BatchExportBodySchema = z.object({
  experiment_ids: z
    .array(z.number({ error: 'Experiment ids (integers)' }).int().positive(), {
      error: 'A list of experiment ids',
    })
    .min(1, 'At least one experiment id')
    .max(
      MAX_BATCH_EXPORT_IDS,
      `At most ${MAX_BATCH_EXPORT_IDS} experiments per batch export; split larger exports`,
    )
    .transform((ids) => [...new Set(ids)]),
  format: z.enum(EXPORT_FORMATS, { error: `One of: ${EXPORT_FORMATS.join(', ')}` }).default('json'),
  include_analysis: z.boolean({ error: 'true or false' }).default(false),
  include_responses: z.boolean({ error: 'true or false' }).default(true),
  include_metrics: z.boolean({ error: 'true or false' }).default(true),
  template: z
    .enum(TEMPLATE_IDS, {
      error: `Unknown template; valid templates: ${TEMPLATE_IDS.join(', ')}`,
    })
    .optional(),
  compression: z
    .enum(['zip'], { error: 'Only "zip" is supported: every batch export is one zip archive' })
    .default('zip'),
});
export type BatchExportBody = z.infer<typeof BatchExportBodySchema>;

export const BatchExperimentExportQuerySchema = z.object({ format: formatQuery });
