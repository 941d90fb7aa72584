/**
 * Re-scoring an experiment's stored responses in the background, one `score-response` job per
 * response: e.g. after switching to the LLM judge or changing the dimension weights. Jobs run
 * in whichever process works the queue (API or worker) and announce each new score on the
 * experiment's WebSocket channel.
 */
import { randomUUID } from 'node:crypto';
import type { JobQueue } from '../../jobs/job-queue.js';
import type { ScoreResponsePayload } from '../../jobs/queues.js';
import { ownerScope, SYSTEM_SCOPE, type AuthContext } from '../../lib/auth-context.js';
import { NotFoundError } from '../../lib/errors.js';
import type { EventBus } from '../../realtime/event-bus.js';
import { EXPERIMENT_EVENTS, experimentEvent } from '../../realtime/events.js';
import type { CalculationMethod } from '../../quality/types.js';
import type { ExperimentsRepository } from '../experiments/experiments.repository.js';
import type { ResponsesRepository } from '../responses/responses.repository.js';
import { toResponseMetricsDto } from './metrics.dto.js';
import { promptOf } from './metrics.service.js';
import type { RescoreBody } from './metrics.schemas.js';
import type { ScoringService } from './scoring.service.js';

export interface RescoreAccepted {
  experiment_id: number;
  request_id: string;
  method: CalculationMethod;
  queued: number;
}

export class RescoreService {
  constructor(
    private readonly experiments: ExperimentsRepository,
    private readonly responses: ResponsesRepository,
    private readonly scoring: ScoringService,
    private readonly jobs: JobQueue,
    private readonly events: EventBus,
  ) {}

  /** POST /api/experiments/:id/rescore — queues one job per completed response. */
  async enqueueExperiment(
    auth: AuthContext,
    experimentId: number,
    body: RescoreBody,
  ): Promise<RescoreAccepted> {
    if (!(await this.experiments.exists(ownerScope(auth), experimentId)))
      throw new NotFoundError('Experiment', experimentId);
    const judge = {
      ...(body.judge_provider ? { provider: body.judge_provider } : {}),
      ...(body.judge_model ? { model: body.judge_model } : {}),
    };
    const method = body.method ?? this.scoring.defaultMethod;
    // An engine that cannot be built (judge not configured, mock as judge) fails the request
    // now, with its 400/503, instead of failing every job later.
    this.scoring.engineFor({ method, judge });
    const ids = await this.responses.completedIds(experimentId, {
      unscoredOnly: body.only_unscored,
    });
    const requestId = randomUUID().replaceAll('-', '');
    const payloads: ScoreResponsePayload[] = ids.map((responseId) => ({
      responseId,
      method,
      ...(Object.keys(judge).length ? { judge } : {}),
      requestId,
    }));
    if (payloads.length) await this.jobs.enqueueMany('score-response', payloads);
    return { experiment_id: experimentId, request_id: requestId, method, queued: ids.length };
  }

  /** The `score-response` job: scores and stores one response, then announces it. */
  async rescoreOne(payload: ScoreResponsePayload): Promise<void> {
    // The caller's right to these rows was checked when the request was accepted.
    const [response] = await this.responses.findManyForOwner(SYSTEM_SCOPE, [payload.responseId]);
    if (!response || response.status !== 'completed') return; // deleted or reset meanwhile
    const row = await this.scoring.scoreAndStore(
      payload.responseId,
      {
        content: String(response.content),
        prompt: promptOf(response),
        finishReason: String(response.finish_reason ?? ''),
      },
      {
        ...(payload.method ? { method: payload.method } : {}),
        ...(payload.judge ? { judge: payload.judge } : {}),
      },
    );
    await this.events.publish(
      experimentEvent(Number(response.experiment_id), EXPERIMENT_EVENTS.QUALITY_CALCULATED, {
        response_id: payload.responseId,
        request_id: payload.requestId,
        metrics: toResponseMetricsDto(row),
      }),
    );
  }

  /**
   * Attempts exhausted (e.g. the judge kept failing): the response keeps its previous scores
   * and watchers get an error, never a silent low score.
   */
  async rescoreFailed(payload: ScoreResponsePayload, error: Error): Promise<void> {
    const [response] = await this.responses.findManyForOwner(SYSTEM_SCOPE, [payload.responseId]);
    if (!response) return;
    await this.events.publish(
      experimentEvent(Number(response.experiment_id), EXPERIMENT_EVENTS.ERROR_OCCURRED, {
        response_id: payload.responseId,
        request_id: payload.requestId,
        error: `Quality scoring failed: ${error.message}`,
      }),
    );
  }
}
