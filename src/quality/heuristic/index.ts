/** The heuristic dimensions, one pure scorer per file, registered by dimension. */
import type { Dimension } from '../types.js';
import { scoreCoherence } from './coherence.js';
import { scoreCompleteness } from './completeness.js';
import { scoreCreativity } from './creativity.js';
import { scoreEngagement } from './engagement.js';
import { scoreFactualAccuracy } from './factual-accuracy.js';
import { scoreReadability } from './readability.js';
import { scoreRelevance } from './relevance.js';
import type { Scorer } from './scorer.js';
import { scoreTechnicalDepth } from './technical-depth.js';

export type { Scorer } from './scorer.js';
export { analyzeText, type TextAnalysis } from './analysis.js';

export const HEURISTIC_SCORERS: Record<Dimension, Scorer> = {
  coherence: scoreCoherence,
  creativity: scoreCreativity,
  readability: scoreReadability,
  completeness: scoreCompleteness,
  factual_accuracy: scoreFactualAccuracy,
  relevance: scoreRelevance,
  engagement: scoreEngagement,
  technical_depth: scoreTechnicalDepth,
};
