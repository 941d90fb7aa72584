import { ownerScope, type AuthContext } from '../../lib/auth-context.js';
import { LlmServiceError, NotFoundError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { round } from '../../lib/numbers.js';
import type { ProviderRegistry, ResolvedModel } from '../../llm/registry.js';
import { responseCacheKey, type ResponseCache } from '../../llm/response-cache.js';
import {
  ProviderError,
  type GenerateRequest,
  type GenerateResult,
  type LlmProvider,
} from '../../llm/types.js';
import type { ExperimentsRepository } from '../experiments/experiments.repository.js';
import {
  withDefaults,
  type Parameters,
  type PartialParameters,
} from '../experiments/parameters.schema.js';
import { toResponseMetricsDto } from '../metrics/metrics.dto.js';
import type { ScoringService } from '../metrics/scoring.service.js';
import { resolveUsableModel } from '../models/resolve-usable-model.js';
import type { EventBus } from '../../realtime/event-bus.js';
import type { GenerationEvent, GenerationOutcome } from './generation-events.js';
import { publishGenerationEvent } from './generation-publisher.js';
import { toResponseDto, type ResponseDto } from './response.dto.js';
import type { ResponsesRepository } from './responses.repository.js';
import type { GenerateBody } from './responses.schemas.js';

export interface GenerateOptions {
  /** Aborts outstanding provider calls (the client went away). */
  signal?: AbortSignal;
  /** Ask providers for token deltas (reported as `delta` events). */
  stream?: boolean;
  onEvent?: (event: GenerationEvent) => void;
}

/** A checked generation request, ready to run. */
export interface GenerationPlan {
  experimentId: number;
  count: number;
  prompt: string;
  /** The request replaced the experiment's prompt. */
  promptOverride: boolean;
  parameters: Parameters;
  resolved: ResolvedModel;
  cache: boolean;
}

type Attempt =
  | { ok: true; response: ResponseDto }
  | { ok: false; response: ResponseDto; details: Record<string, unknown> };

/** The outcome plus why each failed attempt failed (kept out of the response bodies). */
export interface GenerationRun {
  outcome: GenerationOutcome;
  failures: Record<string, unknown>[];
}

/** Generates N responses for an experiment, storing every attempt, successful or not. */
export class GenerationService {
  constructor(
    private readonly experiments: ExperimentsRepository,
    private readonly responses: ResponsesRepository,
    private readonly registry: ProviderRegistry,
    private readonly cache: ResponseCache,
    private readonly logger: Logger,
    /** Scores each completed response inline (until a job queue takes this over). */
    private readonly scoring?: ScoringService,
    /** Where WebSocket watchers hear about progress. */
    private readonly events?: EventBus,
  ) {}

  async generate(
    auth: AuthContext,
    body: GenerateBody,
    options: GenerateOptions = {},
  ): Promise<GenerationRun> {
    return this.run(await this.prepare(auth, body), options);
  }

  /**
   * Checks everything that can be refused before any work starts (experiment access,
   * provider), so a streaming client still gets a plain HTTP error for those.
   */
  prepare(auth: AuthContext, body: GenerateBody): Promise<GenerationPlan> {
    return this.plan(auth, body);
  }

  async run(plan: GenerationPlan, options: GenerateOptions = {}): Promise<GenerationRun> {
    const emit = (event: GenerationEvent) => {
      options.onEvent?.(event);
      if (this.events) publishGenerationEvent(this.events, plan.experimentId, event);
    };
    const firstIteration = (await this.responses.lastIteration(plan.experimentId)) + 1;

    await this.experiments.update(plan.experimentId, { status: 'running' });
    emit({
      type: 'started',
      experiment_id: plan.experimentId,
      count: plan.count,
      provider: plan.resolved.providerId,
      model: plan.resolved.model,
    });
    // All N start at once; the provider's concurrency limit decides how many run together.
    const attempts = await Promise.all(
      Array.from({ length: plan.count }, (_, index) =>
        this.attempt(plan, index, firstIteration + index, options, emit),
      ),
    );
    const succeeded = attempts.filter((a) => a.ok);
    await this.experiments.update(plan.experimentId, {
      status: succeeded.length > 0 ? 'completed' : 'failed',
    });

    const outcome = summarize(plan.experimentId, attempts);
    emit({ type: 'summary', outcome });
    return { outcome, failures: attempts.flatMap((a) => (a.ok ? [] : [a.details])) };
  }

  /** Raises the LLM_SERVICE_ERROR a JSON client gets when every generation failed. */
  static assertAnySucceeded({ outcome, failures }: GenerationRun): void {
    if (outcome.total_generated > 0 || outcome.responses.length === 0) return;
    const first = outcome.responses[0]!;
    throw new LlmServiceError(`Every generation failed: ${first.error ?? 'provider error'}`, {
      ...failures[0],
      failed_response_ids: outcome.responses.map((r) => r.id),
    });
  }

  private async plan(auth: AuthContext, body: GenerateBody): Promise<GenerationPlan> {
    const experiment = await this.experiments.findById(
      ownerScope(auth),
      body.experiment_id,
      'list',
    );
    if (!experiment) throw new NotFoundError('Experiment', body.experiment_id);
    const model = body.model ?? String(experiment.model);
    const providerHint =
      body.provider ?? (body.model ? null : ((experiment.provider as string | null) ?? null));
    const resolved = resolveUsableModel(this.registry, model, providerHint);
    return {
      experimentId: body.experiment_id,
      count: body.count,
      prompt: body.prompt ?? String(experiment.prompt),
      promptOverride: body.prompt !== undefined && body.prompt !== experiment.prompt,
      parameters: withDefaults(
        body.parameters,
        withDefaults(experiment.parameters as PartialParameters),
      ),
      resolved,
      cache: body.cache,
    };
  }

  private async attempt(
    plan: GenerationPlan,
    index: number,
    iteration: number,
    options: GenerateOptions,
    emit: (event: GenerationEvent) => void,
  ): Promise<Attempt> {
    const { resolved } = plan;
    const responseId = await this.responses.createPending({
      experiment_id: plan.experimentId,
      provider: resolved.providerId,
      model: resolved.model,
      parameters: plan.parameters as unknown as Record<string, unknown>,
      iteration,
    });
    const started = performance.now();
    try {
      // The cache key uses the position within this request (sample 1..N), not the ever-growing
      // iteration: asking again for N samples of identical settings is what the cache serves.
      const key = responseCacheKey({
        provider: resolved.providerId,
        model: resolved.model,
        prompt: plan.prompt,
        parameters: plan.parameters,
        iteration: index + 1,
      });
      const cached = plan.cache ? await this.cache.get(key) : undefined;
      const request: GenerateRequest = {
        prompt: plan.prompt,
        model: resolved.model,
        parameters: plan.parameters,
        iteration,
        ...(options.signal ? { signal: options.signal } : {}),
      };
      const result =
        cached ?? (await this.call(resolved.provider, request, responseId, index, options, emit));
      await this.responses.complete(responseId, {
        content: result.content,
        model: result.model,
        response_time:
          round((cached ? performance.now() - started : result.latencyMs) / 1000, 3) ?? 0,
        cost: cached
          ? 0
          : this.registry.catalog.cost(resolved.providerId, resolved.model, result.tokenUsage),
        token_count: result.tokenUsage.total,
        prompt_tokens: result.tokenUsage.prompt,
        completion_tokens: result.tokenUsage.completion,
        finish_reason: result.finishReason,
        cached: cached !== undefined,
        metadata: {
          ...result.metadata,
          token_usage_source: result.tokenUsage.source,
          // The scoring of a stored response needs the prompt it answered.
          ...(plan.promptOverride ? { prompt: plan.prompt } : {}),
        },
      });
      if (plan.cache && !cached) await this.cache.set(key, result);
      // Watchers hear of the response first, then of its scores.
      const response = toResponseDto((await this.responses.findById(responseId))!);
      emit({ type: 'response', index, response });
      const metrics = await this.scoring?.autoScoreResponse(responseId, {
        content: result.content,
        prompt: plan.prompt,
        finishReason: result.finishReason,
      });
      if (metrics) {
        const scored = toResponseMetricsDto(metrics);
        response.quality_metrics = scored.metrics;
        emit({ type: 'quality_calculated', index, response_id: responseId, metrics: scored });
      }
      return { ok: true, response };
    } catch (err) {
      const failure = describeFailure(err, resolved.providerId, options.signal);
      if (!(err instanceof ProviderError))
        this.logger.error({ err, responseId }, 'generation failed unexpectedly');
      await this.responses.fail(responseId, failure.message, failure.details);
      const response = toResponseDto((await this.responses.findById(responseId))!);
      emit({
        type: 'error',
        index,
        response_id: responseId,
        error: { code: 'LLM_SERVICE_ERROR', message: failure.message, details: failure.details },
      });
      return { ok: false, response, details: failure.details };
    }
  }

  /** One provider call; streams deltas to `emit` when the client asked for a stream. */
  private async call(
    target: LlmProvider,
    request: GenerateRequest,
    responseId: number,
    index: number,
    options: GenerateOptions,
    emit: (event: GenerationEvent) => void,
  ): Promise<GenerateResult> {
    if (!options.stream) return target.generate(request);
    for await (const chunk of target.stream(request)) {
      if (chunk.type === 'delta')
        emit({ type: 'delta', index, response_id: responseId, text: chunk.text });
      else return chunk.result;
    }
    throw new ProviderError('The stream ended without a final result', {
      provider: target.id,
      retryable: false,
    });
  }
}

function describeFailure(
  err: unknown,
  provider: string,
  signal: AbortSignal | undefined,
): { message: string; details: Record<string, unknown> } {
  if (signal?.aborted) {
    return {
      message: 'Cancelled: the client disconnected before this response finished',
      details: { provider, cancelled: true },
    };
  }
  if (err instanceof ProviderError) {
    return {
      message: err.message,
      details: {
        provider: err.provider,
        status: err.status ?? null,
        retries: err.retries,
        retryable: err.retryable,
      },
    };
  }
  return { message: 'Generation failed unexpectedly', details: { provider } };
}

function summarize(experimentId: number, attempts: Attempt[]): GenerationOutcome {
  const ok = attempts.filter((a) => a.ok).map((a) => a.response);
  const times = ok.map((r) => r.response_time).filter((t): t is number => t !== null);
  return {
    experiment_id: experimentId,
    responses: attempts.map((a) => a.response),
    total_generated: ok.length,
    total_errors: attempts.length - ok.length,
    batch_summary: {
      total_cost:
        round(
          ok.reduce((sum, r) => sum + (r.cost ?? 0), 0),
          6,
        ) ?? 0,
      total_tokens: ok.reduce((sum, r) => sum + (r.token_count ?? 0), 0),
      average_response_time: times.length
        ? round(times.reduce((a, b) => a + b, 0) / times.length, 3)
        : null,
    },
  };
}
