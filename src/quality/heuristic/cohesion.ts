/** Sentence-to-sentence links: what coherence reads between adjacent sentences. */
import { phraseHits } from './phrases.js';
import type { TextAnalysis } from './analysis.js';
import { CONNECTIVES, CONNECTIVE_PHRASES, REFERENCES } from './lexicon.js';
import { proseSentences } from './signals.js';

export interface Transition {
  /** Index of the later sentence. */
  sentence: number;
  /**
   * 1 = explicitly linked to the previous sentence (shared content word, pronoun, connective);
   * 0.5 = loosely (a definite "The …" that may refer back, a word from further back, or a
   * new paragraph, where a change of topic is expected); 0 = nothing ties it to what came before.
   */
  strength: number;
}

export function transitions(a: TextAnalysis): Transition[] {
  const prose = proseSentences(a);
  const out: Transition[] = [];
  const seen = new Set<string>(prose[0]?.content ?? []);
  for (let i = 1; i < prose.length; i += 1) {
    const prev = new Set(prose[i - 1]!.content);
    const cur = prose[i]!;
    const opener = cur.words[0] ?? '';
    const linked =
      cur.content.some((w) => prev.has(w)) ||
      cur.words.some((w) => REFERENCES.has(w)) ||
      CONNECTIVES.has(opener) ||
      phraseHits(a, CONNECTIVE_PHRASES).bySentence[cur.index]! > 0;
    // List items are parallel (the list ties them together); headings, salutations and other
    // short lines are structure, not steps in an argument.
    const shortLine = (s: typeof cur): boolean => s.lineEnd && s.words.length <= 6;
    if (cur.listItem || shortLine(cur) || shortLine(prose[i - 1]!)) {
      out.push({ sentence: cur.index, strength: 1 });
      for (const w of cur.content) seen.add(w);
      continue;
    }
    const loose = opener === 'the' || cur.paragraphStart || cur.content.some((w) => seen.has(w));
    out.push({ sentence: cur.index, strength: linked ? 1 : loose ? 0.5 : 0 });
    for (const w of cur.content) seen.add(w);
  }
  return out;
}

/** Connectives used: sentence-initial single words plus multi-word phrases anywhere. */
export function connectiveCount(a: TextAnalysis): number {
  return a.sentences.reduce(
    (n, s) => n + (CONNECTIVES.has(s.words[0] ?? '') ? 1 : 0),
    phraseHits(a, CONNECTIVE_PHRASES).count,
  );
}

/** Share of distinct openers among prose sentences (1 = every sentence starts differently). */
export function openerVariety(a: TextAnalysis): number {
  const prose = proseSentences(a);
  if (prose.length < 2) return 1;
  return (new Set(prose.map((s) => s.words[0])).size - 1) / (prose.length - 1);
}

/** Sentences tied to nothing: no pronoun, no content word shared with the text or prompt. */
export function strays(a: TextAnalysis): number[] {
  if (a.sentences.length < 3) return [];
  const promptVocab = new Set<string>([
    ...(a.prompt?.keyTerms.map((t) => t.stem) ?? []),
    ...(a.prompt?.source?.tf.keys() ?? []),
  ]);
  return a.sentences
    .filter((s) => {
      if (s.content.length < 4) return false;
      const own = new Map<string, number>();
      for (const w of s.content) own.set(w, (own.get(w) ?? 0) + 1);
      const refers = s.words.some((w) => REFERENCES.has(w));
      return (
        !refers &&
        !s.content.some(
          (w) => a.contentCounts.get(w)! > own.get(w)! || promptVocab.has(w) || a.codeStems.has(w),
        )
      );
    })
    .map((s) => s.index);
}
