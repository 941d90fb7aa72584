/**
 * Grammaticality proxies, computed once: part-of-speech transitions that English nearly never
 * produces, sentences without a verb, doubled words, unbalanced quotes and brackets, stray
 * symbols, and the share of function words (word salad has almost none).
 */
import { isWordType, spanText, type ParsedText } from './parse.js';

export interface GrammarSignals {
  /** Implausible tag pairs, with the words and sentence where they occur. */
  implausible: Array<{ sentence: number; words: string }>;
  /** Implausible pairs per word transition. */
  implausibleRate: number;
  /** Sentences of ≥ 3 words with no verb (list items and headings excluded). */
  verbless: number[];
  /** Stop (function) words / words: ~0.4–0.55 in ordinary English prose. */
  functionWordRatio: number;
  doubled: string[];
  unbalanced: string[];
  /** Hashtags, URLs, emoji or stray symbols left in prose. */
  junk: string[];
  /** A content word repeated within four words ("scored 19 goals in 19 goals"). */
  closeRepeats: string[];
  /** Missing sentence breaks: "…on March 28 She wrote…" (a capitalised pronoun mid-sentence). */
  runOns: string[];
}

/**
 * Tag bigrams below ~0.5% of their left tag's successors in edited news prose (checked on
 * CNN/DailyMail articles), and wrong by grammar: a determiner needs a noun phrase, a
 * preposition an object, a conjunction something to join.
 */
const IMPLAUSIBLE: ReadonlySet<string> = new Set([
  'DET>CCONJ',
  'DET>PART',
  'DET>PRON',
  'DET>SCONJ',
  'ADP>SCONJ',
  'ADP>CCONJ',
  'ADP>PART',
  'CCONJ>CCONJ',
  'SCONJ>CCONJ',
  'SCONJ>PART',
  'PART>CCONJ',
  'PART>SCONJ',
]);

/** Words that, capitalised right after a word, betray a sentence boundary with no full stop. */
const SENTENCE_STARTERS = new Set([
  'He',
  'She',
  'They',
  'We',
  'It',
  'His',
  'Her',
  'Their',
  'Its',
  'There',
]);

/** An article must start a noun phrase: "the is", "the of", "a and" are broken English. */
const ARTICLES = new Set(['the', 'a', 'an']);
const NOT_AFTER_ARTICLE = new Set(['ADP', 'AUX', 'CCONJ', 'SCONJ', 'PRON', 'DET', 'PART']);
/** Modal verbs that are also nouns ("the may election", "the will of the people"). */
const MODAL_NOUNS = new Set(['may', 'will', 'can', 'might', 'must']);

const PAIRS: ReadonlyArray<readonly [string, string, string]> = [
  ['(', ')', 'parenthesis'],
  ['[', ']', 'bracket'],
];

export function grammarSignals(
  parsed: ParsedText,
  sentences: ReadonlyArray<{
    start: number;
    end: number;
    words: string[];
    hasVerb: boolean;
    listItem: boolean;
    question: boolean;
    text: string;
    lineEnd: boolean;
  }>,
): GrammarSignals {
  const implausible: GrammarSignals['implausible'] = [];
  const runOns: string[] = [];
  const closeRepeats: string[] = [];
  const doubled: string[] = [];
  let transitions = 0;
  let words = 0;
  let functionWords = 0;
  sentences.forEach((s, si) => {
    let prev = -1;
    let wordNo = 0;
    const lastSeen = new Map<string, [number, number]>();
    for (let i = s.start; i <= s.end; i += 1) {
      const type = parsed.type[i]!;
      if (!isWordType(type)) {
        if (type !== 'punctuation') prev = -1;
        continue;
      }
      words += 1;
      wordNo += 1;
      if (parsed.stop[i]) functionWords += 1;
      const stem = parsed.content[i];
      if (stem) {
        const seen = lastSeen.get(stem);
        const apart = seen ? parsed.type.slice(seen[1], i).includes('punctuation') : true;
        if (seen && wordNo - seen[0] <= 4 && !apart && !parsed.value[i]!.includes('-')) {
          closeRepeats.push(spanText(parsed, seen[1], i));
        }
        lastSeen.set(stem, [wordNo, i]);
      }
      if (prev >= 0 && i === prev + 1) {
        transitions += 1;
        if (SENTENCE_STARTERS.has(parsed.value[i]!) && parsed.spaces[i] !== '') {
          runOns.push(spanText(parsed, Math.max(s.start, prev - 2), Math.min(s.end, i + 2)));
        }
        const article =
          ARTICLES.has(parsed.normal[prev]!) &&
          NOT_AFTER_ARTICLE.has(parsed.pos[i]!) &&
          !MODAL_NOUNS.has(parsed.normal[i]!);
        if (article || IMPLAUSIBLE.has(`${parsed.pos[prev]}>${parsed.pos[i]}`)) {
          implausible.push({ sentence: si, words: spanText(parsed, prev, i) });
        }
        const w = parsed.normal[i]!;
        if (w === parsed.normal[prev] && /^[a-z]+$/.test(w) && w !== 'had' && w !== 'that') {
          doubled.push(spanText(parsed, prev, i));
        }
      }
      prev = i;
    }
  });
  const verbless = sentences
    // Elliptical questions and exclamations ("How about you?", "What a view!") are idiomatic.
    .filter(
      (s) =>
        !s.hasVerb &&
        !s.lineEnd &&
        !s.listItem &&
        !s.question &&
        !s.text.endsWith('!') &&
        s.words.length >= 3,
    )
    .map((s) => sentences.indexOf(s));
  // Code, headings and list markers are not prose: "1)" or "# Title" must not count.
  const prose = parsed.text
    .replace(/```[\s\S]*?```/g, '')
    .replace(/`[^`\n]*`/g, '')
    .replace(/^#{1,6}\s.*$/gm, '')
    .replace(/^\s*\w{1,2}\)/gm, '')
    .replace(/[:;]-?\)/g, '');
  const unbalanced: string[] = [];
  for (const [open, close, name] of PAIRS) {
    if (prose.split(open).length !== prose.split(close).length) unbalanced.push(name);
  }
  const straightQuotes = (prose.match(/"/g) ?? []).length;
  const curlyOpen = (prose.match(/“/g) ?? []).length;
  if (straightQuotes % 2 === 1 || curlyOpen !== (prose.match(/”/g) ?? []).length) {
    unbalanced.push('quotation mark');
  }
  const junk = [...prose.matchAll(/(?:^|\s)(#\s?[a-z0-9_]+|https?:\/\/\S+|[|~^]{2,})/gim)].map(
    (m) => m[1]!,
  );
  return {
    implausible,
    implausibleRate: transitions ? implausible.length / transitions : 0,
    verbless,
    functionWordRatio: words ? functionWords / words : 0,
    doubled,
    unbalanced,
    junk: junk.slice(0, 10),
    runOns,
    closeRepeats,
  };
}
