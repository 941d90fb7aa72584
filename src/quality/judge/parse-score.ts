/**
 * Reads the judge's score out of free text. Judges do not always follow the format, so this
 * accepts the common shapes (`Score: 4`, `**Score:** 4/5`, `score = 4.5`, `{"score": 4}`, a
 * bare number on the last line) and rejects what it cannot trust (out of range, a different
 * scale) rather than guessing: a rejected answer is retried, then the dimension is failed.
 */
import { JUDGE_SCALE, type JudgeScale } from './rubric-definitions.js';

export {
  probabilityWeightedScore,
  weightedScoreFromLogprobs,
  type TokenCandidate,
  type TokenLogprob,
} from './logprob-score.js';

export type ScoreSource = 'label' | 'json' | 'last_line';

export interface ParsedScore {
  ok: true;
  /** On the judge's scale; may be fractional ("4.5"). */
  raw: number;
  /** `raw` mapped linearly onto 0-100 (scale minimum → 0, maximum → 100). */
  score: number;
  via: ScoreSource;
  /** Character offset of the number in the reply (where its token's logprobs are). */
  index: number;
  /** [start, end) of the text that carried the score, left out of the reasoning. */
  span: [number, number];
}

export interface ScoreParseFailure {
  ok: false;
  /** Why, in words fit for the retry prompt and the failed dimension's report. */
  reason: string;
}

export type ScoreParseResult = ParsedScore | ScoreParseFailure;

const WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};
const NUMBER = String.raw`(-?\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten)\b`;
const OUT_OF = String.raw`(?:\s*(?:\/|out\s+of)\s*(\d+(?:\.\d+)?))?`;
/**
 * `Score: 4`, `**Score:** 4/5`, `Final score = **4**`, `Rating (1-5): 4 out of 5`, `score is 4`
 * (digits only after "is": "the score is one of…" is prose).
 */
const LABELLED = new RegExp(
  String.raw`\b(?:score|rating)(?:\s*\([^)\n]{0,30}\))?\s*(?:\*\*|__)?\s*(?:[:=]|–|—|is(?=\s*(?:\*\*|__)?\s*-?\d))\s*(?:\*\*|__)?\s*` +
    NUMBER +
    OUT_OF,
  'gid',
);
/** `"score": 4` or `"score": "4"` inside a JSON answer. */
const JSON_SCORE = /"score"\s*:\s*"?(-?\d+(?:\.\d+)?)"?/dgi;
/** A last line that is only a number, e.g. `4`, `**4/5**`, `4.`. */
const BARE = new RegExp(String.raw`^` + NUMBER + OUT_OF + String.raw`\.?$`, 'i');

interface Candidate {
  value: string;
  outOf: string | undefined;
  via: ScoreSource;
  index: number;
  span: [number, number];
}

/** The judge's score in `text` on `scale`, or why there is none that can be trusted. */
export function parseScore(text: string, scale: JudgeScale = JUDGE_SCALE): ScoreParseResult {
  if (!text.trim()) return { ok: false, reason: 'the answer was empty' };
  // The last verdict wins: reasoning may quote a score before the final line revises it.
  const found = [...labelled(text), ...jsonScores(text)].sort((a, b) => b.index - a.index)[0];
  const candidate = found ?? bareLastLine(text);
  if (!candidate) {
    return { ok: false, reason: 'no "Score: N" line or number on the last line was found' };
  }
  const raw = WORDS[candidate.value.toLowerCase()] ?? Number(candidate.value);
  if (!Number.isFinite(raw)) return { ok: false, reason: `"${candidate.value}" is not a number` };
  if (candidate.outOf !== undefined && Number(candidate.outOf) !== scale.max) {
    return {
      ok: false,
      reason: `the score ${candidate.value}/${candidate.outOf} is not on the ${scale.min}-${scale.max} scale`,
    };
  }
  if (raw < scale.min || raw > scale.max) {
    return {
      ok: false,
      reason: `the score ${raw} is outside the ${scale.min}-${scale.max} scale`,
    };
  }
  return {
    ok: true,
    raw,
    score: toPercent(raw, scale),
    via: candidate.via,
    index: candidate.index,
    span: candidate.span,
  };
}

/** A score on the judge's scale mapped linearly onto 0-100, one decimal. */
export function toPercent(raw: number, scale: JudgeScale = JUDGE_SCALE): number {
  const fraction = (raw - scale.min) / (scale.max - scale.min);
  return Math.round(Math.min(1, Math.max(0, fraction)) * 1000) / 10;
}

function labelled(text: string): Candidate[] {
  return [...text.matchAll(LABELLED)].map((m) => {
    const value = m[1]!;
    return {
      value,
      outOf: m[2],
      via: 'label' as const,
      index: m.indices?.[1]?.[0] ?? m.index,
      span: [m.index, m.index + m[0].length] as [number, number],
    };
  });
}

function jsonScores(text: string): Candidate[] {
  return [...text.matchAll(JSON_SCORE)].map((m) => ({
    value: m[1]!,
    outOf: undefined,
    via: 'json' as const,
    index: m.indices?.[1]?.[0] ?? m.index,
    span: [m.index, m.index + m[0].length] as [number, number],
  }));
}

function bareLastLine(text: string): Candidate | undefined {
  const trimmedEnd = text.trimEnd();
  const start = trimmedEnd.lastIndexOf('\n') + 1;
  const line = trimmedEnd.slice(start);
  // Markdown emphasis, headings and code ticks around the number are decoration.
  const m = BARE.exec(line.replace(/[*_#`>]/g, '').trim());
  if (!m) return undefined;
  const value = m[1]!;
  const offset = line.toLowerCase().indexOf(value.toLowerCase());
  return {
    value,
    outOf: m[2],
    via: 'last_line',
    index: start + Math.max(0, offset),
    span: [start, trimmedEnd.length],
  };
}
