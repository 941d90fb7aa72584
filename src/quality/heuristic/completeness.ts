/**
 * Completeness: did the response do everything asked, and finish? Each requirement of the
 * prompt (question, clause, list item) is checked for its key terms; with source material,
 * the share of the source's salient content kept; length against what the prompt implies;
 * and a proper ending (not cut at max_tokens, not stopping mid-sentence or on a colon).
 */
import type { TextAnalysis } from './analysis.js';
import { emptyResult, Findings, band, type Scorer } from './scorer.js';
import { ending, intelligible, isSummary, termCoverage } from './signals.js';
import { listTerms, quote, quoteTail, ramp, round2 } from './text-utils.js';

/** Share of each requirement's (weighted) terms the response uses, averaged. */
function requirementCoverage(a: TextAnalysis, f: Findings): number | null {
  const reqs = a.prompt?.requirements ?? [];
  if (reqs.length === 0) return null;
  let total = 0;
  const unmet: string[] = [];
  for (const r of reqs) {
    const { coverage, missing } = termCoverage(a, r.terms);
    // Meeting about two thirds of a requirement's terms counts as addressing it.
    const met = Math.min(1, coverage / 0.67);
    total += met;
    if (met < 0.5)
      unmet.push(
        `${quote(r.text, 70)} (missing ${listTerms(
          missing.map((t) => t.surface),
          3,
        )})`,
      );
  }
  const cov = total / reqs.length;
  f.record({ requirements: reqs.length, requirements_unmet: unmet.length });
  if (unmet.length > 0) {
    f.note(`Not addressed: ${unmet.slice(0, 2).join('; ')}.`, 40 * (1 - cov));
    f.suggest(`Answer every part of the prompt, including ${unmet[0]!.split(' (missing')[0]}.`);
  }
  return cov;
}

/** Weighted share of the source's most salient terms that the response keeps. */
function sourceCoverage(a: TextAnalysis, f: Findings): number | null {
  const source = a.prompt?.source;
  // Only a summary should carry the source's main points; an answer from a passage need not.
  if (!source || !isSummary(a)) return null;
  const { coverage, missing } = termCoverage(a, source.topTerms);
  f.record({ salient_source_coverage: round2(coverage) });
  if (coverage < 0.45) {
    f.note(
      `Key points of the source are left out (${listTerms(
        missing.map((t) => t.surface),
        4,
      )}).`,
      30 * (1 - coverage),
    );
    f.suggest(
      `Cover the source's main points, e.g. ${listTerms(
        missing.map((t) => t.surface),
        3,
      )}.`,
    );
  }
  // A faithful summary keeps roughly half of the top terms; more is not required.
  return Math.min(1, coverage / 0.5);
}

export const scoreCompleteness: Scorer = (a) => {
  if (a.empty) return emptyResult('completeness');
  const f = new Findings();
  const parts: Array<[number, number]> = [];
  const req = requirementCoverage(a, f);
  if (req !== null) parts.push([req, 0.5]);
  const src = sourceCoverage(a, f);
  if (src !== null) parts.push([src, 0.4]);

  const hint = a.prompt?.lengthHint ?? { minWords: 15, maxWords: 1500, reason: 'no prompt' };
  let lengthFit = 1;
  // Code is substance too: a short explanation around a code block is not a short answer.
  const words = a.wordCount + a.codeWordCount;
  if (words < hint.minWords) {
    lengthFit = ramp(words, hint.minWords * 0.2, hint.minWords);
    f.note(
      `At ${words} words it is short for the task (expected at least ~${hint.minWords}: ${hint.reason}).`,
      30 * (1 - lengthFit),
    );
    f.suggest('Develop the answer further: the prompt calls for more than this.');
  } else if (words > hint.maxWords * 1.5) {
    lengthFit = 0.85;
    f.note(`At ${words} words it overshoots the expected length (${hint.reason}).`, 5);
    f.suggest('Trim to what the prompt asks for.');
  }
  parts.push([lengthFit, 0.3]);
  const weight = parts.reduce((n, [, w]) => n + w, 0);
  const content = parts.reduce((n, [v, w]) => n + v * w, 0) / weight;
  let score = 30 + 70 * content;

  const end = ending(a);
  if (end.cutByLength) {
    score -= 25;
    f.note(
      `Generation stopped at the token limit (finish reason "length"), ending on ${quoteTail(end.lastSentence, 70)}.`,
      25,
    );
    f.suggest('Raise max_tokens or ask for a shorter answer so the response can finish.');
  }
  if (end.unterminated) {
    score -= end.cutByLength ? 8 : 18;
    f.note(`The response breaks off mid-sentence: ${quoteTail(end.lastSentence, 80)}.`, 18);
    f.suggest('Finish the final sentence.');
  } else if (end.dangling) {
    score -= 12;
    f.note(`It ends on "${a.text.trimEnd().slice(-1)}", announcing content that never comes.`, 12);
    f.suggest('Deliver the content the last line introduces.');
  }
  f.record({
    words: a.wordCount,
    expected_words: `${hint.minWords}-${hint.maxWords}`,
    finish_reason: a.finishReason ?? null,
    unterminated: end.unterminated,
  });
  const what =
    req !== null
      ? `${Math.round(req * 100)}% of the prompt's requirements are met`
      : 'the prompt states no separate requirements';
  score = intelligible(a, score, 0.4, f);
  const lead = `Completeness is ${band(score)}: ${what}${end.unterminated || end.cutByLength ? ', but the response does not finish' : ''}.`;
  return f.result(score, lead);
};
