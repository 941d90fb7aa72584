import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import {
  BaseError as SequelizeBaseError,
  ConnectionError,
  ForeignKeyConstraintError,
  TimeoutError,
  UniqueConstraintError,
  ValidationError as SequelizeValidationError,
} from 'sequelize';
import { isConnectionLost } from '../db/connection-lost.js';
import { AppError, NotFoundError, type ErrorDetails } from '../lib/errors.js';
import { toValidationError } from '../lib/zod-errors.js';

/** The spec's error envelope. */
export interface ErrorEnvelope {
  success: false;
  error: {
    code: AppError['code'];
    message: string;
    details?: ErrorDetails;
    timestamp: string;
    request_id: string;
  };
}

/** body-parser's errors carry a `type` and a `status`. */
function fromBodyParser(err: {
  type?: string;
  status?: number;
  limit?: number;
}): AppError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new AppError('VALIDATION_ERROR', 400, 'Malformed JSON in request body', {
        field: 'body',
        expected: 'A valid JSON document',
      });
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', 413, 'Request body is too large', {
        limit_bytes: err.limit,
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(
        'VALIDATION_ERROR',
        415,
        'Unsupported body encoding or charset; send UTF-8 JSON',
      );
    default:
      return undefined;
  }
}

function fromSequelize(err: SequelizeBaseError): AppError {
  if (err instanceof UniqueConstraintError) {
    // PostgreSQL and MySQL give `{ column: value }`, SQLite a plain array of column names
    // (Object.keys of which once reported the field as "0").
    const raw: unknown = err.fields ?? {};
    const fields = Array.isArray(raw) ? raw.map(String) : Object.keys(raw as object);
    return new AppError(
      'CONFLICT',
      409,
      `A record with this ${fields.join(', ') || 'value'} already exists`,
      { field: fields[0] ?? null, fields },
    );
  }
  if (err instanceof ForeignKeyConstraintError) {
    return new AppError(
      'CONFLICT',
      409,
      'The change refers to a record that does not exist or is still in use',
    );
  }
  if (err instanceof SequelizeValidationError) {
    const first = err.errors[0];
    return new AppError('VALIDATION_ERROR', 400, first?.message ?? 'Invalid data', {
      field: first?.path ?? null,
      value: first?.value ?? null,
      expected: first?.message ?? null,
    });
  }
  const busy = /SQLITE_BUSY|database is locked/i.test(err.message) || isConnectionLost(err);
  if (err instanceof ConnectionError || err instanceof TimeoutError || busy) {
    return new AppError(
      'DATABASE_ERROR',
      503,
      'The database is unavailable; try again shortly',
      undefined,
      {
        cause: err,
      },
    );
  }
  return new AppError('DATABASE_ERROR', 500, 'A database operation failed', undefined, {
    cause: err,
  });
}

/**
 * Express's router rejects a path whose percent-encoding is broken (`/api/experiments/%E0%A4%A`)
 * with a URIError carrying `status: 400`; that is the client's mistake, not an INTERNAL_ERROR.
 */
function fromClientHttpError(err: unknown): AppError | undefined {
  if (!(err instanceof URIError)) return undefined;
  const status = (err as URIError & { status?: unknown }).status;
  if (status !== 400) return undefined;
  return new AppError('VALIDATION_ERROR', 400, 'Malformed percent-encoding in the URL path', {
    field: 'path',
    expected: 'A URL whose %XX escapes decode to UTF-8',
  });
}

/** Maps anything thrown to an AppError; unknown errors become a generic INTERNAL_ERROR. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) return toValidationError(err, undefined, 'request');
  if (err instanceof SequelizeBaseError) return fromSequelize(err);
  if (err && typeof err === 'object' && 'type' in err) {
    const mapped = fromBodyParser(err as { type?: string });
    if (mapped) return mapped;
  }
  const clientError = fromClientHttpError(err);
  if (clientError) return clientError;
  return new AppError('INTERNAL_ERROR', 500, 'An unexpected error occurred', undefined, {
    cause: err,
  });
}

export function errorEnvelope(error: AppError, requestId: string): ErrorEnvelope {
  return {
    success: false,
    error: {
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
      timestamp: new Date().toISOString(),
      request_id: requestId,
    },
  };
}

/** The one error middleware: every failure leaves as the spec's envelope. */
export const errorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  const appError = toAppError(err);
  // For the metrics (http_errors_total) and security-event listeners, which run on finish.
  res.locals.errorCode = appError.code;
  // pino-http logs the response; attaching the cause puts the stack in that line for 5xx.
  if (appError.status >= 500) res.err = (appError.cause as Error | undefined) ?? appError;
  if ('retryAfterSeconds' in appError && typeof appError.retryAfterSeconds === 'number') {
    res.setHeader('Retry-After', String(appError.retryAfterSeconds));
  }
  res.status(appError.status).json(errorEnvelope(appError, req.id));
};

/** Unknown routes answer 404 in the same envelope. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`Route ${req.method} ${req.path}`));
};
