import { z } from 'zod';

/** Events on an experiment's channel (`/ws/experiments/:id`), named as the spec names them. */
export const EXPERIMENT_EVENTS = {
  RESPONSE_GENERATED: 'response_generated',
  QUALITY_CALCULATED: 'quality_calculated',
  EXPERIMENT_COMPLETED: 'experiment_completed',
  ERROR_OCCURRED: 'error_occurred',
} as const;

/**
 * Events on a batch experiment's channel (`/ws/batch-experiments/:id`). The spec lists the
 * first three; `batch_completed` is the completion event issue 5 asks for.
 */
export const BATCH_EVENTS = {
  PROGRESS_UPDATE: 'progress_update',
  COMBINATION_COMPLETED: 'combination_completed',
  INSIGHTS_GENERATED: 'insights_generated',
  BATCH_COMPLETED: 'batch_completed',
} as const;

export type ExperimentEventName = (typeof EXPERIMENT_EVENTS)[keyof typeof EXPERIMENT_EVENTS];
export type BatchEventName = (typeof BATCH_EVENTS)[keyof typeof BATCH_EVENTS];

/** What a channel belongs to: an experiment or a batch experiment. */
export type ChannelKind = 'experiment' | 'batch';

export const DomainEventSchema = z.object({
  /** The event name clients see (`response_generated`, `progress_update`, …). */
  type: z.string().min(1),
  channel: z.object({
    kind: z.enum(['experiment', 'batch']),
    id: z.number().int().positive(),
  }),
  data: z.unknown(),
  /** ISO-8601 time the event happened (not the time it was delivered). */
  timestamp: z.string(),
});

/**
 * A domain event: published on the event bus by services and job handlers, forwarded by the
 * WebSocket server to the clients subscribed to its channel. `data` must be JSON-serialisable
 * (it crosses Redis and the socket as JSON).
 */
export type DomainEvent = z.infer<typeof DomainEventSchema>;

/** Builds an event stamped with the current time (or `at`). */
export function domainEvent(
  kind: ChannelKind,
  id: number,
  type: string,
  data: unknown,
  at: Date = new Date(),
): DomainEvent {
  return { type, channel: { kind, id }, data: data ?? null, timestamp: at.toISOString() };
}

/** An event on experiment `id`'s channel. */
export function experimentEvent(
  id: number,
  type: ExperimentEventName,
  data: unknown,
  at?: Date,
): DomainEvent {
  return domainEvent('experiment', id, type, data, at);
}

/** An event on batch experiment `id`'s channel. */
export function batchEvent(
  id: number,
  type: BatchEventName,
  data: unknown,
  at?: Date,
): DomainEvent {
  return domainEvent('batch', id, type, data, at);
}

/** The key a channel is indexed by: `experiment:12`, `batch:3`. */
export function channelKey(channel: DomainEvent['channel']): string {
  return `${channel.kind}:${channel.id}`;
}
