/**
 * Relevance: is the response about what was asked, without excess? Coverage of the prompt's
 * key terms (weighted by specificity) and whether the answer opens on topic. With source
 * material (an article to summarise): coverage of the source's most salient terms, closeness
 * of the response's word distribution to the source's (Jensen–Shannon), and the share of its
 * content drawn from the source. Sentences that restate earlier ones are excess and cost.
 */
import type { TextAnalysis } from './analysis.js';
import { emptyResult, Findings, band, type Scorer } from './scorer.js';
import { intelligible, isSummary, jsDivergence, proseSentences, termCoverage } from './signals.js';
import { listTerms, quote, ramp, round2 } from './text-utils.js';

/** 0–1 relevance to the source material in the prompt. */
function sourceRelevance(a: TextAnalysis, f: Findings): number {
  const source = a.prompt!.source!;
  const top = termCoverage(a, source.topTerms.slice(0, 10));
  const js = jsDivergence(a.contentCounts, source.tf);
  const n = Math.max(1, a.content.length);
  const onSource = a.content.filter((w) => source.tf.has(w)).length / n;
  f.record({
    salient_coverage: round2(top.coverage),
    js_divergence: round2(js),
    source_term_share: round2(onSource),
  });
  if (top.coverage < 0.5) {
    const missing = top.missing.map((t) => t.surface);
    f.note(
      `It misses the source's main topics: ${listTerms(missing, 4)}.`,
      40 * (1 - top.coverage),
    );
    f.suggest(`Center the response on the source's main points (${listTerms(missing, 3)}).`);
  }
  const offSource = proseSentences(a)
    .map((s) => ({
      s,
      share: s.content.filter((w) => source.tf.has(w)).length / Math.max(1, s.content.length),
    }))
    .filter((x) => x.s.content.length >= 3 && x.share < 0.4)
    .sort((x, y) => x.share - y.share);
  if (offSource.length > 0) {
    f.note(
      `${quote(offSource[0]!.s.text, 90)} is mostly not from the source.`,
      30 * (1 - onSource),
    );
    f.suggest('Keep to the content of the source material.');
  }
  return (
    0.4 * ramp(top.coverage, 0, 0.7) +
    0.3 * ramp(1 - js, 0.2, 0.7) +
    0.3 * ramp(onSource, 0.5, 0.95)
  );
}

/** 0–1 coverage of the instruction's own topic terms, and a note on what is missing. */
function promptRelevance(a: TextAnalysis, f: Findings): Array<[number, number]> {
  const prompt = a.prompt!;
  const { coverage, missing, found } = termCoverage(a, prompt.keyTerms);
  f.record({ prompt_terms: prompt.keyTerms.length, prompt_term_coverage: round2(coverage) });
  if (missing.length > 0 && coverage < 0.8) {
    const names = missing.map((t) => t.surface);
    f.note(
      `The prompt's ${listTerms(names)} ${missing.length === 1 ? 'is' : 'are'} not addressed.`,
      40 * (1 - coverage),
    );
    f.suggest(`Address ${listTerms(names, 3)} directly.`);
  }
  // An on-topic answer engages with the question in its first sentences.
  const opening = a.sentences
    .slice(0, 3)
    .some((s) => s.content.some((w) => found.some((t) => t.stem === w)));
  if (!opening && found.length > 0) {
    f.note(
      `The opening (${quote(a.sentences[0]!.text, 70)}) does not engage with the question.`,
      8,
    );
    f.suggest('Answer the question in the first sentence, then elaborate.');
  }
  const summary = isSummary(a);
  // Answers rephrase: covering two thirds of the prompt's topic terms is full marks.
  return [
    [Math.sqrt(ramp(coverage, 0, 0.67)), summary ? 0.3 : 0.85],
    [opening ? 1 : 0, summary ? 0.05 : 0.15],
  ];
}

export const scoreRelevance: Scorer = (a) => {
  if (a.empty) return emptyResult('relevance');
  const f = new Findings();
  const prompt = a.prompt;
  if (!prompt) {
    f.record({ prompt: false });
    return f.result(70, 'Relevance cannot be judged without the prompt; 70 is a neutral default.');
  }
  const parts: Array<[number, number]> = prompt.keyTerms.length ? promptRelevance(a, f) : [];
  if (isSummary(a)) parts.push([sourceRelevance(a, f), 0.65]);
  if (parts.length === 0) {
    return f.result(
      72,
      'The prompt names no specific topic, so the response cannot be off-topic; 72 is a neutral default.',
    );
  }
  const weight = parts.reduce((n, [, w]) => n + w, 0);
  let score = 20 + 80 * (parts.reduce((n, [v, w]) => n + v * w, 0) / weight);
  // Restating a point adds length, not relevant information.
  const restated = a.repetition.restatements;
  if (restated.length > 0) {
    const cost = Math.min(18, 6 * restated.length);
    score -= cost;
    f.note(
      `${quote(a.sentences[restated[0]!.sentence]!.text, 80)} repeats content already given.`,
      cost,
    );
  }
  const used = prompt.keyTerms.filter((t) => a.contentCounts.has(t.stem)).length;
  score = intelligible(a, score, 0.4, f);
  const lead = isSummary(a)
    ? `Relevance is ${band(score)}: compared with the source material in the prompt, for its main topics and how closely the response keeps to them.`
    : `Relevance is ${band(score)}: the response uses ${used} of the prompt's ${prompt.keyTerms.length} key terms.`;
  return f.result(score, lead);
};
