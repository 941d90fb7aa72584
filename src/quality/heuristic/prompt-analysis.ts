/**
 * What the prompt asks for: the instruction's key terms and separate requirements, the kind
 * of task, a length expectation, and — when the prompt carries material to work on (an
 * article to summarise, a passage to answer from) — that source's vocabulary and salience.
 * Cached by prompt text: a sweep scores many responses to one prompt.
 */
import { GENERIC_PROMPT_WORDS, type TaskKind } from './lexicon.js';
import { zipf } from './nlp.js';
import { namesIn, parseText, spanText, type ParsedText } from './parse.js';
import { detectTask, lengthHint, splitPrompt, type LengthHint } from './prompt-parts.js';
import { buildSource, type SourceMaterial } from './source.js';

export interface Term {
  stem: string;
  /** The word as the prompt spells it (for explanations). */
  surface: string;
  /** Specificity weight (rarer words matter more), 1–4. */
  weight: number;
}

export interface Requirement {
  text: string;
  terms: Term[];
}

export interface PromptAnalysis {
  instruction: string;
  task: TaskKind;
  keyTerms: Term[];
  requirements: Requirement[];
  lengthHint: LengthHint;
  source: SourceMaterial | null;
  /** Every lowercase word of the prompt (instruction and source). */
  words: ReadonlySet<string>;
  /** Words the prompt spells as names (capitalised mid-sentence), lowercase. */
  names: ReadonlySet<string>;
}

const MAX_PROMPT_CHARS = 60_000;

/**
 * Nouns name the topic; adjectives and verbs qualify it ("how X works" is about X); adverbs
 * ("usually", "quickly") are not topics.
 */
const POS_WEIGHT: Record<string, number> = { NOUN: 1, PROPN: 1, ADJ: 0.8, VERB: 0.6 };

/** Topic terms of a parsed stretch of instruction (not the generic "write/explain/article"). */
function termsOf(parsed: ParsedText, start = 0, end = parsed.normal.length - 1): Term[] {
  const seen = new Map<string, Term>();
  for (let i = start; i <= end; i += 1) {
    const s = parsed.content[i];
    const normal = parsed.normal[i]!;
    if (!s || GENERIC_PROMPT_WORDS.has(normal) || GENERIC_PROMPT_WORDS.has(s)) continue;
    const role = POS_WEIGHT[parsed.pos[i]!] ?? 0;
    if (seen.has(s) || role === 0) continue;
    // Specific (rarer) words say more about the topic than everyday ones.
    const weight = role * Math.min(4, Math.max(1, 7 - zipf(normal)));
    seen.set(s, { stem: s, surface: parsed.value[i]!, weight });
  }
  return [...seen.values()];
}

const ASK_OPENERS =
  /^(please|can you|could you|would you|will you|i want|i need|i'd like|i would like|tell me|help me|let's|give me|show me)\b/i;

/** A question, an imperative ("List three…") or a polite request. */
function isAsk(parsed: ParsedText, start: number, text: string): boolean {
  if (/\?["')\]]*$/.test(text) || ASK_OPENERS.test(text)) return true;
  return parsed.pos[start] === 'VERB' && /^[A-Z]/.test(parsed.value[start]!);
}

function analyze(prompt: string): PromptAnalysis {
  const clipped = prompt.slice(0, MAX_PROMPT_CHARS).replace(/\S{80,}/g, (run) => run.slice(0, 60));
  const { instruction, source } = splitPrompt(clipped);
  const parsed = parseText(instruction);
  const task = detectTask(instruction);
  const sourceMaterial = source ? buildSource(parseText(source)) : null;
  const requirements: Array<Requirement & { ask: boolean }> = [];
  for (const span of parsed.sentences) {
    const ask = isAsk(parsed, span.start, span.text);
    // "… and also …", ";" and numbered items inside one sentence are separate asks.
    let start = span.start;
    for (let i = span.start; i <= span.end + 1; i += 1) {
      const boundary =
        i > span.end || parsed.value[i] === ';' || (parsed.value[i] === '?' && i < span.end);
      if (!boundary) continue;
      const end = Math.min(i, span.end);
      const terms = termsOf(parsed, start, end);
      const whole = start === span.start && end === span.end;
      if (terms.length > 0) {
        requirements.push({ text: whole ? span.text : spanText(parsed, start, end), terms, ask });
      }
      start = i + 1;
    }
  }
  return {
    instruction,
    task,
    keyTerms: termsOf(parsed),
    // Statements ("I just got back from the Alps.") set context; questions and imperatives ask.
    requirements: dedupeRequirements(
      (requirements.some((r) => r.ask) ? requirements.filter((r) => r.ask) : requirements).map(
        ({ text, terms }) => ({ text, terms }),
      ),
    ),
    lengthHint: lengthHint(instruction, task),
    source: sourceMaterial,
    words: new Set([...parsed.normal, ...(sourceMaterial?.words ?? [])]),
    names: new Set([...namesIn(parsed), ...(sourceMaterial?.names ?? [])]),
  };
}

function dedupeRequirements(list: Requirement[]): Requirement[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const key = r.terms.map((t) => t.stem).join(' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const cache = new Map<string, PromptAnalysis>();
const CACHE_LIMIT = 64;

/** Analysis of a prompt, memoised (the N responses of one setting share their prompt). */
export function analyzePrompt(prompt: string): PromptAnalysis {
  let hit = cache.get(prompt);
  if (!hit) {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    hit = analyze(prompt);
    cache.set(prompt, hit);
  }
  return hit;
}
