import { z } from 'zod';

/** Treats `?x=` as absent, so an empty form field never becomes 0 or "". */
const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);

/** An integer from a query string, within bounds, with a default. */
export function queryInt(min: number, max: number, fallback: number) {
  return z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: `An integer between ${min} and ${max}` })
      .int(`An integer between ${min} and ${max}`)
      .min(min, `An integer between ${min} and ${max}`)
      .max(max, `An integer between ${min} and ${max}`)
      .default(fallback),
  );
}

/** A number from a query string, optional. */
export function queryNumber(min: number, max: number) {
  return z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: `A number between ${min} and ${max}` })
      .min(min, `A number between ${min} and ${max}`)
      .max(max, `A number between ${min} and ${max}`)
      .optional(),
  );
}

/** One of a fixed set of words, matched case-insensitively. */
export function queryEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.toLowerCase()) : v),
    z.enum(values, { error: `One of: ${values.join(', ')}` }).optional(),
  );
}

/** A trimmed, bounded string, optional. */
export function queryString(max: number) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.trim()) : v),
    z.string({ error: 'A single text value' }).max(max, `At most ${max} characters`).optional(),
  );
}

/**
 * A date or date-time (ISO 8601). A bare date as an upper bound means the end of that day,
 * so `date_to=2024-10-30` includes everything on the 30th.
 */
export function queryDate(bound: 'start' | 'end') {
  return z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'An ISO 8601 date such as 2024-10-30 or 2024-10-30T10:00:00Z' })
      .transform((value, ctx) => {
        const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
        const parsed = new Date(dateOnly ? `${value}T00:00:00.000Z` : value);
        if (Number.isNaN(parsed.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
          ctx.addIssue({
            code: 'custom',
            message: 'An ISO 8601 date such as 2024-10-30 or 2024-10-30T10:00:00Z',
          });
          return z.NEVER;
        }
        if (dateOnly && bound === 'end') parsed.setUTCDate(parsed.getUTCDate() + 1);
        return { at: parsed, exclusive: dateOnly && bound === 'end' };
      })
      .optional(),
  );
}

/** A positive integer id in a path. */
export const IdParamSchema = z.object({
  id: z.coerce
    .number({ error: 'A positive integer id' })
    .int('A positive integer id')
    .positive('A positive integer id')
    .max(2_147_483_647, 'A positive integer id'),
});
