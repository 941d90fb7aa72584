/**
 * One run of one job, shared by both queue implementations so they parse, classify failures
 * and report final failures identically.
 */
import type { Logger } from '../lib/logger.js';
import { InvalidJobPayloadError, UnrecoverableJobError } from './job-errors.js';
import type { CancelSelector, JobContext, JobHandler, ProcessOptions } from './job-queue.js';
import { QUEUES, jobIdFor, type Payload, type QueueName } from './queues.js';

export type RunOutcome = { ok: true } | { ok: false; error: Error; final: boolean };

export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** Parses `data` and runs `handler`; never throws. `final` means "do not retry". */
export async function runJob<Q extends QueueName>(
  handler: JobHandler<Q>,
  opts: ProcessOptions<Q>,
  data: unknown,
  ctx: JobContext,
  logger: Logger,
): Promise<RunOutcome> {
  const parsed = QUEUES[ctx.queue].schema.safeParse(data);
  if (!parsed.success) {
    // Retrying cannot fix a payload; it means producer and worker run different code.
    const error = new UnrecoverableJobError(`Job payload does not match queue ${ctx.queue}`, {
      cause: parsed.error,
    });
    logger.error({ jobId: ctx.jobId, queue: ctx.queue, err: parsed.error }, 'invalid job payload');
    return { ok: false, error, final: true };
  }
  const payload = parsed.data as Payload<Q>;
  try {
    await handler(payload, ctx);
    return { ok: true };
  } catch (thrown) {
    const error = toError(thrown);
    const final = error instanceof UnrecoverableJobError || ctx.attempt >= ctx.maxAttempts;
    logger.warn(
      { err: error, jobId: ctx.jobId, queue: ctx.queue, attempt: ctx.attempt, final },
      final ? 'job failed' : 'job failed, will retry',
    );
    if (final) await reportFailure(opts, payload, error, ctx, logger);
    return { ok: false, error, final };
  }
}

/** Calls `onFailed`, logging (not propagating) its own failure. */
export async function reportFailure<Q extends QueueName>(
  opts: ProcessOptions<Q>,
  payload: Payload<Q>,
  error: Error,
  ctx: JobContext,
  logger: Logger,
): Promise<void> {
  if (!opts.onFailed) return;
  try {
    await opts.onFailed(payload, error, ctx);
  } catch (err) {
    logger.error({ err, jobId: ctx.jobId, queue: ctx.queue }, 'onFailed hook failed');
  }
}

export interface PreparedJob<Q extends QueueName> {
  jobId: string;
  payload: Payload<Q>;
}

/** Validates every payload (all or nothing) and derives its job id. */
export function prepareJobs<Q extends QueueName>(
  queue: Q,
  payloads: readonly Payload<Q>[],
): PreparedJob<Q>[] {
  return payloads.map((raw) => {
    const parsed = QUEUES[queue].schema.safeParse(raw);
    if (!parsed.success) throw new InvalidJobPayloadError(queue, parsed.error);
    const payload = parsed.data as Payload<Q>;
    return { jobId: jobIdFor(queue, payload), payload };
  });
}

/** The predicate behind a {@link CancelSelector}. */
export function selectorMatcher(selector: CancelSelector): (jobId: string) => boolean {
  if ('jobIds' in selector) {
    const ids = new Set(selector.jobIds);
    return (jobId) => ids.has(jobId);
  }
  const { idPrefix } = selector;
  if (!idPrefix) throw new Error('cancel: idPrefix must not be empty'); // would match everything
  return (jobId) => jobId.startsWith(idPrefix);
}
