import type { RequestHandler } from 'express';
import { ValidationError } from '../lib/errors.js';

const NUL = '\u0000';

/**
 * Deepest nesting a JSON body may have (the root object or array is level 1). MariaDB's JSON
 * columns refuse documents nested deeper than 32 levels (JSON_VALID is false), which surfaced
 * as a 500 for a deep `metadata`; no API payload needs more.
 */
export const MAX_JSON_DEPTH = 32;

type Problem = { field: string; kind: 'nul' | 'depth' };

/** A UTF-16 surrogate without its pair (JSON allows `"\ud800"`; UTF-8 cannot encode it). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const wellFormed = (text: string) => text.replace(LONE_SURROGATE, '\uFFFD');

/**
 * Replaces lone surrogates in a parsed JSON body, keys included, with U+FFFD — what a text
 * column stores anyway once the driver encodes UTF-8. Left in place, JSON columns kept the
 * `\ud800` escape, which MariaDB's JSON_VALID check refuses (a 500).
 */
function normalizeSurrogates(holder: Record<string, unknown>, rootKey: string): void {
  const stack: [Record<string, unknown>, string][] = [[holder, rootKey]];
  while (stack.length) {
    const [parent, key] = stack.pop()!;
    const value = parent[key];
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) parent[key] = wellFormed(value);
      LONE_SURROGATE.lastIndex = 0;
    } else if (value && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      for (const name of Object.keys(object)) {
        const fixed = wellFormed(name);
        if (fixed !== name) {
          // defineProperty: a plain assignment to "__proto__" would set the prototype.
          Object.defineProperty(object, fixed, {
            value: object[name],
            writable: true,
            enumerable: true,
            configurable: true,
          });
          delete object[name];
        }
        stack.push([object, fixed]);
      }
    }
  }
}

/**
 * The first NUL character (in a key or a string) or nesting past MAX_JSON_DEPTH in a parsed
 * value. Iterative, so a deeply nested body cannot overflow the stack.
 */
export function findProblem(value: unknown, root: string): Problem | undefined {
  const stack: [unknown, string, number][] = [[value, root, 0]];
  while (stack.length) {
    const [current, path, depth] = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes(NUL)) return { field: path, kind: 'nul' };
    } else if (current && typeof current === 'object') {
      if (depth + 1 > MAX_JSON_DEPTH) return { field: path, kind: 'depth' };
      for (const [key, child] of Object.entries(current)) {
        if (key.includes(NUL)) return { field: path, kind: 'nul' };
        stack.push([child, `${path}.${key}`, depth + 1]);
      }
    }
  }
  return undefined;
}

/**
 * Rejects, with a 400 naming the field, what the databases cannot store: text containing NUL
 * (U+0000) anywhere in the URL, query or JSON body — PostgreSQL refuses it in text columns and
 * SQLite's driver cuts the SQL at it, so it used to surface as a 500 DATABASE_ERROR — and JSON
 * bodies nested deeper than MAX_JSON_DEPTH. Lone surrogates in a JSON body become U+FFFD.
 * Mounted after express.json; a route that parses its own raw body mounts it again after.
 */
export const inputGuards: RequestHandler = (req, _res, next) => {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    path = req.path; // broken escapes are the router's 400 to give
  }
  const problem: Problem | undefined = path.includes(NUL)
    ? { field: 'path', kind: 'nul' }
    : (findProblem(req.query, 'query') ?? findProblem(req.body, 'body'));
  if (problem === undefined) {
    if (req.body && typeof req.body === 'object') normalizeSurrogates(req as never, 'body');
    next();
    return;
  }
  next(
    problem.kind === 'nul'
      ? new ValidationError('Text must not contain NUL (\\u0000) characters', {
          field: problem.field,
          expected: 'Text without U+0000',
        })
      : new ValidationError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`, {
          field: problem.field,
          expected: `At most ${MAX_JSON_DEPTH} levels of objects and arrays`,
        }),
  );
};
