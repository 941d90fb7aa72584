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

const DATE_HINT = 'An ISO 8601 date such as 2024-10-30 or 2024-10-30T10:00:00Z';

// The whole value must match: `new Date()` alone accepts "2024-10-30junk" (V8's legacy parser
// turns it into a June date) and rolls "2024-02-31" over into March.
const ISO_DATE =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Parses a strict ISO 8601 date or date-time; a date-time without an offset is UTC. */
function parseIsoDate(value: string): { at: Date; dateOnly: boolean } | undefined {
  const match = ISO_DATE.exec(value);
  if (!match) return undefined;
  const [, day, hours, minutes, seconds = '00', fraction = '', zone = 'Z'] = match;
  const midnight = new Date(`${day}T00:00:00.000Z`);
  // A calendar date that does not exist (2024-02-31) would not survive the round trip.
  if (Number.isNaN(midnight.getTime()) || midnight.toISOString().slice(0, 10) !== day) {
    return undefined;
  }
  if (hours === undefined) return { at: midnight, dateOnly: true };
  // Without an offset, `new Date()` would use the server's time zone; every date this API
  // returns is UTC, so a bare date-time is read as UTC too.
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
  const at = new Date(`${day}T${hours}:${minutes}:${seconds}${fraction.slice(0, 4)}${offset}`);
  return Number.isNaN(at.getTime()) ? undefined : { at, dateOnly: false };
}

/**
 * A date or date-time (ISO 8601; UTC unless an offset is given). A bare date as an upper bound
 * means the end of that day, so `date_to=2024-10-30` includes everything on the 30th.
 */
export function queryDate(bound: 'start' | 'end') {
  return z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.trim()) : v),
    z
      .string({ error: DATE_HINT })
      .transform((value, ctx) => {
        const parsed = parseIsoDate(value);
        if (!parsed) {
          ctx.addIssue({ code: 'custom', message: DATE_HINT });
          return z.NEVER;
        }
        const { at, dateOnly } = parsed;
        if (dateOnly && bound === 'end') at.setUTCDate(at.getUTCDate() + 1);
        return { at, exclusive: dateOnly && bound === 'end' };
      })
      .optional(),
  );
}

const ID_HINT = 'A positive integer id';

/**
 * A path parameter holding a positive integer id. Only plain digits: `Number()` would also
 * take `0x1` or `1e3`, which are not ids anyone meant.
 */
export function idParam() {
  return z
    .string({ error: ID_HINT })
    .regex(/^[1-9]\d{0,9}$/, ID_HINT)
    .transform(Number)
    .refine((n) => n <= 2_147_483_647, ID_HINT);
}

/** `/:id` routes. */
export const IdParamSchema = z.object({ id: idParam() });
