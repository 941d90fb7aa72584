/**
 * Cue-phrase matching on the analysed words (not regexes over the text): each list is
 * tokenised once by the same wink pipeline, so "I'm not sure" matches however it was written,
 * and a phrase never spans two sentences. Results are cached per analysis.
 */
import type { TextAnalysis } from './analysis.js';
import { getNlp } from './nlp.js';
import { isWordType } from './parse.js';

export interface PhraseHits {
  count: number;
  /** The phrases that occur, as listed. */
  found: string[];
  /** Hits per sentence index. */
  bySentence: number[];
}

interface Compiled {
  /** First word → phrases (as word arrays, with their listed spelling). */
  byFirst: Map<string, Array<{ words: string[]; phrase: string }>>;
}

const compiled = new WeakMap<readonly string[], Compiled>();
const results = new WeakMap<TextAnalysis, Map<readonly string[], PhraseHits>>();

function compile(list: readonly string[]): Compiled {
  let c = compiled.get(list);
  if (c) return c;
  const nlp = getNlp();
  const byFirst: Compiled['byFirst'] = new Map();
  for (const phrase of list) {
    const tokens = nlp.readDoc(phrase).tokens();
    const types = tokens.out(nlp.its.type) as string[];
    const words = (tokens.out(nlp.its.normal) as string[]).filter((_, i) => isWordType(types[i]!));
    if (words.length === 0) continue;
    const bucket = byFirst.get(words[0]!) ?? [];
    bucket.push({ words, phrase });
    byFirst.set(words[0]!, bucket);
  }
  c = { byFirst };
  compiled.set(list, c);
  return c;
}

/** Occurrences of the list's phrases in the response (cached per analysis and list). */
export function phraseHits(a: TextAnalysis, list: readonly string[]): PhraseHits {
  let perText = results.get(a);
  if (!perText) {
    perText = new Map();
    results.set(a, perText);
  }
  const cached = perText.get(list);
  if (cached) return cached;
  const { byFirst } = compile(list);
  const found = new Set<string>();
  const bySentence = a.sentences.map((s) => {
    let hits = 0;
    const w = s.words;
    for (let i = 0; i < w.length; i += 1) {
      const candidates = byFirst.get(w[i]!);
      if (!candidates) continue;
      for (const { words, phrase } of candidates) {
        let k = 1;
        while (k < words.length && w[i + k] === words[k]) k += 1;
        if (k === words.length) {
          hits += 1;
          found.add(phrase);
          break;
        }
      }
    }
    return hits;
  });
  const result = {
    count: bySentence.reduce((x, y) => x + y, 0),
    found: list.filter((p) => found.has(p)),
    bySentence,
  };
  perText.set(list, result);
  return result;
}
