/**
 * One wink-nlp pass over a text, flattened into parallel arrays (cheap to scan) plus sentence
 * spans. Used for the response and, cached, for the prompt and its source material.
 */
import { LIST_MARK } from './markdown.js';
import { getNlp, stem } from './nlp.js';

/** Parts of speech whose words carry content (topic words). */
const CONTENT_POS = new Set(['NOUN', 'PROPN', 'VERB', 'ADJ', 'ADV']);

export interface SentenceSpan {
  /** Token indices, inclusive. */
  start: number;
  end: number;
  text: string;
  /** True when the sentence was closed by a line break (list item, heading) not punctuation. */
  lineEnd: boolean;
  /** First sentence of a paragraph (after a blank line, or of the text). */
  paragraphStart: boolean;
  /** Opens a list item (its marker is not part of the span). */
  listItem: boolean;
}

export interface ParsedText {
  text: string;
  value: string[];
  /** Lowercase normal form ("isn't" → "is", "not"). */
  normal: string[];
  pos: string[];
  /** wink token type: word, number, punctuation, tabCRLF, symbol, url, emoji… */
  type: string[];
  stop: boolean[];
  negation: boolean[];
  /** Whitespace before each token (to quote stretches of the text). */
  spaces: string[];
  /** Porter2 stem for content words, null for everything else. */
  content: (string | null)[];
  sentences: SentenceSpan[];
}

function isContent(normal: string, pos: string, type: string, stop: boolean): boolean {
  return (
    type === 'word' && !stop && CONTENT_POS.has(pos) && normal.length > 1 && /[a-z]/.test(normal)
  );
}

/** True for tokens that count as words in length and readability measures. */
export function isWordType(type: string): boolean {
  return type === 'word' || type === 'number' || type === 'ordinal' || type === 'hashtag';
}

/**
 * wink's sentence splitter ignores line breaks; lists, headings and code lines end there, so
 * split spans again at newline tokens and drop pieces with no word (bare "1." markers).
 */
/** The original text of tokens start..end (inclusive). */
export function spanText(
  parsed: Pick<ParsedText, 'value' | 'spaces'>,
  start: number,
  end: number,
): string {
  let text = '';
  for (let i = start; i <= end; i += 1)
    text += (i > start ? parsed.spaces[i]! : '') + parsed.value[i]!;
  return text.trim();
}

function splitAtLines(parsed: Omit<ParsedText, 'sentences'>, spans: number[][]): SentenceSpan[] {
  const out: SentenceSpan[] = [];
  const push = (from: number, end: number, lineEnd: boolean): void => {
    const listItem = parsed.value[from] === LIST_MARK;
    const start = listItem ? from + 1 : from;
    let hasWord = false;
    for (let i = start; i <= end; i += 1) if (parsed.type[i] === 'word') hasWord = true;
    if (!hasWord) return;
    let k = start - 1;
    let blank = start === 0 || out.length === 0;
    while (k >= 0 && (parsed.type[k] === 'tabCRLF' || parsed.value[k]!.trim() === '')) {
      if (/\n[^\S\n]*\n/.test(parsed.value[k]! + (parsed.spaces[k + 1] ?? ''))) blank = true;
      k -= 1;
    }
    const text = spanText(parsed, start, end);
    out.push({ start, end, text, lineEnd, paragraphStart: blank, listItem });
  };
  for (const [s, e] of spans) {
    let start = s!;
    for (let i = s!; i <= e!; i += 1) {
      if (parsed.type[i] === 'tabCRLF' && parsed.value[i]!.includes('\n')) {
        if (i > start) push(start, i - 1, true);
        start = i + 1;
      }
    }
    if (start <= e!) push(start, e!, false);
  }
  return out;
}

export function parseText(text: string): ParsedText {
  const nlp = getNlp();
  const its = nlp.its;
  const doc = nlp.readDoc(text);
  const tokens = doc.tokens();
  const value = tokens.out(its.value) as string[];
  const normal = tokens.out(its.normal) as string[];
  const pos = tokens.out(its.pos) as string[];
  const type = tokens.out(its.type) as string[];
  const stop = tokens.out(its.stopWordFlag) as boolean[];
  const negation = tokens.out(its.negationFlag) as boolean[];
  const spaces = tokens.out(its.precedingSpaces) as string[];
  const content = normal.map((n, i) =>
    isContent(n, pos[i]!, type[i]!, stop[i]!) ? stem(n.replace(/'s$/, '')) : null,
  );
  const base = { text, value, normal, pos, type, stop, negation, spaces, content };
  const spans = doc.sentences().out(its.span) as unknown as number[][];
  return { ...base, sentences: splitAtLines(base, spans) };
}

/** Lowercase forms of words capitalised mid-sentence or tagged as proper nouns. */
export function namesIn(parsed: ParsedText): Set<string> {
  const names = new Set<string>();
  for (let i = 1; i < parsed.value.length; i += 1) {
    const midSentence = parsed.type[i - 1] === 'word' && /^[A-Z][a-z]/.test(parsed.value[i]!);
    if (parsed.pos[i] === 'PROPN' || midSentence) names.add(parsed.normal[i]!);
  }
  return names;
}
