import { LlmServiceError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { ProviderError } from '../../llm/types.js';
import { JudgeFailedError } from '../../quality/judge/judge-engine.js';
import type {
  CalculationMethod,
  Dimension,
  QualityReport,
  ScoringInput,
} from '../../quality/types.js';
import type { MetricsRepository, MetricsRow } from './metrics.repository.js';
import type { JudgeChoice, QualityEngines } from './quality-engines.js';

export interface ScoreRequest {
  method?: CalculationMethod;
  judge?: JudgeChoice;
  dimensions?: readonly Dimension[];
}

/** Scores texts with the configured engines and stores the scores of stored responses. */
export class ScoringService {
  constructor(
    private readonly engines: QualityEngines,
    private readonly metrics: MetricsRepository,
    private readonly logger: Logger,
    readonly autoScore: boolean,
  ) {}

  get defaultMethod(): CalculationMethod {
    return this.engines.defaultMethod;
  }

  /** The engine a request would use; throws its 400/503 when it cannot be built. */
  engineFor(request: Pick<ScoreRequest, 'method' | 'judge'> = {}) {
    return this.engines.get(request.method, request.judge);
  }

  /** Scores with the requested engine; a judge's failure becomes LLM_SERVICE_ERROR. */
  async score(input: ScoringInput, request: ScoreRequest = {}): Promise<QualityReport> {
    const engine = this.engineFor(request);
    try {
      return await engine.score(
        input,
        request.dimensions ? { dimensions: request.dimensions } : {},
      );
    } catch (err) {
      if (err instanceof ProviderError) {
        throw new LlmServiceError(
          `The judge model failed: ${err.message}`,
          { provider: err.provider, status: err.status ?? null, retries: err.retries },
          { cause: err },
        );
      }
      if (err instanceof JudgeFailedError) {
        throw new LlmServiceError(
          err.message,
          { reason: 'judge_unparseable', failures: err.failures },
          { cause: err },
        );
      }
      throw err;
    }
  }

  /** Scores every dimension of a stored response and makes it the response's metrics row. */
  async scoreAndStore(
    responseId: number,
    input: ScoringInput,
    request: ScoreRequest = {},
  ): Promise<MetricsRow> {
    const report = await this.score(input, { ...request, dimensions: undefined });
    return this.metrics.replace(responseId, report);
  }

  /**
   * The automatic scoring after a generation: never fails the generation. Returns undefined
   * (and logs) when scoring is off or fails.
   */
  async autoScoreResponse(
    responseId: number,
    input: ScoringInput,
  ): Promise<MetricsRow | undefined> {
    if (!this.autoScore) return undefined;
    try {
      return await this.scoreAndStore(responseId, input);
    } catch (err) {
      this.logger.warn({ err, responseId }, 'automatic quality scoring failed');
      return undefined;
    }
  }
}
