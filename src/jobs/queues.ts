/**
 * Typed queue contracts: each queue's name, zod payload schema, deterministic job id and retry
 * policy. Producers and processors in every process (API, worker) import these, so a payload
 * is validated the same way on both sides of Redis.
 */
import { z } from 'zod';

export const GenerateCellPayloadSchema = z.object({
  batchId: z.number().int().positive(),
  combinationId: z.number().int().positive(),
  iteration: z.number().int().positive(),
});
export type GenerateCellPayload = z.infer<typeof GenerateCellPayloadSchema>;

export const ScoreResponsePayloadSchema = z.object({
  responseId: z.number().int().positive(),
  method: z.enum(['heuristic', 'llm_judge', 'hybrid']).optional(),
  judge: z.object({ provider: z.string().optional(), model: z.string().optional() }).optional(),
  /** The rescore request this job belongs to: a later request scores the response again. */
  requestId: z.string().regex(/^[A-Za-z0-9_-]+$/),
});
export type ScoreResponsePayload = z.infer<typeof ScoreResponsePayloadSchema>;

/** Retry policy of a queue: `attempts` runs in all, waiting `backoffMs * 2^(n-1)` after run n. */
export interface RetryPolicy {
  /** Total runs of a job, the first included (1 = never retried). */
  attempts: number;
  /** First backoff delay; doubled after each failed run (exponential). */
  backoffMs: number;
}

interface QueueDefinition<S extends z.ZodType> {
  schema: S;
  /** Domain ids that identify one job, in order; joined with `.` after the queue name. */
  idParts: (payload: z.infer<S>) => Array<string | number>;
  retry: RetryPolicy;
}

function defineQueue<S extends z.ZodType>(definition: QueueDefinition<S>): QueueDefinition<S> {
  return definition;
}

export const QUEUES = {
  /** Generate (and store and score) one combination × iteration of a batch experiment. */
  'generate-cell': defineQueue({
    schema: GenerateCellPayloadSchema,
    idParts: (p) => [p.batchId, p.combinationId, p.iteration],
    // Provider calls already retry transient failures inside the provider layer; a job-level
    // retry covers what is left (a database hiccup, a worker-side bug fixed by a redeploy).
    retry: { attempts: 3, backoffMs: 2_000 },
  }),
  /** Score one stored response (heuristic, judge or hybrid; absent = the configured default). */
  'score-response': defineQueue({
    schema: ScoreResponsePayloadSchema,
    idParts: (p) => [p.requestId, p.responseId],
    retry: { attempts: 3, backoffMs: 1_000 },
  }),
} as const;

export type QueueName = keyof typeof QUEUES;
export type Payload<Q extends QueueName> = z.infer<(typeof QUEUES)[Q]['schema']>;

export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];

/**
 * Separator of a job id's parts. Not `:`: BullMQ refuses custom ids containing `:` (it is
 * its own Redis key separator), so `generate-cell.12.7.2` rather than `generate-cell:12:7:2`.
 */
const ID_SEPARATOR = '.';

/**
 * The job id of a payload, derived from its domain ids only (never from time or randomness),
 * e.g. `generate-cell.12.7.2` for batch 12, combination 7, iteration 2. Enqueueing the same
 * cell twice therefore names the same job, which both queue implementations de-duplicate.
 */
export function jobIdFor<Q extends QueueName>(queue: Q, payload: Payload<Q>): string {
  const definition = QUEUES[queue] as unknown as QueueDefinition<z.ZodType<Payload<Q>>>;
  return [queue, ...definition.idParts(payload)].join(ID_SEPARATOR);
}

/**
 * The id prefix shared by every job whose leading domain ids are `parts`, ending with the
 * separator so batch 1 never matches batch 12: `jobIdPrefix('generate-cell', 12)` is
 * `generate-cell.12.`. Used to cancel one batch's jobs.
 */
export function jobIdPrefix(queue: QueueName, ...parts: Array<string | number>): string {
  return [queue, ...parts].join(ID_SEPARATOR) + ID_SEPARATOR;
}

export type JobPriority = 'low' | 'normal' | 'high';

/**
 * BullMQ priorities: 1 is the highest and a lower number runs first; FIFO within one
 * priority. Every job gets one (never 0): BullMQ runs unprioritised jobs before all
 * prioritised ones, which would turn `low` into "first".
 */
export const BULLMQ_PRIORITIES: Readonly<Record<JobPriority, number>> = {
  high: 1,
  normal: 2,
  low: 3,
};

/** The retry policy of `queue`, with any overrides applied. */
export function retryPolicyFor(queue: QueueName, override?: Partial<RetryPolicy>): RetryPolicy {
  const { attempts, backoffMs } = QUEUES[queue].retry;
  return {
    attempts: override?.attempts ?? attempts,
    backoffMs: override?.backoffMs ?? backoffMs,
  };
}

/** Delay before run `failedRun + 1`, the same formula as BullMQ's `exponential` backoff. */
export function backoffDelayMs(policy: RetryPolicy, failedRun: number): number {
  return Math.round(policy.backoffMs * 2 ** (failedRun - 1));
}
