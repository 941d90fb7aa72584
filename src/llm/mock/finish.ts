import { countTokens } from '../tokens.js';
import type { FinishReason } from '../types.js';
import type { Rng } from './prng.js';

/**
 * Ending a generation the way a real API does: at the first stop sequence (which is not
 * included), or when max_tokens runs out, wherever that falls, mid-sentence included.
 */

export interface Finished {
  content: string;
  finishReason: FinishReason;
}

/** Text up to (not including) the earliest stop sequence, if any occurs. */
export function cutAtStop(text: string, stop: readonly string[] | undefined): string | undefined {
  let cut: number | undefined;
  for (const sequence of stop ?? []) {
    if (!sequence) continue;
    const at = text.indexOf(sequence);
    if (at >= 0 && (cut === undefined || at < cut)) cut = at;
  }
  return cut === undefined ? undefined : text.slice(0, cut);
}

/** Words with their trailing whitespace; joining them gives back the text exactly. */
export function splitWords(text: string): string[] {
  return text.split(/(?<=\s)(?=\S)/).filter((piece) => piece.length > 0);
}

/** The longest word-aligned prefix of `text` that fits in `maxTokens` tokens. */
export function truncateToTokens(text: string, maxTokens: number): string {
  if (maxTokens <= 0) return '';
  const words = splitWords(text);
  const prefix = (n: number): string => words.slice(0, n).join('').trimEnd();
  // Binary search on the word count: token counts grow monotonically with the prefix.
  let low = 0;
  let high = words.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (countTokens(prefix(mid)) <= maxTokens) low = mid;
    else high = mid - 1;
  }
  return prefix(low);
}

/** Applies stop sequences, then the token budget, and says why the text ended. */
export function finish(
  text: string,
  maxTokens: number,
  stop: readonly string[] | undefined,
): Finished {
  const stopped = cutAtStop(text, stop);
  const candidate = stopped ?? text;
  if (countTokens(candidate) > maxTokens) {
    return { content: truncateToTokens(candidate, maxTokens), finishReason: 'length' };
  }
  return { content: candidate, finishReason: 'stop' };
}

/** Splits content into stream deltas of one to four words; they concatenate to the content. */
export function streamChunks(content: string, rng: Rng): string[] {
  const words = splitWords(content);
  const chunks: string[] = [];
  for (let i = 0; i < words.length;) {
    const size = rng.int(1, 4);
    chunks.push(words.slice(i, i + size).join(''));
    i += size;
  }
  return chunks;
}
