import { createRequire } from 'node:module';

type Counter = (text: string) => number;

let counter: Counter | undefined;

/**
 * gpt-tokenizer's o200k table costs ~70 MB of memory once loaded, so it is loaded on the first
 * count rather than at start-up: API processes that only talk to providers reporting usage
 * (and workers that only export or score) never pay for it. Synchronous on purpose: the
 * counting call sites are synchronous.
 */
function tokenizer(): Counter {
  counter ??= (createRequire(import.meta.url)('gpt-tokenizer') as { countTokens: Counter })
    .countTokens;
  return counter;
}

/**
 * Counts tokens with the cl100k/o200k-family tokenizer from gpt-tokenizer. Used when a
 * provider reports no usage (and by the mock); for non-OpenAI models it is an estimate, and
 * results say so (`tokenUsage.source`).
 */
export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  return tokenizer()(text);
}
