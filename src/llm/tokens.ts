import { countTokens as countGptTokens } from 'gpt-tokenizer';

/**
 * Counts tokens with the cl100k/o200k-family tokenizer from gpt-tokenizer. Used when a
 * provider reports no usage (and by the mock); for non-OpenAI models it is an estimate, and
 * results say so (`tokenUsage.source`).
 */
export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  return countGptTokens(text);
}
