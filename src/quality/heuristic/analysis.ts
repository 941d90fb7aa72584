/**
 * The single text-analysis pass shared by all eight heuristic scorers: computed once per
 * scoring call, then read (never recomputed) by each dimension.
 */
import type { ScoringInput } from '../types.js';
import { stem, syllables, zipf } from './nlp.js';
import { isWordType, parseText, type ParsedText } from './parse.js';
import { analyzePrompt, type PromptAnalysis } from './prompt-analysis.js';
import { codeWords, proseView, structureOf, type Structure } from './markdown.js';
import { normalizeNumber } from './source.js';
import { findRepetition, type Repetition } from './repetition.js';
import { grammarSignals, type GrammarSignals } from './grammar.js';
import { intelligibility, type Intelligibility } from './intelligibility.js';

export interface Sentence {
  index: number;
  text: string;
  start: number;
  end: number;
  /** Word and number tokens, lowercase. */
  words: string[];
  /** Content-word stems, in order. */
  content: string[];
  hasVerb: boolean;
  /** Ends in . ! ? (or a closing quote/bracket after one), or was closed by a line break. */
  terminated: boolean;
  lineEnd: boolean;
  paragraphStart: boolean;
  listItem: boolean;
  question: boolean;
  syllables: number;
}

export interface TextAnalysis {
  /** The analysed prose (the response capped at MAX_ANALYSIS_CHARS, Markdown set aside). */
  text: string;
  lower: string;
  /** Characters in the whole response, and whether analysis was capped. */
  charCount: number;
  capped: boolean;
  /** The end of the whole response as written (Markdown included, never capped). */
  rawTail: string;
  empty: boolean;
  parsed: ParsedText;
  sentences: Sentence[];
  wordCount: number;
  /** Lowercase words (word and number tokens) in order. */
  words: string[];
  /** Content-word stems in order, their counts and a surface form for each. */
  content: string[];
  contentCounts: Map<string, number>;
  surfaces: Map<string, string>;
  syllableCount: number;
  /** Words of three or more syllables. */
  polysyllables: number;
  /** Mean Zipf frequency of content words (lower = rarer vocabulary). */
  meanContentZipf: number;
  /** Content words with Zipf < 3 (rare in everyday English), unique, in order. */
  rareWords: string[];
  numbers: string[];
  /** Proper nouns (wink PROPN or capitalised mid-sentence), lowercase, unique. */
  entities: string[];
  structure: Structure;
  repetition: Repetition;
  grammar: GrammarSignals;
  intelligibility: Intelligibility;
  /** Stems of the words in code blocks and inline code (they link prose sentences too). */
  codeStems: Set<string>;
  /** Words in code blocks and inline code (substance that prose word counts miss). */
  codeWordCount: number;
  /** The response is only code: it was read as text, but prose measures apply loosely. */
  codeOnly: boolean;
  prompt: PromptAnalysis | null;
  finishReason: string | undefined;
}

/** ~3,500 words: enough to judge any answer; keeps a 100 KB input from costing 100 KB of NLP. */
export const MAX_ANALYSIS_CHARS = 20_000;

const TERMINAL = /[.!?…]["'”’)\]]*$/;

/** Longer runs without a space (hashes, minified code, junk) are shortened for analysis. */
const LONG_TOKEN = /\S{80,}/g;

/** A linear scan is much cheaper than the regex on ordinary text, where no such run exists. */
function hasLongRun(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    run = c === 32 || c === 10 || c === 9 || c === 13 ? 0 : run + 1;
    if (run >= 80) return true;
  }
  return false;
}

function cap(raw: string): { text: string; capped: boolean } {
  const text = hasLongRun(raw) ? raw.replace(LONG_TOKEN, (run) => `${run.slice(0, 60)}…`) : raw;
  if (text.length <= MAX_ANALYSIS_CHARS) return { text, capped: text.length !== raw.length };
  const head = text.slice(0, MAX_ANALYSIS_CHARS);
  const cut = Math.max(head.lastIndexOf('. '), head.lastIndexOf('\n'));
  return { text: cut > MAX_ANALYSIS_CHARS * 0.8 ? head.slice(0, cut + 1) : head, capped: true };
}

const OBJECT_START = new Set(['DET', 'ADJ', 'NOUN', 'PROPN', 'NUM', 'PRON']);

/**
 * The tagger sometimes reads a present-tense verb after its subject as a plural noun ("a hash
 * table stores key-value pairs"): noun + "-s" word + object is counted as a verb.
 */
function verbTaggedAsNoun(parsed: ParsedText, i: number): boolean {
  if (parsed.pos[i] !== 'NOUN' || !parsed.normal[i]!.endsWith('s')) return false;
  const before = parsed.pos[i - 1];
  const after = parsed.pos[i + 1];
  return (
    (before === 'NOUN' || before === 'PROPN') && after !== undefined && OBJECT_START.has(after)
  );
}

function sentencesOf(parsed: ParsedText): Sentence[] {
  return parsed.sentences.map((span, index) => {
    const words: string[] = [];
    const content: string[] = [];
    let hasVerb = false;
    let syl = 0;
    for (let i = span.start; i <= span.end; i += 1) {
      const pos = parsed.pos[i]!;
      if (pos === 'VERB' || pos === 'AUX' || verbTaggedAsNoun(parsed, i)) hasVerb = true;
      if (isWordType(parsed.type[i]!)) {
        words.push(parsed.normal[i]!);
        syl += syllables(parsed.normal[i]!);
      }
      const stem = parsed.content[i];
      if (stem) content.push(stem);
    }
    const text = span.text;
    return {
      index,
      text,
      start: span.start,
      end: span.end,
      words,
      content,
      hasVerb,
      terminated: TERMINAL.test(text) || span.lineEnd,
      lineEnd: span.lineEnd,
      paragraphStart: span.paragraphStart,
      listItem: span.listItem,
      question: /\?["'”’)]*$/.test(text),
      syllables: syl,
    };
  });
}

export function analyzeText(input: ScoringInput): TextAnalysis {
  const raw = input.content ?? '';
  const capped = cap(raw.trim());
  const prose = proseView(capped.text);
  // A code-only answer has no prose: read the code itself rather than call it empty.
  const codeOnly = !/[\p{L}\p{N}]/u.test(prose);
  const text = codeOnly ? capped.text : prose;
  const code = codeWords(capped.text);
  const parsed = parseText(text);
  const sentences = sentencesOf(parsed);
  const words: string[] = [];
  const content: string[] = [];
  const contentCounts = new Map<string, number>();
  const surfaces = new Map<string, string>();
  const numbers: string[] = [];
  const entities = new Set<string>();
  const rare = new Set<string>();
  let syllableCount = 0;
  let polysyllables = 0;
  let zipfSum = 0;
  const prompt = input.prompt?.trim() ? analyzePrompt(input.prompt) : null;
  for (let i = 0; i < parsed.normal.length; i += 1) {
    const type = parsed.type[i]!;
    if (!isWordType(type)) continue;
    const normal = parsed.normal[i]!;
    words.push(normal);
    const syl = syllables(normal);
    syllableCount += syl;
    if (syl >= 3) polysyllables += 1;
    if (/\d/.test(normal)) numbers.push(normalizeNumber(normal));
    const value = parsed.value[i]!;
    const midSentenceCap = /^[A-Z][a-z]/.test(value) && i > 0 && parsed.type[i - 1] === 'word';
    if (parsed.pos[i] === 'PROPN' || midSentenceCap) entities.add(normal);
    const stem = parsed.content[i];
    if (!stem) continue;
    content.push(stem);
    contentCounts.set(stem, (contentCounts.get(stem) ?? 0) + 1);
    if (!surfaces.has(stem)) surfaces.set(stem, normal);
    const z = zipf(normal);
    zipfSum += z;
    const name = parsed.pos[i] === 'PROPN' || prompt?.names.has(normal);
    if (z < 3 && !name && /^[a-z-]+$/.test(normal)) rare.add(normal);
  }
  const grammar = grammarSignals(parsed, sentences);
  return {
    text,
    lower: text.toLowerCase(),
    charCount: raw.length,
    capped: capped.capped,
    rawTail: raw.trimEnd().slice(-300),
    empty: words.length === 0,
    parsed,
    sentences,
    wordCount: words.length,
    words,
    content,
    contentCounts,
    surfaces,
    syllableCount,
    polysyllables,
    meanContentZipf: content.length ? zipfSum / content.length : 0,
    rareWords: [...rare],
    numbers,
    entities: [...entities],
    structure: structureOf(capped.text),
    codeStems: new Set(code.map(stem)),
    codeWordCount: code.length,
    codeOnly: codeOnly && code.length > 0,
    repetition: findRepetition(parsed, sentences),
    grammar,
    // Code is not prose: its symbols and identifiers are not noise.
    intelligibility: codeOnly
      ? { gibberish: 0, unknownWords: [], lowercaseStarts: 0, strayPunctuation: [] }
      : intelligibility(parsed, sentences, grammar, prompt?.words ?? new Set()),
    prompt,
    finishReason: input.finishReason,
  };
}
