/**
 * Coherence: does the text hang together? Each sentence should connect to what came before
 * (shared words, pronouns, connectives) and add something new. Costs: abrupt jumps,
 * sentences that restate earlier ones, a heap of same-shaped statements, word salad
 * (implausible word order, no function words, verbless sentences), sentences unrelated to
 * anything, an opening pronoun with nothing to refer to, and an unfinished ending.
 */
import type { TextAnalysis } from './analysis.js';
import {
  connectiveCount,
  openerVariety,
  strays,
  transitions,
  type Transition,
} from './cohesion.js';
import { emptyResult, Findings, band, type Scorer } from './scorer.js';
import { ending, gibberishEvidence, proseSentences } from './signals.js';
import { quote, quoteTail, ramp, round2 } from './text-utils.js';

const PERSONAL = new Set(['he', 'she', 'they', 'him', 'them', 'his', 'her', 'their']);

/** Abrupt jumps and restatements: the two ways consecutive sentences fail each other. */
function flow(a: TextAnalysis, f: Findings, all: readonly Transition[]): number {
  let cost = 0;
  const jumps = all.filter((t) => t.strength < 1);
  // 7 points per abrupt jump in a short text; in a long one, the share of jumps counts.
  const weakness = jumps.reduce((n, t) => n + (1 - t.strength), 0);
  const jumpCost = (28 * weakness) / Math.max(4, all.length);
  const abrupt = jumps.find((t) => t.strength === 0) ?? jumps[0];
  if (abrupt && jumpCost >= 5) {
    f.note(
      abrupt.strength === 0
        ? `The thread breaks at ${quote(a.sentences[abrupt.sentence]!.text, 90)}, which picks up nothing from the sentence before.`
        : `${quote(a.sentences[abrupt.sentence]!.text, 90)} is only loosely tied to the sentence before.`,
      jumpCost,
    );
    f.suggest(
      'Link each sentence to the previous one: carry over the subject, or say how it relates (because, however, then).',
    );
  }
  cost += jumpCost;
  const restated = a.repetition.restatements;
  if (restated.length > 0) {
    const restateCost = Math.min(
      40,
      restated.reduce((n, r) => n + 8 + 24 * (r.share - 0.5), 0),
    );
    const worst = restated.reduce((x, y) => (y.share > x.share ? y : x));
    f.note(
      `${quote(a.sentences[worst.sentence]!.text, 90)} mostly restates ${quote(a.sentences[worst.earlier]!.text, 60)} (${Math.round(worst.share * 100)}% of its content words were already used).`,
      restateCost,
    );
    f.suggest(
      'Merge or drop the sentences that restate an earlier point; each sentence should add something.',
    );
    cost += restateCost;
  }
  const prose = proseSentences(a);
  const variety = openerVariety(a);
  if (prose.length >= 3 && variety < 1) {
    const openerCost = 15 * (1 - variety);
    const counts = new Map<string, number>();
    for (const s of prose) counts.set(s.words[0]!, (counts.get(s.words[0]!) ?? 0) + 1);
    const [word, n] = [...counts].sort((x, y) => y[1] - x[1])[0]!;
    if (n >= 2 && openerCost >= 5) {
      f.note(
        `${n} of ${prose.length} sentences open with "${word}": a list of statements more than a connected text.`,
        openerCost,
      );
    }
    cost += openerCost;
  }
  return cost;
}

/** Word salad: implausible word order, too few function words, sentences without verbs. */
function salad(a: TextAnalysis, f: Findings): number {
  const g = a.grammar;
  const disorder = Math.min(35, g.implausibleRate * 350);
  if (disorder >= 3) {
    f.note(
      `Word order looks scrambled in places (${g.implausible
        .slice(0, 2)
        .map((x) => `"${x.words}"`)
        .join(', ')}).`,
      disorder,
    );
    f.suggest('Rewrite the scrambled sentences so that each reads as a grammatical statement.');
  }
  const gap =
    a.wordCount >= 15 && a.structure.listItems < 3 ? Math.max(0, 0.3 - g.functionWordRatio) : 0;
  if (gap > 0) {
    f.note(
      `Only ${Math.round(g.functionWordRatio * 100)}% of the words are function words (prose has 40–55%): it reads as a list of words, not sentences.`,
      gap * 120,
    );
  }
  const verbless = g.verbless.length / Math.max(1, a.sentences.length);
  if (g.verbless.length > 0)
    f.note(`${quote(a.sentences[g.verbless[0]!]!.text, 80)} has no verb.`, verbless * 25);
  // Non-words, doubled words, lowercase starts and stray punctuation: further signs of noise.
  const noise = 30 * a.intelligibility.gibberish;
  if (noise >= 3) f.note(`It reads as noise in places: ${gibberishEvidence(a)}.`, noise);
  return disorder + Math.min(30, gap * 120) + verbless * 25 + noise;
}

export const scoreCoherence: Scorer = (a) => {
  if (a.empty) return emptyResult('coherence');
  const f = new Findings();
  const links = connectiveCount(a);
  const multi = proseSentences(a).length >= 3;
  let score = 90 + (multi ? 10 * ramp(links / a.sentences.length, 0, 0.25) : 10);
  if (multi && links === 0)
    f.note('No connectives (however, because, then…) signal how the sentences relate.', 4);
  const t = transitions(a);
  score -= flow(a, f, t) + salad(a, f);

  const stray = strays(a);
  if (stray.length > 0) {
    const cost = Math.min(15, 5 * stray.length);
    score -= cost;
    f.note(
      `${quote(a.sentences[stray[0]!]!.text, 90)} shares no content with the rest of the text or the prompt.`,
      cost,
    );
    f.suggest('Remove or connect the sentences that drift away from the topic.');
  }
  // A summary or a standalone text must introduce who "he" is; an answer may lean on the prompt.
  const opener = a.sentences[0]?.words[0] ?? '';
  if (PERSONAL.has(opener) && (!a.prompt || a.prompt.source)) {
    score -= 8;
    f.note(`The text opens with "${opener}" before saying who it refers to.`, 8);
    f.suggest('Name the subject before referring to it with a pronoun.');
  }
  if (a.wordCount < 5) {
    score = Math.min(score, 70);
    f.note(
      `At ${a.wordCount} word${a.wordCount === 1 ? '' : 's'} it is too short to show how ideas connect.`,
      30,
    );
  }
  const end = ending(a);
  if (end.unterminated || end.cutByLength) {
    score -= 10;
    f.note(`It stops mid-thought: ${quoteTail(end.lastSentence, 80)}.`, 10);
    f.suggest('Finish the last sentence (or raise max_tokens if the model was cut off).');
  }
  const linked = t.length ? t.filter((x) => x.strength === 1).length / t.length : 1;
  f.record({
    sentences: a.sentences.length,
    linked_transitions: round2(linked),
    connectives: links,
    opener_variety: round2(openerVariety(a)),
    restatements: a.repetition.restatements.length,
    implausible_pos_rate: round2(a.grammar.implausibleRate),
    function_word_ratio: round2(a.grammar.functionWordRatio),
    stray_sentences: stray.length,
  });
  const lead = `Coherence is ${band(score)}: ${Math.round(linked * 100)}% of sentence transitions are explicitly linked${multi ? ` and ${links} connective${links === 1 ? '' : 's'} guide the reader` : ''}.`;
  return f.result(score, lead);
};
