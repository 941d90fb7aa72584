import type { z } from 'zod';
import { ValidationError } from './errors.js';

/** One problem with the input, as a person would want it pointed out. */
export interface FieldProblem {
  /** The offending key, e.g. `temperature`. */
  field: string;
  /** Its full location, e.g. `parameters.temperature` or `body` for the whole payload. */
  path: string;
  value: unknown;
  expected: string;
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `No field named ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling`;
  }
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) {
    return `A value of type ${issue.expected}`;
  }
  return issue.message;
}

/** Lists every issue of a ZodError with the field, the value received and what was expected. */
export function fieldProblems(error: z.ZodError, input: unknown, location: string): FieldProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
    const named = [...path].reverse().find((k) => typeof k === 'string');
    const field =
      issue.code === 'unrecognized_keys' ? (issue.keys[0] ?? location) : String(named ?? location);
    return {
      field,
      path: path.length > 0 ? path.join('.') : location,
      value:
        issue.code === 'unrecognized_keys'
          ? valueAt(input, [...path, field])
          : valueAt(input, path),
      expected: describeIssue(issue),
    };
  });
}

/**
 * Turns a ZodError into the spec's VALIDATION_ERROR: `details` carries the first problem's
 * field/value/expected (the spec's shape) plus every problem under `errors`.
 */
export function toValidationError(
  error: z.ZodError,
  input: unknown,
  location: string,
): ValidationError {
  const problems = fieldProblems(error, input, location);
  const first = problems[0]!;
  const more =
    problems.length > 1
      ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})`
      : '';
  return new ValidationError(`Invalid ${location}: ${first.path} — ${first.expected}${more}`, {
    field: first.field,
    value: first.value ?? null,
    expected: first.expected,
    location,
    errors: problems,
  });
}
