/**
 * Reading the shape of a prompt: where the instruction ends and source material begins, what
 * kind of task it is, and how long an answer it implies.
 */
import { TASK_CUES, type TaskKind } from './lexicon.js';

export interface LengthHint {
  minWords: number;
  maxWords: number;
  reason: string;
}

/** Material shorter than this is part of the instruction, not a source to check against. */
const MIN_SOURCE_WORDS = 60;
const MAX_INSTRUCTION_WORDS = 80;
const wordCount = (s: string): number => s.split(/\s+/).filter(Boolean).length;

/** Separates a short instruction (first or last paragraph, or a "…:" lead) from long material. */
export function splitPrompt(prompt: string): { instruction: string; source: string | null } {
  const paragraphs = prompt
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (paragraphs.length >= 2) {
    const first = paragraphs[0]!;
    const last = paragraphs.at(-1)!;
    const rest = (from: number, to?: number): string => paragraphs.slice(from, to).join('\n\n');
    // "Answer from the passage below. <passage> Question: …?" — the ask is at both ends.
    const asks =
      wordCount(last) <= 40 && (/\?\s*$/.test(last) || /^(question|task|q)\s*[:.]/i.test(last));
    const shortFirst = wordCount(first) <= MAX_INSTRUCTION_WORDS;
    if (
      paragraphs.length >= 3 &&
      shortFirst &&
      asks &&
      wordCount(rest(1, -1)) >= MIN_SOURCE_WORDS
    ) {
      return { instruction: `${first}\n\n${last}`, source: rest(1, -1) };
    }
    if (wordCount(first) <= MAX_INSTRUCTION_WORDS && wordCount(rest(1)) >= MIN_SOURCE_WORDS) {
      return { instruction: first, source: rest(1) };
    }
    if (wordCount(last) <= MAX_INSTRUCTION_WORDS && wordCount(rest(0, -1)) >= MIN_SOURCE_WORDS) {
      return { instruction: last, source: rest(0, -1) };
    }
  }
  const lead = /^([^\n]{5,300}?:)\s+([\s\S]+)$/.exec(prompt.trim());
  if (lead && wordCount(lead[2]!) >= MIN_SOURCE_WORDS && wordCount(lead[1]!) <= 40) {
    return { instruction: lead[1]!, source: lead[2]! };
  }
  return { instruction: prompt.trim(), source: null };
}

export function detectTask(instruction: string): TaskKind {
  for (const [pattern, kind] of TASK_CUES) if (pattern.test(instruction)) return kind;
  const words = wordCount(instruction);
  if (
    /\b(hi|hello|hey|thanks|thank you|how are you|good (morning|evening)|what do you think)\b/i.test(
      instruction,
    )
  )
    return 'conversation';
  return words <= 25 && /\?\s*$/.test(instruction) ? 'conversation' : 'general';
}

const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  a: 1,
  single: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  few: 3,
  couple: 2,
};

/** Length expectation from explicit constraints, else from the kind of task. */
export function lengthHint(instruction: string, task: TaskKind): LengthHint {
  const lower = instruction.toLowerCase();
  const words = /\b(\d{1,4})\s*(?:-|to)?\s*(\d{1,4})?\s+words?\b/.exec(lower);
  if (words) {
    const lo = Number(words[1]);
    const hi = words[2] ? Number(words[2]) : lo;
    return {
      minWords: Math.round(lo * 0.6),
      maxWords: Math.round(hi * 1.4),
      reason: `"${words[0]}"`,
    };
  }
  const sentences =
    /\b(\d+|one|a single|single|two|three|four|five|a few|few|a couple of)\s+sentences?\b/.exec(
      lower,
    );
  if (sentences) {
    const key = sentences[1]!.replace(/^a\s+|\s+of$/g, '');
    const n = Number(key) || NUMBER_WORDS[key] || 3;
    return { minWords: Math.max(5, n * 6), maxWords: n * 40 + 20, reason: `"${sentences[0]}"` };
  }
  const paragraphs = /\b(\d+|one|a single|two|three|four|five)\s+paragraphs?\b/.exec(lower);
  if (paragraphs) {
    const n = Number(paragraphs[1]) || NUMBER_WORDS[paragraphs[1]!.replace(/^a\s+/, '')] || 1;
    return { minWords: n * 40, maxWords: n * 220, reason: `"${paragraphs[0]}"` };
  }
  if (
    /\b(in detail|detailed|thorough|thoroughly|comprehensive|in depth|in-depth|essay)\b/.test(lower)
  )
    return { minWords: 200, maxWords: 2500, reason: 'the prompt asks for detail' };
  if (/\b(brief|briefly|short|concise|quick|one-liner|tl;?dr)\b/.test(lower))
    return { minWords: 5, maxWords: 200, reason: 'the prompt asks for brevity' };
  const byTask: Record<TaskKind, [number, number]> = {
    summary: [20, 300],
    story: [120, 2000],
    technical: [30, 1200],
    explanation: [25, 1000],
    conversation: [3, 250],
    general: [15, 1000],
  };
  const [minWords, maxWords] = byTask[task];
  const article = /^[aeiou]/.test(task) ? 'an' : 'a';
  return { minWords, maxWords, reason: `typical length for ${article} ${task} answer` };
}
