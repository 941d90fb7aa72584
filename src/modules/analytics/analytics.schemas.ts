import { z } from 'zod';
import { ValidationError } from '../../lib/errors.js';
import { queryDate, queryEnum, queryString } from '../../lib/query-params.js';
import { METRIC_NAME_CHOICES } from '../metrics/metric-names.js';
import { TUNED_PARAMETERS } from '../metrics/parameter-insights.js';
import { toMetricColumn } from './metric-columns.js';

export const DASHBOARD_PERIODS = ['24h', '7d', '30d', '90d', 'all'] as const;
export type DashboardPeriod = (typeof DASHBOARD_PERIODS)[number];

const LIST_MAX = 50;

/**
 * A list from a query string: `a,b`, `x=a&x=b`, or both. Trimmed, de-duplicated and sorted,
 * so equal lists make equal cache keys.
 */
function queryList(what: string) {
  return z.preprocess(
    (v) => {
      if (v === undefined || v === '') return undefined;
      const items = (Array.isArray(v) ? v : [v]).flatMap((item) =>
        typeof item === 'string' ? item.split(',') : [item],
      );
      return items;
    },
    z
      .array(
        z
          .string({ error: `${what}: text values` })
          .trim()
          .min(1)
          .max(128),
        {
          error: `${what}: a comma-separated list`,
        },
      )
      .max(LIST_MAX, `At most ${LIST_MAX} values`)
      .transform((items) => [...new Set(items.filter(Boolean))].sort())
      .optional(),
  );
}

const parameter = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
  z.enum(TUNED_PARAMETERS, { error: `One of: ${TUNED_PARAMETERS.join(', ')}` }),
);

/** A metric in any accepted spelling, as its quality_metrics column. */
const metric = z.string({ error: 'A metric name' }).transform((value, ctx) => {
  const column = toMetricColumn(value);
  if (!column) {
    ctx.addIssue({ code: 'custom', message: `One of: ${METRIC_NAME_CHOICES.join(', ')}` });
    return z.NEVER;
  }
  return column;
});

/**
 * Dates: `date_from` / `date_to`, or the spec's `date_range` as `FROM,TO` (either end may be
 * empty) — also `date_range[from]` / `date_range[to]`, which is how the object of the spec
 * arrives through a plain query string.
 */
const dateFields = {
  date_from: queryDate('start').describe('Start (inclusive), ISO 8601'),
  date_to: queryDate('end').describe('End (inclusive for a bare date), ISO 8601'),
  date_range: queryString(80).describe(
    'The spec\'s date range as "FROM,TO", e.g. 2024-10-01,2024-10-31',
  ),
  'date_range[from]': queryString(40),
  'date_range[to]': queryString(40),
};

export const DashboardQuerySchema = z.object({
  period: queryEnum(DASHBOARD_PERIODS)
    .default('30d')
    .describe('24h, 7d, 30d, 90d or all; trends compare with the period before'),
  models: queryList('models').describe('Only these models (comma-separated or repeated)'),
  experiment_types: queryList('experiment_types').describe(
    'Only experiments with any of these tags (comma-separated or repeated)',
  ),
});
export type DashboardQuery = z.infer<typeof DashboardQuerySchema>;

export const ParameterAnalysisQuerySchema = z.object({
  parameter: parameter.describe('The parameter to analyse'),
  model: queryString(128),
  ...dateFields,
});
export type ParameterAnalysisQuery = z.infer<typeof ParameterAnalysisQuerySchema>;

export const ModelComparisonQuerySchema = z.object({
  models: queryList('models').describe('Only these models (default: every model with responses)'),
  ...dateFields,
});
export type ModelComparisonQuery = z.infer<typeof ModelComparisonQuerySchema>;

export const ParameterCurveQuerySchema = z.object({
  parameter: parameter.describe('The parameter on the x axis'),
  metric: z
    .preprocess((v) => (v === '' || v === undefined ? 'overall_quality' : v), metric)
    .describe('The metric on the y axis (default overall_quality)'),
  model: queryString(128),
  ...dateFields,
});
export type ParameterCurveQuery = z.infer<typeof ParameterCurveQuerySchema>;

const parameterValues = z
  .object(
    Object.fromEntries(
      TUNED_PARAMETERS.map((p) => [p, z.number({ error: `${p}: a number` }).optional()]),
    ) as Record<(typeof TUNED_PARAMETERS)[number], z.ZodOptional<z.ZodNumber>>,
  )
  .strict();

const ConfigSideSchema = z
  .object({
    model: z.string().trim().min(1).max(128).optional(),
    parameters: parameterValues.optional(),
    experiment_ids: z
      .array(z.number().int().positive(), { error: 'A list of experiment ids' })
      .min(1)
      .max(100)
      .optional(),
  })
  .refine(
    (s) =>
      s.model !== undefined ||
      Object.values(s.parameters ?? {}).some((v) => v !== undefined) ||
      s.experiment_ids !== undefined,
    { message: 'Describe the configuration: model, parameters and/or experiment_ids' },
  );
export type ConfigSide = z.infer<typeof ConfigSideSchema>;

export const CompareConfigsBodySchema = z.object({
  a: ConfigSideSchema,
  b: ConfigSideSchema,
  metric: metric.default('overall_quality'),
  date_from: z.iso.datetime({ offset: true, error: 'An ISO 8601 date-time' }).optional(),
  date_to: z.iso.datetime({ offset: true, error: 'An ISO 8601 date-time' }).optional(),
});
export type CompareConfigsBody = z.infer<typeof CompareConfigsBodySchema>;

type DateFields = {
  date_from?: { at: Date; exclusive: boolean } | undefined;
  date_to?: { at: Date; exclusive: boolean } | undefined;
  date_range?: string | undefined;
  'date_range[from]'?: string | undefined;
  'date_range[to]'?: string | undefined;
};

/** One date through the same strict parser as date_from/date_to, or a 400 naming the field. */
function parseBound(value: string, bound: 'start' | 'end', field: string): Date {
  const parsed = queryDate(bound).safeParse(value);
  if (!parsed.success || !parsed.data) {
    throw new ValidationError(`${field}: an ISO 8601 date such as 2024-10-30`, {
      field,
      value,
      expected: 'An ISO 8601 date or date-time',
    });
  }
  return parsed.data.at;
}

/** The half-open window [from, to) a query asks for, from whichever date fields it used. */
export function resolveDateRange(query: DateFields): { from?: Date; to?: Date } {
  let from = query.date_from?.at;
  let to = query.date_to?.at;
  const [rangeFrom, rangeTo] = query.date_range
    ? query.date_range.split(/,|\.\./).map((s) => s.trim())
    : [query['date_range[from]'], query['date_range[to]']];
  if ((rangeFrom || rangeTo) && (from || to)) {
    throw new ValidationError('Give either date_from/date_to or date_range, not both', {
      field: 'date_range',
    });
  }
  if (rangeFrom) from = parseBound(rangeFrom, 'start', 'date_range');
  if (rangeTo) to = parseBound(rangeTo, 'end', 'date_range');
  if (from && to && from >= to) {
    throw new ValidationError('The start of the date range must be before its end', {
      field: 'date_from',
      value: from.toISOString(),
      expected: `Before ${to.toISOString()}`,
    });
  }
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}
