import { countTokens } from '../../llm/tokens.js';
import type { ModelCatalog } from '../../llm/pricing.js';
import type { Combination } from './parameter-grid.js';

/** Completion tokens assumed per cell: most answers end well before a large max_tokens. */
const EXPECTED_COMPLETION_TOKENS = 300;

/** USD for the whole sweep: catalogue price × prompt tokens and expected completion tokens. */
export function estimateCost(
  catalog: ModelCatalog,
  provider: string,
  model: string,
  prompt: string,
  combinations: readonly Combination[],
  iterations: number,
): number {
  const promptTokens = countTokens(prompt);
  let total = 0;
  for (const c of combinations) {
    const completion = Math.min(c.max_tokens, EXPECTED_COMPLETION_TOKENS);
    total += catalog.cost(provider, model, { prompt: promptTokens, completion }) * iterations;
  }
  return total;
}

/**
 * Seconds for the sweep: cells × seconds per cell (measured on this model's recent responses,
 * else `fallbackSeconds`) over the cells run at once.
 */
export function estimateSeconds(cells: number, secondsPerCell: number, concurrency: number) {
  return (cells * secondsPerCell) / Math.max(1, concurrency);
}
