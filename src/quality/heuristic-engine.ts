/**
 * The heuristic quality engine: one shared text analysis, then each requested dimension's
 * pure scorer. Offline, deterministic and fast enough for the hot path of every sweep.
 */
import { analyzeText, HEURISTIC_SCORERS } from './heuristic/index.js';
import { overallQuality, DEFAULT_WEIGHTS } from './overall.js';
import {
  DIMENSIONS,
  type Dimension,
  type DimensionResult,
  type QualityEngine,
  type QualityReport,
  type ScoreOptions,
  type ScoringInput,
} from './types.js';

export interface HeuristicEngineOptions {
  /** Weights for overall_quality (default DEFAULT_WEIGHTS). */
  weights?: Partial<Record<Dimension, number>>;
}

export class HeuristicEngine implements QualityEngine {
  readonly method = 'heuristic' as const;
  private readonly weights: Partial<Record<Dimension, number>>;

  constructor(options: HeuristicEngineOptions = {}) {
    this.weights = options.weights ?? DEFAULT_WEIGHTS;
  }

  async score(input: ScoringInput, options: ScoreOptions = {}): Promise<QualityReport> {
    options.signal?.throwIfAborted();
    return this.scoreSync(input, options);
  }

  /** The same report, synchronously (benchmarks, sweeps, batch scoring). */
  scoreSync(input: ScoringInput, options: ScoreOptions = {}): QualityReport {
    const started = performance.now();
    const wanted = options.dimensions?.length ? options.dimensions : DIMENSIONS;
    const analysis = analyzeText(input);
    const dimensions: Partial<Record<Dimension, DimensionResult>> = {};
    for (const dimension of DIMENSIONS) {
      if (wanted.includes(dimension))
        dimensions[dimension] = HEURISTIC_SCORERS[dimension](analysis, input);
    }
    return {
      method: this.method,
      overall_quality: overallQuality(dimensions, this.weights),
      dimensions,
      processingMs: Math.round((performance.now() - started) * 1000) / 1000,
      metadata: {
        words: analysis.wordCount,
        sentences: analysis.sentences.length,
        analysed_chars: analysis.text.length,
        capped: analysis.capped,
        task: analysis.prompt?.task ?? null,
        source_in_prompt: Boolean(analysis.prompt?.source),
      },
    };
  }
}
