/**
 * Source material carried in the prompt (the article to summarise, the passage to answer
 * from): its vocabulary for "is this supported?" checks and a salience weight per term for
 * "did the response keep what matters?".
 */
import { zipf } from './nlp.js';
import { isWordType, namesIn, type ParsedText } from './parse.js';

export interface SalientTerm {
  stem: string;
  surface: string;
  weight: number;
}

export interface SourceMaterial {
  wordCount: number;
  /** Content-word stem → count. */
  tf: Map<string, number>;
  contentTotal: number;
  /** Content-word stem → salience (frequency × specificity × earliness). */
  salience: Map<string, number>;
  /** The most salient terms, best first. */
  topTerms: SalientTerm[];
  /** Lowercase word forms and stems of every word. */
  words: Set<string>;
  bigrams: Set<string>;
  trigrams: Set<string>;
  numbers: Set<string>;
  /** Words the source spells as names, lowercase (so "rodgers" is not a rare word). */
  names: Set<string>;
}

const TOP_TERMS = 20;

/** Word and number tokens of each sentence, lowercase (punctuation dropped). */
export function sentenceWords(parsed: ParsedText): string[][] {
  return parsed.sentences.map((s) => {
    const out: string[] = [];
    for (let i = s.start; i <= s.end; i += 1) {
      if (isWordType(parsed.type[i]!)) out.push(parsed.normal[i]!);
    }
    return out;
  });
}

/** Numbers as digits only ("1,200" → "1200"), so formatting differences do not count. */
export function normalizeNumber(token: string): string {
  return token.replace(/[,\s]/g, '');
}

const NUMBER_WORDS: Record<string, string> = {
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  ten: '10',
  eleven: '11',
  twelve: '12',
  thirteen: '13',
  fourteen: '14',
  fifteen: '15',
  sixteen: '16',
  seventeen: '17',
  eighteen: '18',
  nineteen: '19',
  twenty: '20',
  thirty: '30',
  forty: '40',
  fifty: '50',
  sixty: '60',
  seventy: '70',
  eighty: '80',
  ninety: '90',
  hundred: '100',
  thousand: '1000',
  million: '1000000',
  billion: '1000000000',
  first: '1',
  second: '2',
  third: '3',
  fourth: '4',
  fifth: '5',
  dozen: '12',
};

/**
 * The numeric values a token states: "7-2" → 7 and 2, "$12m" → 12, "83rd" → 83, "seven" → 7.
 * A number in a response is supported when each of its values occurs in the source.
 */
export function numericValues(token: string): string[] {
  // Own keys only: "constructor" or "toString" in a text are words, not numbers.
  const word = Object.hasOwn(NUMBER_WORDS, token) ? NUMBER_WORDS[token] : undefined;
  if (word) return [word];
  return normalizeNumber(token).match(/\d+(?:\.\d+)?/g) ?? [];
}

/** Specificity of a word from its corpus frequency: common words ~0.4, rare ones up to 2. */
export function specificity(word: string): number {
  return Math.min(2, Math.max(0.4, (7 - zipf(word)) / 2.5));
}

export function buildSource(parsed: ParsedText): SourceMaterial {
  const tf = new Map<string, number>();
  const firstSentence = new Map<string, number>();
  const surfaces = new Map<string, string>();
  const words = new Set<string>();
  const numbers = new Set<string>();
  const bigrams = new Set<string>();
  const trigrams = new Set<string>();
  let contentTotal = 0;
  let wordCount = 0;
  parsed.sentences.forEach((s, si) => {
    for (let i = s.start; i <= s.end; i += 1) {
      const type = parsed.type[i]!;
      if (!isWordType(type)) continue;
      wordCount += 1;
      const normal = parsed.normal[i]!;
      words.add(normal);
      for (const value of numericValues(normal)) numbers.add(value);
      const stem = parsed.content[i];
      if (!stem) continue;
      words.add(stem);
      contentTotal += 1;
      tf.set(stem, (tf.get(stem) ?? 0) + 1);
      if (!firstSentence.has(stem)) {
        firstSentence.set(stem, si);
        surfaces.set(stem, normal);
      }
    }
  });
  for (const seq of sentenceWords(parsed)) {
    for (let i = 0; i + 1 < seq.length; i += 1) {
      bigrams.add(`${seq[i]} ${seq[i + 1]}`);
      if (i + 2 < seq.length) trigrams.add(`${seq[i]} ${seq[i + 1]} ${seq[i + 2]}`);
    }
  }
  // Topic terms recur, are specific, and are introduced early (headline, lead, topic sentence).
  const lastSentence = Math.max(1, parsed.sentences.length - 1);
  const salience = new Map<string, number>();
  for (const [stem, count] of tf) {
    const earliness = 1 - firstSentence.get(stem)! / lastSentence;
    const weight =
      (1 + Math.log(count)) * specificity(surfaces.get(stem)!) * (0.6 + 0.8 * earliness);
    salience.set(stem, weight);
  }
  const topTerms = [...salience]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP_TERMS)
    .map(([stem, weight]) => ({ stem, surface: surfaces.get(stem)!, weight }));
  return {
    wordCount,
    tf,
    contentTotal,
    salience,
    topTerms,
    words,
    bigrams,
    trigrams,
    numbers,
    names: namesIn(parsed),
  };
}
