/**
 * The quality engine's contract. Pure library code (no Express, no Sequelize): the API, the
 * worker and the benchmarks all score through these types.
 */

/** The spec's quality dimensions, each scored 0-100. */
export const DIMENSIONS = [
  'coherence',
  'creativity',
  'readability',
  'completeness',
  'factual_accuracy',
  'relevance',
  'engagement',
  'technical_depth',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The quality_metrics column that stores each dimension (the spec's names). */
export const DIMENSION_COLUMNS: Record<Dimension, string> = {
  coherence: 'coherence_score',
  creativity: 'creativity_score',
  readability: 'readability_score',
  completeness: 'completeness_score',
  factual_accuracy: 'factual_accuracy',
  relevance: 'relevance_score',
  engagement: 'engagement_score',
  technical_depth: 'technical_depth',
};

export const CALCULATION_METHODS = ['heuristic', 'llm_judge', 'hybrid'] as const;
export type CalculationMethod = (typeof CALCULATION_METHODS)[number];

/** What is scored: a response and, when known, the prompt that produced it. */
export interface ScoringInput {
  content: string;
  prompt?: string;
  /** `length` means the provider cut the response at max_tokens. */
  finishReason?: string;
}

/** One dimension's verdict, specific to the text (which sentence, which phrase, which part). */
export interface DimensionResult {
  score: number;
  explanation: string;
  suggestions: string[];
  /** The measurements behind the score (for people and for debugging). */
  evidence?: Record<string, unknown>;
}

export interface QualityReport {
  method: CalculationMethod;
  /** Weighted mean of the scored dimensions, 0-100. */
  overall_quality: number;
  dimensions: Partial<Record<Dimension, DimensionResult>>;
  /** Wall time spent scoring, in milliseconds. */
  processingMs: number;
  /** Engine-specific extras (judge model, stability spread…). */
  metadata?: Record<string, unknown>;
}

export interface ScoreOptions {
  /** Only these dimensions (default: all). */
  dimensions?: readonly Dimension[];
  signal?: AbortSignal;
}

export interface QualityEngine {
  readonly method: CalculationMethod;
  score(input: ScoringInput, options?: ScoreOptions): Promise<QualityReport>;
}
