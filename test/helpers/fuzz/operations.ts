/**
 * Every operation of the OpenAPI document as a fast-check arbitrary of HTTP requests: path
 * parameters (an id the caller owns, or garbage), query parameters from their schemas plus
 * pollution keys, and a body from its schema, sometimes malformed or of another content type.
 */
import fc from 'fast-check';
import { hostileString } from './hostile-values.js';
import { jsonFor, queryValueFor, type JsonSchema, type SchemaContext } from './schema-arbitrary.js';

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path, e.g. `/api/experiments/{id}`. */
  path: string;
  params: { name: string; in: 'path' | 'query'; schema: JsonSchema; required: boolean }[];
  body?: JsonSchema;
}

export interface FuzzRequest {
  method: Operation['method'];
  /** Path and query string, percent-encoded. */
  url: string;
  body?: { contentType: string; text: string };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, any>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      operations.push({
        method: method as Operation['method'],
        path,
        params: (op.parameters ?? []).map((p: any) => ({
          name: p.name,
          in: p.in,
          schema: p.schema ?? {},
          required: p.required === true,
        })),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return operations;
}

export function schemaContext(doc: OpenApiDocument): SchemaContext {
  return { components: doc.components?.schemas ?? {} };
}

/**
 * Percent-encodes every byte outside the unreserved set. Lone surrogates become U+FFFD (what
 * any UTF-8 client sends) instead of making `encodeURIComponent` throw.
 */
export function encode(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

/**
 * URL positions keep at most this many characters: Node's HTTP parser answers 431 itself,
 * before the app, past 16 KB of request line and headers.
 */
const URL_VALUE_MAX = 150;
const forUrl = (value: string) => encode(value.slice(0, URL_VALUE_MAX));

/** Query keys that try to reach `Object.prototype` through qs-style bracket parsing. */
const POLLUTING_QUERY = [
  '__proto__=1',
  '__proto__[polluted]=yes',
  'constructor[prototype][polluted]=yes',
  '__proto__.polluted=yes',
  'prototype=1',
  'page[$gt]=0',
  'limit=%E0%A4%A',
];

/** Bodies that are not the JSON the route wants. */
const ODD_BODIES: FuzzRequest['body'][] = [
  { contentType: 'application/json', text: '{"name":' },
  { contentType: 'application/json', text: 'nul' },
  { contentType: 'application/json', text: '' },
  { contentType: 'application/json; charset=utf-16', text: '{}' },
  { contentType: 'text/plain', text: "' OR 1=1--" },
  { contentType: 'text/csv', text: 'text,tags\n"__proto__",constructor\n\u0000,\u202E' },
  { contentType: 'application/x-www-form-urlencoded', text: '__proto__[polluted]=yes&name=x' },
];

/**
 * Requests for one operation: half valid (owned ids, schema-valid query and body with
 * injection and odd-unicode text where strings fit), half hostile. `ids(param)` lists ids the
 * caller owns for a path parameter (empty: only garbage and unknown ids are tried).
 */
export function requestsFor(
  op: Operation,
  ctx: SchemaContext,
  ids: (param: string) => number[],
): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(requestsOfKind(op, ctx, ids, false), requestsOfKind(op, ctx, ids, true));
}

function requestsOfKind(
  op: Operation,
  ctx: SchemaContext,
  ids: (param: string) => number[],
  hostile: boolean,
): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const pathValues = fc.tuple(
    ...pathParams.map((p) => {
      const owned = ids(p.name);
      const unknownId = fc.integer({ min: 100_000, max: 2 ** 31 + 10 }).map(String);
      if (!hostile) return owned.length ? fc.constantFrom(...owned).map(String) : unknownId;
      const options: fc.WeightedArbitrary<string>[] = [
        { weight: 3, arbitrary: hostileString },
        { weight: 1, arbitrary: unknownId },
      ];
      if (owned.length)
        options.push({ weight: 2, arbitrary: fc.constantFrom(...owned).map(String) });
      return fc.oneof(...options);
    }),
  );
  const query = fc.tuple(
    ...queryParams.map((p) => {
      const value = queryValueFor(p.name, p.schema, ctx, hostile).map((values) =>
        values.map((v) => `${encode(p.name)}=${forUrl(v)}`).join('&'),
      );
      // Valid requests always carry the required parameters; others half the time.
      return !hostile && p.required ? value : fc.option(value, { freq: 2, nil: undefined });
    }),
  );
  const extraQuery = hostile
    ? fc.option(fc.constantFrom(...POLLUTING_QUERY), { freq: 2, nil: undefined })
    : fc.constant(undefined);
  const json = (text: string) => ({ contentType: 'application/json', text });
  let body: fc.Arbitrary<FuzzRequest['body']>;
  if (op.body && !hostile) body = jsonFor(op.body, ctx, 0, false).map(json);
  else if (op.body) {
    body = fc.oneof(
      { weight: 6, arbitrary: jsonFor(op.body, ctx, 0, true).map(json) },
      { weight: 1, arbitrary: fc.constantFrom(...ODD_BODIES) },
    );
  } else if (hostile) body = fc.option(fc.constantFrom(...ODD_BODIES), { freq: 2, nil: undefined });
  else body = fc.constant(undefined);

  return fc
    .tuple(pathValues, query, extraQuery, body)
    .map(([values, queryParts, extra, requestBody]) => {
      let path = op.path;
      pathParams.forEach((p, i) => {
        path = path.replace(`{${p.name}}`, forUrl(values[i]!));
      });
      const parts = [...queryParts, extra].filter((q): q is string => q !== undefined);
      return {
        method: op.method,
        url: parts.length ? `${path}?${parts.join('&')}` : path,
        ...(requestBody ? { body: requestBody } : {}),
      };
    });
}
