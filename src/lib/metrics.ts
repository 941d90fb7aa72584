import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobQueue } from '../jobs/job-queue.js';
import { QUEUE_NAMES } from '../jobs/queues.js';
import type {
  GenerateRequest,
  GenerateResult,
  LlmProvider,
  StreamChunk,
  TokenUsage,
} from '../llm/types.js';

/** USD for a call's tokens (the model catalogue's price list). */
export type CostOf = (provider: string, model: string, usage: TokenUsage) => number;

/**
 * The Prometheus metrics of one process (one app and its services), in a registry of its own
 * so that several apps in one process (tests) never share or collide.
 */
export class AppMetrics {
  readonly registry = new Registry();
  private defaultsOn = false;

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern (no ids) and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly httpErrors = new Counter({
    name: 'http_errors_total',
    help: 'Error responses by the error envelope code (VALIDATION_ERROR, NOT_FOUND, …)',
    labelNames: ['code', 'status'] as const,
    registers: [this.registry],
  });

  readonly llmTokens = new Counter({
    name: 'llm_tokens_total',
    help: 'Tokens consumed by LLM calls, by provider, model and kind (prompt, completion)',
    labelNames: ['provider', 'model', 'kind'] as const,
    registers: [this.registry],
  });

  readonly llmCost = new Counter({
    name: 'llm_cost_usd_total',
    help: 'Estimated USD spent on LLM calls (catalogue prices), by provider and model',
    labelNames: ['provider', 'model'] as const,
    registers: [this.registry],
  });

  readonly llmRequests = new Counter({
    name: 'llm_requests_total',
    help: 'LLM calls by provider, model and outcome (success, error), retries included',
    labelNames: ['provider', 'model', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'job_duration_seconds',
    help: 'Background job run time by queue and outcome (completed, failed)',
    labelNames: ['queue', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });

  readonly securityEvents = new Counter({
    name: 'security_events_total',
    help: 'Security events (failed logins, rejected credentials, 403s, rate-limit hits…) by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  /**
   * Reports the job queue's depth at each scrape (waiting, active, delayed per queue). A
   * queue that cannot answer (Redis down) is left out of that scrape rather than failing it.
   */
  watchQueue(jobs: JobQueue): void {
    new Gauge({
      name: 'job_queue_depth',
      help: 'Jobs per queue and state (waiting, active, delayed) at scrape time',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const queue of QUEUE_NAMES) {
          const counts = await jobs.counts(queue).catch(() => undefined);
          if (!counts) continue;
          for (const state of ['waiting', 'active', 'delayed'] as const) {
            this.set({ queue, state }, counts[state]);
          }
        }
      },
    });
  }

  /** The text exposition; process metrics are registered on the first scrape. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    if (!this.defaultsOn) {
      // Lazily: the default collectors start an event-loop monitor per registry, which
      // processes (and test apps) that are never scraped should not pay for.
      this.defaultsOn = true;
      collectDefaultMetrics({ register: this.registry });
    }
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Counts tokens and cost of one provider answer. */
  recordUsage(provider: string, model: string, usage: TokenUsage, costUsd: number): void {
    this.llmRequests.inc({ provider, model, outcome: 'success' });
    this.llmTokens.inc({ provider, model, kind: 'prompt' }, usage.prompt);
    this.llmTokens.inc({ provider, model, kind: 'completion' }, usage.completion);
    if (costUsd > 0) this.llmCost.inc({ provider, model }, costUsd);
  }

  /**
   * Wraps a provider so every answer it returns (generation, batch cells, judge calls) is
   * counted once, whoever called it. Goes outside the resilience wrapper: retries that
   * ended in an answer count once, a call that failed for good counts as an error.
   */
  meterProvider(provider: LlmProvider, costOf: CostOf): LlmProvider {
    const record = (request: GenerateRequest, result: GenerateResult) =>
      this.recordUsage(
        provider.id,
        request.model,
        result.tokenUsage,
        costOf(provider.id, request.model, result.tokenUsage),
      );
    const failed = (request: GenerateRequest) =>
      this.llmRequests.inc({ provider: provider.id, model: request.model, outcome: 'error' });
    return Object.assign(Object.create(provider) as LlmProvider, {
      generate: async (request: GenerateRequest) => {
        try {
          const result = await provider.generate(request);
          record(request, result);
          return result;
        } catch (err) {
          failed(request);
          throw err;
        }
      },
      stream: (request: GenerateRequest): AsyncIterable<StreamChunk> => ({
        [Symbol.asyncIterator]: async function* () {
          try {
            for await (const chunk of provider.stream(request)) {
              if (chunk.type === 'done') record(request, chunk.result);
              yield chunk;
            }
          } catch (err) {
            failed(request);
            throw err;
          }
        },
      }),
    });
  }

  /** Wraps a job queue so each handler run is timed by queue and outcome. */
  timeJobs(jobs: JobQueue): JobQueue {
    const histogram = this.jobDuration;
    const process: JobQueue['process'] = (queue, handler, opts) =>
      jobs.process(
        queue,
        async (payload, ctx) => {
          const end = histogram.startTimer({ queue });
          try {
            await handler(payload, ctx);
            end({ outcome: 'completed' });
          } catch (err) {
            end({ outcome: 'failed' });
            throw err;
          }
        },
        opts,
      );
    return new Proxy(jobs, {
      get(target, prop) {
        if (prop === 'process') return process;
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function'
          ? (value as (...a: unknown[]) => unknown).bind(target)
          : value;
      },
    });
  }
}
