import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConnectionRefusedError,
  DatabaseError as SequelizeDatabaseError,
  UniqueConstraintError,
  ValidationError as SequelizeValidationError,
  ValidationErrorItem,
} from 'sequelize';
import { errorEnvelope, toAppError } from '../../src/http/error-handler.js';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  LlmServiceError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  ValidationError,
} from '../../src/lib/errors.js';
import { toValidationError } from '../../src/lib/zod-errors.js';

describe('typed errors', () => {
  it.each([
    [new ValidationError('bad'), 'VALIDATION_ERROR', 400],
    [new NotFoundError('Experiment', 7), 'NOT_FOUND', 404],
    [new UnauthorizedError(), 'UNAUTHORIZED', 401],
    [new ForbiddenError(), 'FORBIDDEN', 403],
    [new ConflictError('taken'), 'CONFLICT', 409],
    [new RateLimitedError(30), 'RATE_LIMITED', 429],
    [new LlmServiceError('down', { provider: 'openai' }), 'LLM_SERVICE_ERROR', 502],
  ])('when %s is thrown, then it maps to its code and status', (error, code, status) => {
    const mapped = toAppError(error);
    expect(mapped).toBe(error);
    expect(mapped.code).toBe(code);
    expect(mapped.status).toBe(status);
  });

  it('when a resource is missing, then the message names it and its id', () => {
    expect(new NotFoundError('Experiment', 7).message).toBe('Experiment 7 not found');
  });
});

describe('toAppError', () => {
  it('when a unique constraint fails, then it is a 409 CONFLICT naming the fields', () => {
    const err = new UniqueConstraintError({ fields: { email: 'a@x.io' } });
    const mapped = toAppError(err);
    expect(mapped).toMatchObject({ code: 'CONFLICT', status: 409, details: { fields: ['email'] } });
  });

  it('when the database refuses connections, then it is a 503 DATABASE_ERROR', () => {
    const mapped = toAppError(new ConnectionRefusedError(new Error('ECONNREFUSED')));
    expect(mapped).toMatchObject({ code: 'DATABASE_ERROR', status: 503 });
  });

  it('when a query fails, then it is a 500 DATABASE_ERROR that does not leak the SQL', () => {
    const parent = Object.assign(new Error('syntax error at or near "SELEC"'), { sql: 'SELEC 1' });
    const mapped = toAppError(new SequelizeDatabaseError(parent));
    expect(mapped).toMatchObject({
      code: 'DATABASE_ERROR',
      status: 500,
      message: 'A database operation failed',
    });
    expect(JSON.stringify(errorEnvelope(mapped, 'req_1'))).not.toContain('SELEC');
  });

  it('when model validation fails, then it is a 400 naming the field', () => {
    const item = new ValidationErrorItem(
      'Validation isIn on status failed',
      'validation error',
      'status',
      'bogus',
      null as never,
      'isIn',
      'isIn',
      [],
    );
    const mapped = toAppError(new SequelizeValidationError('bad', [item]));
    expect(mapped).toMatchObject({
      code: 'VALIDATION_ERROR',
      status: 400,
      details: { field: 'status', value: 'bogus' },
    });
  });

  it('when body-parser rejects a body, then malformed JSON is 400 and an oversized one 413', () => {
    expect(
      toAppError(Object.assign(new Error('x'), { type: 'entity.parse.failed' })),
    ).toMatchObject({
      code: 'VALIDATION_ERROR',
      status: 400,
    });
    expect(
      toAppError(Object.assign(new Error('x'), { type: 'entity.too.large', limit: 1024 })),
    ).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      status: 413,
      details: { limit_bytes: 1024 },
    });
  });

  it('when anything else is thrown, then it is a generic 500 INTERNAL_ERROR keeping the cause for logs', () => {
    const cause = new TypeError('undefined is not a function');
    const mapped = toAppError(cause);
    expect(mapped).toMatchObject({
      code: 'INTERNAL_ERROR',
      status: 500,
      message: 'An unexpected error occurred',
    });
    expect(mapped.cause).toBe(cause);
  });
});

describe('errorEnvelope', () => {
  it("when rendered, then it has exactly the spec's fields", () => {
    const envelope = errorEnvelope(new AppError('NOT_FOUND', 404, 'gone', { id: 1 }), 'req_123');
    expect(envelope).toEqual({
      success: false,
      error: {
        code: 'NOT_FOUND',
        message: 'gone',
        details: { id: 1 },
        timestamp: expect.any(String),
        request_id: 'req_123',
      },
    });
    expect(new Date(envelope.error.timestamp).toISOString()).toBe(envelope.error.timestamp);
  });
});

describe('toValidationError', () => {
  const Schema = z.object({
    name: z.string().min(1, 'A name'),
    parameters: z.strictObject({
      temperature: z
        .number()
        .min(0, 'Value between 0 and 2')
        .max(2, 'Value between 0 and 2')
        .optional(),
    }),
  });

  it("when a nested value is out of range, then details carry the spec's field, value and expected", () => {
    const input = { name: 'x', parameters: { temperature: 2.5 } };
    const error = toValidationError(Schema.safeParse(input).error!, input, 'request body');
    expect(error.details).toMatchObject({
      field: 'temperature',
      value: 2.5,
      expected: 'Value between 0 and 2',
      errors: [
        {
          field: 'temperature',
          path: 'parameters.temperature',
          value: 2.5,
          expected: 'Value between 0 and 2',
        },
      ],
    });
    expect(error.message).toBe(
      'Invalid request body: parameters.temperature — Value between 0 and 2',
    );
  });

  it('when a key is misspelt, then the problem names that key', () => {
    const input = { name: 'x', parameters: { temprature: 1 } };
    const error = toValidationError(Schema.safeParse(input).error!, input, 'request body');
    expect(error.details).toMatchObject({ field: 'temprature', value: 1 });
    expect(String(error.details?.expected)).toMatch(/No field named "temprature"/);
  });

  it('when several fields are wrong, then all are listed and the message says how many more', () => {
    const input = { parameters: { temperature: -1 } }; // name missing too
    const error = toValidationError(Schema.safeParse(input).error!, input, 'request body');
    expect((error.details?.errors as unknown[]).length).toBe(2);
    expect(error.message).toMatch(/and 1 more problem\)$/);
  });
});
