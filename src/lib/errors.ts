/** Error codes of the API spec, plus CONFLICT and PAYLOAD_TOO_LARGE. */
export type ErrorCode =
  | 'VALIDATION_ERROR'
  | 'NOT_FOUND'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'LLM_SERVICE_ERROR'
  | 'DATABASE_ERROR'
  | 'INTERNAL_ERROR';

export type ErrorDetails = Record<string, unknown>;

/**
 * An error the API reports to its client. Services throw these; the one error middleware
 * turns them into the spec's envelope. `cause` is logged, never sent.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly details?: ErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: ErrorDetails) {
    super('VALIDATION_ERROR', 400, message, details);
  }
}

export class NotFoundError extends AppError {
  constructor(resource: string, id?: string | number) {
    super(
      'NOT_FOUND',
      404,
      id === undefined ? `${resource} not found` : `${resource} ${id} not found`,
      id === undefined ? { resource } : { resource, id },
    );
  }
}

export class UnauthorizedError extends AppError {
  constructor(
    message = 'Authentication required: send "Authorization: Bearer <token>" or "X-API-Key: <key>"',
  ) {
    super('UNAUTHORIZED', 401, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You do not have permission to do this') {
    super('FORBIDDEN', 403, message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: ErrorDetails) {
    super('CONFLICT', 409, message, details);
  }
}

export class RateLimitedError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    details?: ErrorDetails,
  ) {
    super(
      'RATE_LIMITED',
      429,
      `Too many requests: try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}`,
      { retry_after: retryAfterSeconds, ...details },
    );
  }
}

/** A provider failed (502) or cannot be used at all (503, e.g. not configured). */
export class LlmServiceError extends AppError {
  constructor(
    message: string,
    details?: ErrorDetails,
    options?: { cause?: unknown; status?: 502 | 503 },
  ) {
    super('LLM_SERVICE_ERROR', options?.status ?? 502, message, details, options);
  }
}

export class DatabaseError extends AppError {
  constructor(
    message = 'The database is unavailable; try again shortly',
    options?: { cause?: unknown },
  ) {
    super('DATABASE_ERROR', 503, message, undefined, options);
  }
}
