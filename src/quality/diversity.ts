/**
 * Diversity across the N responses of one setting: part of what temperature and top_p buy.
 * distinct-n (Li et al. 2016) over the pooled responses, and mean pairwise similarity
 * (Jaccard over word bigram sets, falling back to words for one-word texts).
 */

/** Lowercase word tokens (letters, digits, apostrophes inside words). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu) ?? [];
}

function ngrams(tokens: readonly string[], n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= tokens.length; i += 1) out.push(tokens.slice(i, i + n).join(' '));
  return out;
}

/**
 * distinct-n: distinct n-grams / total n-grams, pooled over all texts (n-grams do not cross
 * text boundaries). 0 when there are no n-grams; 1 when nothing repeats.
 */
export function distinctN(texts: readonly string[], n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError('n must be a positive integer');
  const seen = new Set<string>();
  let total = 0;
  for (const text of texts) {
    for (const gram of ngrams(words(text), n)) {
      seen.add(gram);
      total += 1;
    }
  }
  return total ? seen.size / total : 0;
}

/** Jaccard similarity of two sets (1 for two empty sets: nothing distinguishes them). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter += 1;
  return inter / (a.size + b.size - inter);
}

function shingles(text: string): Set<string> {
  const tokens = words(text);
  return new Set(tokens.length >= 2 ? ngrams(tokens, 2) : tokens);
}

/**
 * Mean Jaccard similarity of word-bigram sets over all pairs of texts: 1 = identical
 * responses, 0 = no shared phrasing. NaN with fewer than two texts (no pair to compare).
 */
export function meanPairwiseSimilarity(texts: readonly string[]): number {
  if (texts.length < 2) return Number.NaN;
  const sets = texts.map(shingles);
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < sets.length; i += 1) {
    for (let j = i + 1; j < sets.length; j += 1) {
      sum += jaccard(sets[i]!, sets[j]!);
      pairs += 1;
    }
  }
  return sum / pairs;
}

export interface DiversityReport {
  distinct_1: number;
  distinct_2: number;
  /** null with fewer than two responses. */
  mean_pairwise_similarity: number | null;
  n: number;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** The diversity figures for the N responses of one setting, rounded to 3 decimals. */
export function diversityReport(texts: readonly string[]): DiversityReport {
  const similarity = meanPairwiseSimilarity(texts);
  return {
    distinct_1: round3(distinctN(texts, 1)),
    distinct_2: round3(distinctN(texts, 2)),
    mean_pairwise_similarity: Number.isNaN(similarity) ? null : round3(similarity),
    n: texts.length,
  };
}
