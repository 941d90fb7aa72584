/** The LLM-as-judge engine (`llm_judge`) and the hybrid engine (`hybrid`). */
export {
  JudgeEngine,
  JudgeFailedError,
  MAX_JUDGE_SAMPLES,
  type JudgeEngineOptions,
} from './judge-engine.js';
export { HybridEngine, type HybridEngineOptions } from './hybrid-engine.js';
export { judgeDimension, type JudgeFailure, type JudgeSettings } from './judge-dimension.js';
export type { JudgePricing, JudgeUsageSummary } from './judge-usage.js';
export {
  parseScore,
  probabilityWeightedScore,
  toPercent,
  weightedScoreFromLogprobs,
  type ParsedScore,
  type ScoreParseResult,
} from './parse-score.js';
export { buildJudgePrompt, JUDGE_SCALE, RUBRICS, type JudgePromptOptions } from './rubrics.js';
export type { StabilityReport } from './stability.js';
export { meanOverall, type OverallFunction } from './stats.js';
