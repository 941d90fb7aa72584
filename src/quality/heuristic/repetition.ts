/**
 * Repetition measures, computed once: repeated phrases (to quote), sentences that say the same
 * thing twice, and length-robust lexical diversity (MATTR).
 */
import { isWordType, type ParsedText } from './parse.js';

export interface RepeatedPhrase {
  phrase: string;
  count: number;
}

export interface Repetition {
  /** Longest repeated phrases (≥ 3 words, not only function words), most repeated first. */
  phrases: RepeatedPhrase[];
  /** Phrases of 2–5 words repeated back to back ("the nightlife, the nightlife"). */
  stutters: string[];
  /** Share of word trigrams that repeat an earlier one (0 = none). */
  trigramRepeatRate: number;
  /**
   * Sentences that mostly restate earlier ones: at least half of their (≥ 3) distinct content
   * words already appeared (at least four, with at most three new ones; or three quarters);
   * `earlier` is the sentence they overlap most.
   */
  restatements: Array<{ sentence: number; earlier: number; share: number }>;
  /** Moving-average type-token ratio over 50-word windows (length-independent diversity). */
  mattr: number;
  distinct1: number;
  distinct2: number;
}

const WINDOW = 50;
const MAX_SENTENCES_COMPARED = 150;

function mattr(ids: readonly number[], vocabSize: number): number {
  if (ids.length === 0) return 0;
  if (ids.length <= WINDOW) return new Set(ids).size / ids.length;
  const counts = new Int32Array(vocabSize);
  let distinct = 0;
  let total = 0;
  for (let i = 0; i < ids.length; i += 1) {
    if (counts[ids[i]!]!++ === 0) distinct += 1;
    if (i >= WINDOW && --counts[ids[i - WINDOW]!]! === 0) distinct -= 1;
    if (i >= WINDOW - 1) total += distinct / WINDOW;
  }
  return total / (ids.length - WINDOW + 1);
}

/** Extends a repeated trigram at positions a < b to the longest common run. */
function extend(seq: readonly string[], sent: readonly number[], a: number, b: number): string {
  let len = 3;
  while (
    b + len < seq.length &&
    seq[a + len] === seq[b + len] &&
    sent[b + len] === sent[b] &&
    a + len < b
  ) {
    len += 1;
  }
  return seq.slice(b, b + len).join(' ');
}

function findRestatements(
  sentences: ReadonlyArray<{ content: string[] }>,
): Repetition['restatements'] {
  const out: Repetition['restatements'] = [];
  const firstSeen = new Map<string, number[]>();
  sentences.forEach((s, i) => {
    const distinct = [...new Set(s.content)];
    if (i > 0 && distinct.length >= 3) {
      const hits = new Map<number, number>();
      let repeated = 0;
      for (const w of distinct) {
        const where = firstSeen.get(w);
        if (!where) continue;
        repeated += 1;
        for (const j of where) hits.set(j, (hits.get(j) ?? 0) + 1);
      }
      const share = repeated / distinct.length;
      // Sentences share a word or two by nature: a restatement repeats much and adds little.
      const fresh = distinct.length - repeated;
      if ((share >= 0.5 && repeated >= 4 && fresh <= 3) || share >= 0.75) {
        const earlier = [...hits].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0]![0];
        out.push({ sentence: i, earlier, share });
      }
    }
    for (const w of distinct) {
      const where = firstSeen.get(w);
      if (!where) firstSeen.set(w, [i]);
      else if (where.at(-1) !== i && where.length < 8) where.push(i);
    }
  });
  return out;
}

function stuttersOf(seq: readonly string[], sent: readonly number[]): string[] {
  const found = new Set<string>();
  for (let n = 2; n <= 5; n += 1) {
    for (let i = 0; i + 2 * n <= seq.length; i += 1) {
      if (sent[i] !== sent[i + 2 * n - 1]) continue;
      let same = true;
      for (let k = 0; k < n && same; k += 1) same = seq[i + k] === seq[i + n + k];
      if (same) found.add(seq.slice(i, i + n).join(' '));
    }
  }
  return [...found];
}

/** Word ids < 2^17 (the analysis cap keeps a text far below that), so trigram keys fit 2^51. */
const K = 131_072;

export function findRepetition(
  parsed: ParsedText,
  sentences: ReadonlyArray<{ content: string[] }>,
): Repetition {
  const seq: string[] = [];
  const sent: number[] = [];
  const stop: boolean[] = [];
  const ids: number[] = [];
  const vocab = new Map<string, number>();
  parsed.sentences.forEach((s, si) => {
    for (let i = s.start; i <= s.end; i += 1) {
      if (!isWordType(parsed.type[i]!)) continue;
      const w = parsed.normal[i]!;
      let id = vocab.get(w);
      if (id === undefined) {
        id = vocab.size;
        vocab.set(w, id);
      }
      seq.push(w);
      ids.push(id);
      sent.push(si);
      stop.push(parsed.stop[i]!);
    }
  });
  // Numeric n-gram keys: this loop runs on every scored response.
  const firstAt = new Map<number, number>();
  const counts = new Map<number, number>();
  const phrases = new Map<string, number>();
  let trigrams = 0;
  let repeats = 0;
  const bigrams = new Set<number>();
  let bigramTotal = 0;
  for (let i = 0; i + 1 < ids.length; i += 1) {
    if (sent[i] !== sent[i + 1]) continue;
    const pair = ids[i]! * K + ids[i + 1]!;
    bigrams.add(pair);
    bigramTotal += 1;
    if (i + 2 >= ids.length || sent[i] !== sent[i + 2]) continue;
    const key = pair * K + ids[i + 2]!;
    trigrams += 1;
    const seen = firstAt.get(key);
    if (seen === undefined) {
      firstAt.set(key, i);
      continue;
    }
    repeats += 1;
    const count = (counts.get(key) ?? 1) + 1;
    counts.set(key, count);
    if (!(stop[i] && stop[i + 1] && stop[i + 2])) {
      const phrase = extend(seq, sent, seen, i);
      phrases.set(phrase, Math.max(phrases.get(phrase) ?? 0, count));
    }
  }
  // Keep maximal phrases only: "was brought on in" hides its sub-phrases "was brought on".
  const list = [...phrases]
    .map(([phrase, count]) => ({ phrase, count }))
    .sort((x, y) => y.count - x.count)
    .slice(0, 200);
  const maximal = list.filter(
    (p) => !list.some((q) => q !== p && q.phrase.includes(p.phrase) && q.count >= p.count),
  );
  maximal.sort((x, y) => y.count - x.count || y.phrase.length - x.phrase.length);

  const restatements = findRestatements(sentences.slice(0, MAX_SENTENCES_COMPARED));
  return {
    phrases: maximal.slice(0, 10),
    stutters: stuttersOf(seq, sent),
    trigramRepeatRate: trigrams ? repeats / trigrams : 0,
    restatements,
    mattr: mattr(ids, vocab.size),
    distinct1: seq.length ? new Set(seq).size / seq.length : 0,
    distinct2: bigramTotal ? bigrams.size / bigramTotal : 0,
  };
}
