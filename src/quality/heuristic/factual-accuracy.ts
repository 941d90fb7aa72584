/**
 * Factual accuracy, approximated offline. Nothing here checks the world: with source material
 * in the prompt, claims are checked for support in it (content words, word pairs, names and
 * numbers that the source does not contain); without it, only internal signals are read —
 * self-contradiction, inconsistent numbers, hedging and sweeping absolutes.
 */
import type { Sentence, TextAnalysis } from './analysis.js';
import { ABSOLUTES, HEDGE_PHRASES, HEDGE_WORDS, VAGUE_ATTRIBUTION } from './lexicon.js';
import { intelligible } from './signals.js';
import { stem } from './nlp.js';
import { emptyResult, Findings, band, type Scorer } from './scorer.js';
import { numericValues, type SourceMaterial } from './source.js';
import { phraseHits } from './phrases.js';
import { listTerms, quote, ramp, round2 } from './text-utils.js';

const CAVEAT = '(Approximation: offline scoring cannot verify facts against the world.)';

/** Shares of a sentence's word pairs and triples that occur verbatim in the source. */
function ngramSupport(
  words: readonly string[],
  source: SourceMaterial,
): [number, number, number, number] {
  let pairs = 0;
  let triples = 0;
  for (let i = 0; i + 1 < words.length; i += 1) {
    if (source.bigrams.has(`${words[i]} ${words[i + 1]}`)) pairs += 1;
    if (i + 2 < words.length && source.trigrams.has(`${words[i]} ${words[i + 1]} ${words[i + 2]}`))
      triples += 1;
  }
  return [pairs, Math.max(0, words.length - 1), triples, Math.max(0, words.length - 2)];
}

/**
 * Support in the source. Content words found there (robust to paraphrase) weigh most; word
 * pairs and triples found verbatim catch facts recombined wrongly ("X scored against Y" built
 * from "X" and "scored against Y"); names and numbers absent from the source cost extra.
 */
function supportScore(a: TextAnalysis, f: Findings): number {
  const source = a.prompt!.source!;
  const contentShare = a.content.length
    ? a.content.filter((w) => source.tf.has(w)).length / a.content.length
    : 1;
  const totals = [0, 0, 0, 0];
  let worst: { s: Sentence; share: number } | null = null;
  for (const s of a.sentences) {
    const counts = ngramSupport(s.words, source);
    counts.forEach((c, i) => (totals[i]! += c));
    const share = counts[1] ? counts[0] / counts[1] : 1;
    if (counts[1] >= 4 && (!worst || share < worst.share)) worst = { s, share };
  }
  const pairShare = totals[1] ? totals[0]! / totals[1] : 1;
  const tripleShare = totals[3] ? totals[2]! / totals[3] : 1;
  const numbers = [...new Set(a.numbers)].filter((n) =>
    numericValues(n).some((v) => !source.numbers.has(v)),
  );
  const entities = a.entities.filter((e) => /^[a-z][a-z.'-]+$/.test(e) && !source.words.has(e));
  f.record({
    source_content_share: round2(contentShare),
    source_word_pair_share: round2(pairShare),
    source_word_triple_share: round2(tripleShare),
    unsupported_numbers: numbers,
    unsupported_names: entities,
  });
  const support =
    0.55 * ramp(contentShare, 0.5, 0.9) +
    0.25 * ramp(pairShare, 0.15, 0.7) +
    0.2 * ramp(tripleShare, 0.05, 0.6);
  let score = 20 + 80 * support;
  if (worst && worst.share < 0.6) {
    const novel = worst.s.content
      .filter((w) => !source.tf.has(w))
      .map((w) => a.surfaces.get(w) ?? w);
    const detail = novel.length ? `; not in the source: ${listTerms([...new Set(novel)], 3)}` : '';
    f.note(
      `Least supported by the source: ${quote(worst.s.text, 100)} (${Math.round(worst.share * 100)}% of its word pairs occur there${detail}).`,
      30 * (1 - pairShare),
    );
    f.suggest('Stay close to what the source says; check the least supported sentence against it.');
  }
  if (numbers.length > 0) {
    score -= Math.min(24, 8 * numbers.length);
    f.note(`Numbers not in the source: ${listTerms(numbers)}.`, 8 * numbers.length);
    f.suggest(`Verify ${listTerms(numbers, 2)} against the source.`);
  }
  if (entities.length > 0) {
    score -= Math.min(20, 6 * entities.length);
    f.note(`Names not in the source: ${listTerms(entities)}.`, 6 * entities.length);
    f.suggest(`Check that ${listTerms(entities, 2)} appear in the source.`);
  }
  return score;
}

let qualifierCache: Set<string> | undefined;

/** Stems of hedges and stance words ("maybe", "I think", "actually"), cached. */
function qualifierStems(): Set<string> {
  qualifierCache ??= new Set(
    [
      ...HEDGE_WORDS,
      'think',
      'believe',
      'sure',
      'actually',
      'really',
      'certainly',
      'definitely',
    ].map(stem),
  );
  return qualifierCache;
}

/** Sentence pairs about the same thing where one is negated and the other not. */
function contradictions(a: TextAnalysis): Array<[Sentence, Sentence, string]> {
  const found: Array<[Sentence, Sentence, string]> = [];
  const negated = a.sentences.map((s) => {
    for (let i = s.start; i <= s.end; i += 1)
      if (a.parsed.negation[i] || a.parsed.normal[i] === 'not') return true;
    return /\b(no|never|none|neither|nor)\b/.test(s.text.toLowerCase());
  });
  // Compare what the sentences claim, not how sure they sound.
  const qualifiers = qualifierStems();
  const sets = a.sentences.map(
    (s) => new Set(s.content.filter((w) => !qualifiers.has(w) && !w.includes("'"))),
  );
  const nums = a.sentences.map((s) => s.words.filter((w) => /\d/.test(w)));
  const limit = Math.min(a.sentences.length, 120);
  for (let i = 0; i < limit; i += 1) {
    for (let j = i + 1; j < limit; j += 1) {
      const A = sets[i]!;
      const B = sets[j]!;
      if (A.size < 2 || B.size < 2) continue;
      let inter = 0;
      for (const w of A) if (B.has(w)) inter += 1;
      // Same subject matter: half of all their content words shared (Jaccard), not just the topic.
      if (inter < 2 || inter / (A.size + B.size - inter) < 0.5) continue;
      if (negated[i] !== negated[j]) found.push([a.sentences[i]!, a.sentences[j]!, 'negation']);
      else if (nums[i]!.length && nums[j]!.length && !nums[i]!.some((n) => nums[j]!.includes(n))) {
        found.push([a.sentences[i]!, a.sentences[j]!, 'numbers']);
      }
    }
  }
  return found;
}

/** Points lost to contradictions (always) and to hedging, sweeping and vague claims (no source). */
function consistencyPenalty(a: TextAnalysis, f: Findings, withSource: boolean): number {
  let cost = 0;
  const clashes = contradictions(a);
  if (clashes.length > 0) {
    const [x, y, kind] = clashes[0]!;
    cost += Math.min(40, 20 * clashes.length);
    f.note(
      `${quote(x.text, 70)} and ${quote(y.text, 70)} ${kind === 'negation' ? 'contradict each other' : 'give different numbers for the same thing'}.`,
      20 * clashes.length,
    );
    f.suggest('Resolve the contradiction: keep one consistent claim.');
  }
  f.record({ contradictions: clashes.length });
  // With a source, hedges and absolutes usually echo it; they are judged by support instead.
  if (withSource) return cost;
  const hedgePhrases = phraseHits(a, HEDGE_PHRASES);
  let hedges = hedgePhrases.count;
  for (const w of a.words) if (HEDGE_WORDS.has(w)) hedges += 1;
  const hedgeRate = hedges / Math.max(1, a.sentences.length);
  if (hedgeRate > 0.25) {
    const hedgeCost = Math.min(25, (hedgeRate - 0.25) * 40);
    cost += hedgeCost;
    const hedged = a.sentences.find(
      (s) => hedgePhrases.bySentence[s.index]! > 0 || s.words.some((w) => HEDGE_WORDS.has(w)),
    );
    f.note(
      `Heavily hedged (${hedges} hedges in ${a.sentences.length} sentences), e.g. ${quote(hedged?.text ?? '', 80)}.`,
      hedgeCost,
    );
    f.suggest('State what is known plainly and qualify only what is genuinely uncertain.');
  }
  const absolutes = a.words.filter((w) => ABSOLUTES.has(w));
  if (absolutes.length > 1) {
    const absoluteCost = Math.min(10, 2.5 * absolutes.length);
    cost += absoluteCost;
    f.note(
      `Sweeping claims (${listTerms([...new Set(absolutes)])}) are rarely strictly true.`,
      absoluteCost,
    );
  }
  const vague = phraseHits(a, VAGUE_ATTRIBUTION).found;
  if (vague.length > 0) {
    const vagueCost = Math.min(15, 6 * vague.length);
    cost += vagueCost;
    f.note(
      `Unsupported appeals to authority (${listTerms(vague)}) with no source named.`,
      vagueCost,
    );
    f.suggest('Name the study or source behind each claim, or drop the appeal.');
  }
  f.record({ hedges, absolutes: absolutes.length, vague_attributions: vague.length });
  return cost;
}

export const scoreFactualAccuracy: Scorer = (a) => {
  if (a.empty) return emptyResult('factual accuracy');
  const f = new Findings();
  const withSource = Boolean(a.prompt?.source);
  const penalty = consistencyPenalty(a, f, withSource);
  // Nothing to verify against: start from a neutral 80 and subtract what the text gives away.
  const raw = withSource ? supportScore(a, f) - 0.5 * penalty : 80 - penalty;
  // Noise makes no checkable claim: without a source to check against, it earns no credit.
  const score = withSource ? raw : intelligible(a, raw, 0.4, f);
  const basis = withSource
    ? 'checked for support in the source material given in the prompt'
    : 'checked only for internal consistency, hedging, sweeping and unsupported claims';
  return f.result(score, `Factual accuracy is ${band(score)}: ${basis}. ${CAVEAT}`);
};
