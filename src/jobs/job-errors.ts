import type { z } from 'zod';
import type { QueueName } from './queues.js';

/**
 * Thrown by a job handler when running the job again cannot help (a cell whose experiment was
 * deleted, a provider answering 400/401, a payload that no longer parses). The job fails at
 * once, whatever attempts remain; BullMQ sees it as its own `UnrecoverableError`.
 */
export class UnrecoverableJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnrecoverableJobError';
  }
}

/**
 * A payload that does not match its queue's schema, refused at `enqueue` before anything is
 * queued. It is a programming error (callers validate their input first), so it is not an
 * `AppError`: the API reports it as 500, not as the client's 400.
 */
export class InvalidJobPayloadError extends Error {
  readonly issues: z.ZodError['issues'];

  constructor(
    readonly queue: QueueName,
    cause: z.ZodError,
  ) {
    super(`Invalid payload for queue ${queue}: ${cause.message}`, { cause });
    this.name = 'InvalidJobPayloadError';
    this.issues = cause.issues;
  }
}

/** `enqueue` or `process` after `close()` began. */
export class JobQueueClosedError extends Error {
  constructor() {
    super('The job queue is closed');
    this.name = 'JobQueueClosedError';
  }
}
