/**
 * How far the text is from readable language (0 = ordinary prose, 1 = word salad). Every
 * content dimension presupposes intelligible text: rare words in a scrambled sequence are not
 * creativity, and prompt words scattered in noise do not answer the prompt. Signals: word order
 * English does not produce, doubled words, words no dictionary knows, sentences starting in
 * lowercase, stray punctuation, and too few function words.
 */
import type { GrammarSignals } from './grammar.js';
import { getNlp, zipf } from './nlp.js';
import type { ParsedText } from './parse.js';
import { ramp } from './text-utils.js';

export interface Intelligibility {
  /** 0 (reads as language) … 1 (word salad). */
  gibberish: number;
  /** Lowercase words that neither the wink lexicon nor SUBTLEX knows (and the prompt lacks). */
  unknownWords: string[];
  lowercaseStarts: number;
  strayPunctuation: string[];
}

const oovCache = new Map<string, boolean>();
let probe: ReturnType<ReturnType<typeof getNlp>['readDoc']> | undefined;

/** Unknown to both the wink lexicon (~87k forms) and SUBTLEX (74k words). */
function unknownWord(word: string): boolean {
  let hit = oovCache.get(word);
  if (hit === undefined) {
    if (oovCache.size > 50_000) oovCache.clear();
    probe ??= getNlp().readDoc('');
    hit = zipf(word) < 1.6 && probe.isOOV(word);
    oovCache.set(word, hit);
  }
  return hit;
}

const STRAY = /\s\/\s|(?<![.])\.\.(?!\.)|[,;:]\s*[,;:]|\s[,.;:]\s*[,.;:]|:\s+\w+:\s/g;

export function intelligibility(
  parsed: ParsedText,
  sentences: ReadonlyArray<{ start: number; listItem: boolean; lineEnd: boolean; words: string[] }>,
  grammar: GrammarSignals,
  promptWords: ReadonlySet<string>,
): Intelligibility {
  const unknown = new Set<string>();
  let words = 0;
  for (let i = 0; i < parsed.value.length; i += 1) {
    if (parsed.type[i] !== 'word') continue;
    words += 1;
    const value = parsed.value[i]!;
    if (
      value.length >= 4 &&
      /^[a-z]+$/.test(value) &&
      !promptWords.has(value) &&
      unknownWord(value)
    ) {
      unknown.add(value);
    }
  }
  // A lowercase style throughout is a choice; lowercase starts among capitalised ones are not.
  const starts = sentences.filter((s) => !s.listItem && s.words.length >= 3);
  const lower = starts.filter((s) => /^[a-z]/.test(parsed.value[s.start]!)).length;
  const lowerRate = lower < starts.length ? lower / Math.max(1, starts.length) : 0;
  const stray = parsed.text.match(STRAY) ?? [];
  const per100 = 100 / Math.max(1, words);
  const gibberish = Math.min(
    1,
    0.35 * ramp(grammar.implausibleRate, 0.01, 0.08) +
      0.3 * ramp(unknown.size / Math.max(1, words), 0.04, 0.12) +
      0.25 * ramp(grammar.doubled.length * per100, 0, 2) +
      0.2 * ramp(lowerRate, 0.05, 0.4) +
      0.2 * ramp(stray.length * per100, 0.5, 3) +
      // Telegraphic headlines run at ~25% function words; salad falls far below.
      0.3 * ramp(0.3 - grammar.functionWordRatio, 0.05, 0.2),
  );
  return {
    gibberish: words >= 8 ? gibberish : 0,
    unknownWords: [...unknown].slice(0, 10),
    lowercaseStarts: lower,
    strayPunctuation: stray.map((s) => s.trim()).slice(0, 10),
  };
}
