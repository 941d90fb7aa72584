/** The scorer contract and a small builder for specific explanations. */
import type { DimensionResult, ScoringInput } from '../types.js';
import type { TextAnalysis } from './analysis.js';
import { toScore } from './text-utils.js';

/** A heuristic dimension: a pure function of the shared analysis (and the raw input). */
export type Scorer = (analysis: TextAnalysis, input: ScoringInput) => DimensionResult;

/**
 * Heuristics can rule out the problems they know about, not certify that there are none: above
 * 85 a raw score is compressed so that a flawless reading tops out at 95 (monotone, so rankings
 * are unchanged).
 */
export const HEURISTIC_CEILING = 95;

export function compressTop(raw: number): number {
  return raw <= 85 ? raw : 85 + ((Math.min(raw, 100) - 85) * (HEURISTIC_CEILING - 85)) / 15;
}

/**
 * Collects what a scorer found. Notes are ranked by weight (how many points they moved) so
 * the explanation leads with what mattered most for this text.
 */
export class Findings {
  private readonly notes: Array<{ text: string; weight: number }> = [];
  private readonly fixes: string[] = [];
  readonly evidence: Record<string, unknown> = {};

  /** A finding about this text; `weight` ≈ the points it cost or earned. */
  note(text: string, weight = 1): this {
    this.notes.push({ text, weight });
    return this;
  }

  suggest(text: string): this {
    if (!this.fixes.includes(text)) this.fixes.push(text);
    return this;
  }

  record(values: Record<string, unknown>): this {
    Object.assign(this.evidence, values);
    return this;
  }

  /** Builds the result: a lead sentence, then the three weightiest findings. */
  result(score: number, lead: string, maxNotes = 3): DimensionResult {
    const top = [...this.notes].sort((a, b) => b.weight - a.weight).slice(0, maxNotes);
    const explanation = [lead, ...top.map((n) => n.text)].join(' ');
    return {
      score: toScore(compressTop(score)),
      explanation,
      suggestions: this.fixes.slice(0, 4),
      evidence: this.evidence,
    };
  }
}

/** The verdict for a response with no words at all. */
export function emptyResult(what: string): DimensionResult {
  return {
    score: 0,
    explanation: `Empty response: it contains no words, so there is no ${what} to assess.`,
    suggestions: ['Check the generation: the model returned no text (empty response).'],
    evidence: { empty: true },
  };
}

/** Band word for a raw score, as it will be reported (after the ceiling, rounded). */
export function band(raw: number): string {
  const score = toScore(compressTop(raw));
  if (score >= 90) return 'excellent';
  if (score >= 75) return 'good';
  if (score >= 60) return 'average';
  return 'poor';
}
