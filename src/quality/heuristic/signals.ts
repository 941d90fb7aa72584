/** Measurements more than one dimension reads (ending, prompt coverage, JS divergence). */
import type { TextAnalysis } from './analysis.js';
import type { Term } from './prompt-analysis.js';
import type { Findings } from './scorer.js';
import { listTerms } from './text-utils.js';

export interface Ending {
  /** The provider stopped at max_tokens. */
  cutByLength: boolean;
  /** The last sentence has no closing punctuation (and is not a list item or heading). */
  unterminated: boolean;
  /** Unterminated and the last word is a function word ("…the new version of the"). */
  brokenTail: boolean;
  /** Ends on ":" or "," — it announced more than it delivered. */
  dangling: boolean;
  lastSentence: string;
}

/** A capped analysis ends where the cap fell: judge the real end of the response instead. */
function cappedEnding(a: TextAnalysis): Ending {
  const raw = a.rawTail.trimEnd();
  const lastLine = raw.slice(raw.lastIndexOf('\n') + 1).trim();
  const terminated =
    /[.!?…]["'”’)\]]*$/.test(raw) || /```$/.test(raw) || /^(?:[-*•+]|\d{1,2}[.)])\s/.test(lastLine);
  return {
    brokenTail: false,
    cutByLength: a.finishReason === 'length',
    unterminated: !terminated && !/[:,;]$/.test(raw),
    dangling: /[:,;]$/.test(raw),
    lastSentence: lastLine,
  };
}

export function ending(a: TextAnalysis): Ending {
  if (a.capped) return cappedEnding(a);
  const last = a.sentences.at(-1);
  const raw = a.rawTail.trimEnd();
  const tail = a.text.trimEnd();
  const lastLine = raw.slice(raw.lastIndexOf('\n') + 1);
  // Ends on a list item, heading, code block, or a sign-off line ("Anna Kowalski").
  const structural =
    /^\s*(?:[-*•+]|\d{1,2}[.)]|#{1,6})\s/.test(lastLine) ||
    /```$/.test(raw) ||
    (raw.includes('\n') && /^(?:[A-Z][\w.'-]*,?\s*){1,4}$/.test(lastLine.trim()));
  const unterminated = Boolean(last && !last.terminated && !structural && !last.listItem);
  const lastToken = last ? last.end : -1;
  const brokenTail = unterminated && lastToken >= 0 && a.parsed.stop[lastToken] === true;
  const dangling = /[:,;]$/.test(tail) && !/```$/.test(raw) && !structural;
  return {
    brokenTail,
    cutByLength: a.finishReason === 'length',
    unterminated: unterminated && !/[:,;]$/.test(tail),
    dangling,
    lastSentence: last?.text ?? '',
  };
}

/** The prompt asks to condense source material it carries (so coverage of it matters). */
export function isSummary(a: TextAnalysis): boolean {
  return Boolean(a.prompt?.source) && a.prompt?.task === 'summary';
}

/** True when the text (or its analysis) contains the term, by stem or by spelling. */
export function hasTerm(a: TextAnalysis, term: Pick<Term, 'stem' | 'surface'>): boolean {
  return a.contentCounts.has(term.stem) || a.lower.includes(term.surface.toLowerCase());
}

/** Weighted share of the terms the response uses, and the ones it misses (heaviest first). */
export function termCoverage(
  a: TextAnalysis,
  terms: readonly Term[],
): { coverage: number; missing: Term[]; found: Term[] } {
  let total = 0;
  let hit = 0;
  const missing: Term[] = [];
  const found: Term[] = [];
  for (const t of terms) {
    total += t.weight;
    if (hasTerm(a, t)) {
      hit += t.weight;
      found.push(t);
    } else missing.push(t);
  }
  missing.sort((x, y) => y.weight - x.weight);
  return { coverage: total ? hit / total : 1, missing, found };
}

/**
 * Jensen–Shannon divergence (base 2, 0 = same distribution, 1 = disjoint) between the
 * response's content-word distribution and the source's: a reference-free summary measure
 * (Louis & Nenkova 2013). The source side is smoothed so rare source words do not dominate.
 */
export function jsDivergence(response: Map<string, number>, source: Map<string, number>): number {
  let rTotal = 0;
  for (const c of response.values()) rTotal += c;
  let sTotal = 0;
  for (const c of source.values()) sTotal += c;
  if (rTotal === 0 || sTotal === 0) return 1;
  const vocab = new Set([...response.keys(), ...source.keys()]);
  const alpha = 0.005;
  const sDen = sTotal + alpha * vocab.size;
  let js = 0;
  for (const w of vocab) {
    const p = (response.get(w) ?? 0) / rTotal;
    const q = ((source.get(w) ?? 0) + alpha) / sDen;
    const m = (p + q) / 2;
    if (p > 0) js += 0.5 * p * Math.log2(p / m);
    js += 0.5 * q * Math.log2(q / m);
  }
  return Math.min(1, Math.max(0, js));
}

/** Coefficient of variation of sentence lengths (0 = all the same length). */
export function lengthVariation(a: TextAnalysis): number {
  const lengths = a.sentences.map((s) => s.words.length).filter((n) => n > 0);
  if (lengths.length < 2) return 0;
  const mean = lengths.reduce((x, y) => x + y, 0) / lengths.length;
  const variance = lengths.reduce((acc, n) => acc + (n - mean) ** 2, 0) / lengths.length;
  return mean ? Math.sqrt(variance) / mean : 0;
}

/**
 * Repeats worth mentioning: phrases of four or more words, or shorter ones used four times or
 * more. A technical term said three times ("the load factor") is terminology, not repetition.
 */
export function notableRepeats(a: TextAnalysis): TextAnalysis['repetition']['phrases'] {
  return a.repetition.phrases.filter((p) => p.count >= 4 || p.phrase.split(' ').length >= 4);
}

/** What makes the text read as noise, specifically (for explanations). */
export function gibberishEvidence(a: TextAnalysis): string {
  const i = a.intelligibility;
  const g = a.grammar;
  const parts: string[] = [];
  if (i.unknownWords.length) parts.push(`non-words such as ${listTerms(i.unknownWords, 3)}`);
  if (g.doubled.length) parts.push(`doubled words (${listTerms(g.doubled, 2)})`);
  if (g.implausible.length)
    parts.push(
      `broken word order (${listTerms(
        g.implausible.map((x) => x.words),
        2,
      )})`,
    );
  if (i.lowercaseStarts) parts.push(`${i.lowercaseStarts} sentence(s) starting in lowercase`);
  if (i.strayPunctuation.length)
    parts.push(`stray punctuation (${listTerms(i.strayPunctuation, 2)})`);
  if (g.functionWordRatio < 0.2)
    parts.push(`only ${Math.round(g.functionWordRatio * 100)}% function words`);
  return parts.slice(0, 3).join(', ');
}

/**
 * Content credit presupposes intelligible text: scales a score down by the gibberish measure
 * (`strength` = how much of the score a fully unintelligible text loses) and says why.
 */
export function intelligible(a: TextAnalysis, raw: number, strength: number, f: Findings): number {
  const g = a.intelligibility.gibberish;
  if (g < 0.05) return raw;
  f.note(
    `Much of it does not read as language (${gibberishEvidence(a)}), so it earns less credit here.`,
    40 * g * strength,
  );
  f.record({ gibberish: Math.round(g * 100) / 100 });
  return raw * (1 - strength * g);
}

/** The sentences that hold prose (not headings, list stubs or single words). */
export function proseSentences(a: TextAnalysis): TextAnalysis['sentences'] {
  return a.sentences.filter((s) => s.words.length >= 3);
}
