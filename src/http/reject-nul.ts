import type { RequestHandler } from 'express';
import { ValidationError } from '../lib/errors.js';

const NUL = '\u0000';

/**
 * Where the first NUL character sits in a parsed JSON value or query object (keys included),
 * or undefined. Iterative, so a deeply nested body cannot overflow the stack.
 */
export function findNul(value: unknown, root: string): string | undefined {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length) {
    const [current, path] = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes(NUL)) return path;
    } else if (current && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        if (key.includes(NUL)) return path;
        stack.push([child, `${path}.${key}`]);
      }
    }
  }
  return undefined;
}

/**
 * Rejects text containing NUL (U+0000) anywhere in the URL, query or JSON body with a 400.
 * PostgreSQL cannot store it in text columns at all, and SQLite's driver cuts the SQL at it,
 * so it used to surface as a 500 DATABASE_ERROR; no prompt or name needs it.
 */
export const rejectNul: RequestHandler = (req, _res, next) => {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    path = req.path; // broken escapes are the router's 400 to give
  }
  const field = path.includes(NUL)
    ? 'path'
    : (findNul(req.query, 'query') ?? findNul(req.body, 'body'));
  if (field === undefined) {
    next();
    return;
  }
  next(
    new ValidationError('Text must not contain NUL (\\u0000) characters', {
      field,
      expected: 'Text without U+0000',
    }),
  );
};
