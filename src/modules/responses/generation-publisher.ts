import type { EventBus } from '../../realtime/event-bus.js';
import {
  EXPERIMENT_EVENTS,
  experimentEvent,
  type ExperimentEventName,
} from '../../realtime/events.js';
import type { GenerationEvent } from './generation-events.js';

/**
 * Forwards a generation's progress to the event bus (and so to WebSocket watchers of the
 * experiment, in every API process). Token deltas stay on the SSE stream of the request
 * that asked for them.
 */
export function publishGenerationEvent(
  bus: EventBus,
  experimentId: number,
  event: GenerationEvent,
): void {
  const publish = (type: ExperimentEventName, data: unknown) =>
    void bus.publish(experimentEvent(experimentId, type, data));
  switch (event.type) {
    case 'response':
      publish(EXPERIMENT_EVENTS.RESPONSE_GENERATED, {
        index: event.index,
        response: event.response,
      });
      return;
    case 'quality_calculated':
      publish(EXPERIMENT_EVENTS.QUALITY_CALCULATED, {
        index: event.index,
        response_id: event.response_id,
        metrics: event.metrics,
      });
      return;
    case 'error':
      publish(EXPERIMENT_EVENTS.ERROR_OCCURRED, {
        index: event.index,
        response_id: event.response_id,
        error: event.error,
      });
      return;
    case 'summary': {
      const { responses, ...totals } = event.outcome;
      publish(EXPERIMENT_EVENTS.EXPERIMENT_COMPLETED, {
        ...totals,
        status: totals.total_generated > 0 ? 'completed' : 'failed',
        response_ids: responses.map((r) => r.id),
      });
      return;
    }
    default:
      return;
  }
}
