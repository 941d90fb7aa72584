/**
 * JSON text for a JSON Schema (the OpenAPI 3.0 dialect zod-to-openapi emits): values that
 * satisfy the schema, values on and just past its bounds, and — in any position — hostile
 * values from `hostile-values.ts` and prototype-pollution keys. JSON text rather than objects,
 * so a `__proto__` key reaches the server as an own property.
 */
import fc from 'fast-check';
import {
  hostileJsonText,
  hostileString,
  INJECTIONS,
  NAN_ISH,
  ODD_UNICODE,
  POLLUTION_KEYS,
} from './hostile-values.js';

export interface JsonSchema {
  type?: string;
  $ref?: string;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

export interface SchemaContext {
  /** `components.schemas` of the document, for `$ref`. */
  components: Record<string, JsonSchema>;
  /**
   * Valid JSON text for body properties by name (`model`, `response_ids`…): a random string is
   * never a known model and a random id never the caller's, so without these most valid
   * requests would stop at the first lookup.
   */
  bodyHints?: Record<string, fc.Arbitrary<string>>;
  /** The same for query parameters, as plain strings. */
  queryHints?: Record<string, fc.Arbitrary<string>>;
}

const MAX_DEPTH = 6;
/** Long enough to cross every `maxLength` in the API but the 100 000-character prompt. */
const LONGEST_STRING = 20_000;

const isoDate = fc
  .date({
    min: new Date('1970-01-01T00:00:00Z'),
    max: new Date('2100-01-01T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString());

/** Hostile strings that still fit a length range: injection and odd unicode as valid text. */
function fittingHostile(min: number, max: number): fc.Arbitrary<string> | undefined {
  const fitting = [...INJECTIONS, ...ODD_UNICODE, ...NAN_ISH, ...POLLUTION_KEYS].filter(
    (v) => v.length >= min && v.length <= max && !v.includes('\u0000'),
  );
  return fitting.length ? fc.constantFrom(...fitting) : undefined;
}

function stringValue(schema: JsonSchema, hostile: boolean, nameHint = ''): fc.Arbitrary<string> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as string[]));
  if (schema.format === 'date-time' || schema.format === 'date' || /date/.test(nameHint))
    return isoDate;
  if (schema.format === 'email') return fc.emailAddress();
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 60, 60);
  const options: fc.Arbitrary<string>[] = [];
  const odd = schema.pattern ? undefined : fittingHostile(min, schema.maxLength ?? 10_000);
  if (odd) options.push(odd);
  if (schema.pattern) {
    try {
      options.push(fc.stringMatching(new RegExp(schema.pattern)));
    } catch {
      // A pattern JavaScript cannot compile: plain strings only.
    }
  }
  if (options.length === 0 && min <= max)
    options.push(fc.string({ minLength: min, maxLength: max }));
  // The boundaries: exactly the longest allowed, and (hostile) one past it.
  if (schema.maxLength !== undefined && schema.maxLength <= LONGEST_STRING && !schema.pattern) {
    options.push(fc.constant('x'.repeat(schema.maxLength)));
    if (hostile) options.push(fc.constant('y'.repeat(schema.maxLength + 1)));
  }
  if (hostile && min > 0) options.push(fc.constant('z'.repeat(min - 1)));
  return fc.oneof(...(options.length ? options : [fc.string()]));
}

function numberValue(schema: JsonSchema, integer: boolean, hostile: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? (integer ? -(2 ** 31) : -1e9);
  const max = schema.maximum ?? (integer ? 2 ** 31 : 1e9);
  const inRange = integer
    ? fc.integer({
        min: Math.max(min, Number.MIN_SAFE_INTEGER),
        max: Math.min(max, Number.MAX_SAFE_INTEGER),
      })
    : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  const bounds = hostile
    ? [min, max, min - (integer ? 1 : 0.001), max + (integer ? 1 : 0.001)]
    : [min, max];
  return fc.oneof(
    { weight: 3, arbitrary: inRange },
    { weight: 1, arbitrary: fc.constantFrom(...bounds) },
  );
}

function resolve(schema: JsonSchema, ctx: SchemaContext): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.split('/').pop() ?? '';
  return ctx.components[name] ?? {};
}

/** Key text for an object entry (JSON-escaped). */
const key = (name: string) => JSON.stringify(name);

function objectValue(
  schema: JsonSchema,
  ctx: SchemaContext,
  depth: number,
  hostile: boolean,
): fc.Arbitrary<string> {
  const properties = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const entries = properties.map(([name, prop]) => {
    const hint = ctx.bodyHints?.[name];
    const generated = jsonFor(prop, ctx, depth + 1, hostile);
    const value = hint ? (hostile ? fc.oneof(hint, generated) : hint) : generated;
    // Required keys are always there in valid input (9 times in 10 in hostile input),
    // optional ones half the time.
    const presence = required.has(name) ? (hostile ? 0.9 : 1.1) : 0.5;
    return fc
      .tuple(fc.double({ min: 0, max: 1, noNaN: true }), value)
      .map(([roll, text]) => (roll < presence ? `${key(name)}:${text}` : undefined));
  });
  const additional =
    schema.additionalProperties && typeof schema.additionalProperties === 'object'
      ? jsonFor(schema.additionalProperties, ctx, depth + 1, hostile)
      : fc.constant('1');
  const open = schema.additionalProperties !== undefined && schema.additionalProperties !== false;
  const extras = fc.array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(...POLLUTION_KEYS),
        fc.constantFrom('$gt', '$where', 'extra'),
        hostileString,
      ),
      fc.oneof(additional, hostileJsonText),
    ),
    // Valid input only gets extra keys where the schema allows them.
    { maxLength: hostile || open ? 2 : 0 },
  );
  return fc.tuple(fc.tuple(...entries), extras).map(([known, more]) => {
    const parts = [
      ...known.filter((e): e is string => e !== undefined),
      ...more.map(([name, text]) => `${key(name)}:${text}`),
    ];
    return `{${parts.join(',')}}`;
  });
}

function shapedJson(
  schema: JsonSchema,
  ctx: SchemaContext,
  depth: number,
  hostile: boolean,
): fc.Arbitrary<string> {
  const s = resolve(schema, ctx);
  if (depth > MAX_DEPTH) return fc.constant('null');
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives?.length)
    return fc.oneof(...alternatives.map((a) => jsonFor(a, ctx, depth + 1, hostile)));
  if (s.allOf?.length) return jsonFor(s.allOf[0]!, ctx, depth + 1, hostile);
  if (s.enum) return fc.constantFrom(...s.enum.map((v) => JSON.stringify(v)));
  let base: fc.Arbitrary<string>;
  switch (s.type) {
    case 'string':
      base = stringValue(s, hostile).map((v) => JSON.stringify(v));
      break;
    case 'integer':
    case 'number':
      base = numberValue(s, s.type === 'integer', hostile).map((v) => JSON.stringify(v));
      break;
    case 'boolean':
      base = fc.boolean().map(String);
      break;
    case 'array': {
      const min = s.minItems ?? 0;
      const max = Math.max(min, Math.min(s.maxItems ?? 4, 4));
      base = fc
        .array(jsonFor(s.items ?? {}, ctx, depth + 1, hostile), { minLength: min, maxLength: max })
        .map((items) => `[${items.join(',')}]`);
      break;
    }
    case 'object':
      base = objectValue(s, ctx, depth, hostile);
      break;
    default:
      base = s.properties
        ? objectValue(s, ctx, depth, hostile)
        : fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v));
  }
  return s.nullable
    ? fc.oneof({ weight: 5, arbitrary: base }, { weight: 1, arbitrary: fc.constant('null') })
    : base;
}

/**
 * JSON text for `schema`. Valid input (`hostile` false) satisfies the schema, boundaries
 * included, with injection and odd-unicode strings wherever a string fits, so it reaches the
 * services; hostile input puts a hostile value in one position in five, and extra keys.
 */
export function jsonFor(
  schema: JsonSchema,
  ctx: SchemaContext,
  depth = 0,
  hostile = true,
): fc.Arbitrary<string> {
  if (!hostile) return shapedJson(schema, ctx, depth, false);
  return fc.oneof(
    { weight: 4, arbitrary: shapedJson(schema, ctx, depth, true) },
    { weight: 1, arbitrary: hostileJsonText },
  );
}

/** A query-string value for a parameter schema: a plausible one or a hostile one. */
export function queryValueFor(
  name: string,
  schema: JsonSchema,
  ctx: SchemaContext,
  hostile: boolean,
): fc.Arbitrary<string[]> {
  const s = resolve(schema, ctx);
  const single = (inner: JsonSchema): fc.Arbitrary<string> => {
    const r = resolve(inner, ctx);
    let plausible: fc.Arbitrary<string>;
    if (r.type === 'integer' || r.type === 'number') {
      plausible = numberValue(r, r.type === 'integer', hostile).map(String);
    } else if (r.type === 'boolean') {
      plausible = fc.constantFrom('true', 'false');
    } else if (r.anyOf ?? r.oneOf) {
      plausible = fc.oneof(...(r.anyOf ?? r.oneOf)!.map((a) => single(a)));
    } else {
      plausible = ctx.queryHints?.[name] ?? stringValue(r, hostile, name);
    }
    if (!hostile) return plausible;
    return fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 2, arbitrary: hostileString });
  };
  if (s.type === 'array') return fc.array(single(s.items ?? {}), { minLength: 1, maxLength: 3 });
  if (!hostile) return single(s).map((v) => [v]);
  // Repeating a scalar parameter (`?page=1&page=2`) makes Express hand over an array.
  return fc.oneof(
    { weight: 6, arbitrary: single(s).map((v) => [v]) },
    { weight: 1, arbitrary: fc.array(single(s), { minLength: 2, maxLength: 3 }) },
  );
}
