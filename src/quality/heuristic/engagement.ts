/**
 * Engagement: would a reader stay with it? Rhythm (varied sentence lengths and openers),
 * questions, direct address, concrete examples and vivid words — minus monotony and repetition.
 */
import { phraseHits } from './phrases.js';
import type { TextAnalysis } from './analysis.js';
import { DIRECT_ADDRESS, EXAMPLE_PHRASES, SENSORY } from './lexicon.js';
import { emptyResult, Findings, band, type Scorer } from './scorer.js';
import { intelligible, lengthVariation, notableRepeats, proseSentences } from './signals.js';
import { plural, quote, ramp, round2 } from './text-utils.js';

/** The most repeated sentence opener, if it opens at least a third of several sentences. */
function monotonousOpener(a: TextAnalysis): { word: string; count: number } | null {
  const prose = proseSentences(a);
  if (prose.length < 4) return null;
  const counts = new Map<string, number>();
  for (const s of prose) counts.set(s.words[0]!, (counts.get(s.words[0]!) ?? 0) + 1);
  const [word, count] = [...counts].sort((x, y) => y[1] - x[1])[0]!;
  return count >= 3 && count / prose.length >= 0.34 ? { word, count } : null;
}

export const scoreEngagement: Scorer = (a) => {
  if (a.empty) return emptyResult('engagement');
  const f = new Findings();
  const prose = proseSentences(a);
  const openers = new Set(prose.map((s) => s.words[0]));
  const openerVariety = prose.length >= 2 ? (openers.size - 1) / (prose.length - 1) : 0.7;
  const rhythm = prose.length >= 3 ? ramp(lengthVariation(a), 0.15, 0.55) : 0.5;
  const questions = a.sentences.filter((s) => s.question).length;
  const addressed = a.words.filter((w) => DIRECT_ADDRESS.has(w)).length;
  // Illustration: explicit examples, list items, and quoted speech (a story shows by dialogue).
  const dialogue = Math.floor((a.text.match(/["“”]/g)?.length ?? 0) / 2);
  const examples =
    phraseHits(a, EXAMPLE_PHRASES).count +
    a.structure.listItems * 0.25 +
    dialogue * 0.5 +
    a.structure.codeBlocks;
  const vivid =
    a.words.filter((w) => SENSORY.has(w)).length + (a.text.match(/!/g)?.length ?? 0) * 0.5;
  const per100 = 100 / Math.max(1, a.wordCount);
  const parts: Array<[number, number]> = [
    [rhythm, 0.2],
    [openerVariety, 0.2],
    [questions > 0 && questions < a.sentences.length ? 1 : 0, 0.1],
    [ramp(addressed * per100, 0, 3), 0.15],
    [ramp(examples * per100, 0, 1), 0.15],
    [ramp(vivid * per100, 0, 3), 0.1],
    [ramp(a.repetition.mattr, 0.5, 0.8), 0.1],
  ];
  let score = 25 + 75 * parts.reduce((n, [v, w]) => n + v * w, 0);

  const mono = monotonousOpener(a);
  if (mono) {
    score -= Math.min(15, 3 * mono.count);
    f.note(`${mono.count} sentences open with "${mono.word}".`, 3 * mono.count);
    f.suggest(`Vary the sentence openings (not always "${mono.word}…").`);
  }
  const repeats = notableRepeats(a);
  const rate = a.repetition.trigramRepeatRate;
  if (repeats.length > 0 || rate > 0.05) {
    const cost = Math.min(25, Math.max(0, rate - 0.05) * 120 + 4 * repeats.length);
    score -= cost;
    const phrase = repeats[0]?.phrase ?? a.repetition.phrases[0]?.phrase;
    if (phrase) f.note(`Repetition (e.g. "${phrase}") makes it monotonous.`, cost);
    f.suggest('Cut the repeated material; each sentence should add something.');
  }
  if (prose.length >= 3 && rhythm < 0.3) {
    f.note(`Sentences have nearly the same length throughout, a flat rhythm.`, 20 * (1 - rhythm));
    f.suggest('Mix short sentences with longer ones.');
  }
  const task = a.prompt?.task;
  if (examples === 0 && a.wordCount > 80 && task !== 'story' && task !== 'conversation') {
    f.note('There is no concrete example or illustration.', 12);
    f.suggest('Add a concrete example ("for example, …").');
  }
  if (questions > 0) {
    const q = a.sentences.find((s) => s.question)!;
    f.note(`It invites the reader in with a question (${quote(q.text, 60)}).`, 8);
  }
  if (addressed > 0) {
    f.note(`It speaks to the reader directly (${plural(addressed, 'use')} of you/we).`, 6);
  }
  f.record({
    sentence_length_variation: round2(lengthVariation(a)),
    opener_variety: round2(openerVariety),
    questions,
    direct_address: addressed,
    examples: round2(examples),
  });
  score = intelligible(a, score, 0.6, f);
  const lead = `Engagement is ${band(score)}: opener variety ${Math.round(openerVariety * 100)}%, ${questions} question${questions === 1 ? '' : 's'}, ${Math.round(examples)} example marker${Math.round(examples) === 1 ? '' : 's'}.`;
  return f.result(score, lead);
};
