import type { Config } from '../../config/index.js';
import { ValidationError } from '../../lib/errors.js';
import type { ProviderRegistry } from '../../llm/registry.js';
import { HeuristicEngine } from '../../quality/heuristic-engine.js';
import { PooledHeuristicEngine } from '../../quality/pooled-heuristic-engine.js';
import { HybridEngine } from '../../quality/judge/hybrid-engine.js';
import { JudgeEngine } from '../../quality/judge/judge-engine.js';
import { DEFAULT_WEIGHTS, overallQuality } from '../../quality/overall.js';
import { resolveUsableModel } from '../models/resolve-usable-model.js';
import type { CalculationMethod, Dimension, QualityEngine } from '../../quality/types.js';

/** Who grades for llm_judge/hybrid: a request may name its own judge. */
export interface JudgeChoice {
  provider?: string;
  model?: string;
  samples?: number;
}

/**
 * Builds the scoring engines from configuration: one heuristic engine for the process, and
 * judge/hybrid engines on demand for the configured (or requested) judge model.
 */
export class QualityEngines {
  readonly heuristic: HeuristicEngine | PooledHeuristicEngine;
  readonly weights: Record<Dimension, number>;

  constructor(
    private readonly registry: ProviderRegistry,
    private readonly quality: Config['quality'],
  ) {
    this.weights = {
      ...DEFAULT_WEIGHTS,
      ...(quality.weights as Partial<Record<Dimension, number>>),
    };
    this.heuristic =
      quality.threads > 0
        ? new PooledHeuristicEngine({ threads: quality.threads, weights: this.weights })
        : new HeuristicEngine({ weights: this.weights });
  }

  /** Ends the scoring threads, if any. */
  async close(): Promise<void> {
    if (this.heuristic instanceof PooledHeuristicEngine) await this.heuristic.close();
  }

  get defaultMethod(): CalculationMethod {
    return this.quality.method;
  }

  get(method: CalculationMethod = this.quality.method, judge: JudgeChoice = {}): QualityEngine {
    if (method === 'heuristic') return this.heuristic;
    const judgeEngine = this.judge(judge);
    if (method === 'llm_judge') return judgeEngine;
    return new HybridEngine({
      heuristic: this.heuristic,
      judge: judgeEngine,
      overall: this.overall,
    });
  }

  private readonly overall = (dimensions: Parameters<typeof overallQuality>[0]) =>
    overallQuality(dimensions, this.weights);

  private judge(choice: JudgeChoice): JudgeEngine {
    const model = choice.model ?? this.quality.judge.model ?? this.registry.defaults.model;
    const providerHint = choice.provider ?? this.quality.judge.provider ?? null;
    const resolved = resolveUsableModel(this.registry, model, providerHint, 'judge_provider');
    if (resolved.providerId === 'mock') {
      // The mock writes prose, not grades: every rubric would come back unparseable.
      throw new ValidationError('The offline mock provider cannot act as a judge', {
        field: 'judge_model',
        value: model,
        expected:
          'A real model: pass judge_provider/judge_model, or set QUALITY_JUDGE_PROVIDER and QUALITY_JUDGE_MODEL',
      });
    }
    return new JudgeEngine({
      provider: resolved.provider,
      model: resolved.model,
      samples: choice.samples ?? this.quality.judge.samples,
      overall: this.overall,
      pricing: this.registry.catalog,
    });
  }
}
