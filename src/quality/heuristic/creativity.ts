/**
 * Creativity: originality of expression. Lexical diversity (MATTR, independent of length),
 * less common vocabulary, figurative and sensory language, content beyond the prompt's own
 * words, varied sentence shapes — minus repetition of phrases.
 */
import { phraseHits } from './phrases.js';
import type { TextAnalysis } from './analysis.js';
import { FIGURATIVE_PHRASES, SENSORY } from './lexicon.js';
import { emptyResult, Findings, band, type Scorer } from './scorer.js';
import { intelligible, lengthVariation, notableRepeats } from './signals.js';
import { listTerms, ramp, round2 } from './text-utils.js';

/** Share of the response's distinct content words that the prompt did not already use. */
function novelty(a: TextAnalysis): number | null {
  const p = a.prompt;
  // Reusing the source's words is the job when the prompt hands over material to work on.
  if (!p || p.source) return null;
  const promptVocab = new Set(p.keyTerms.map((t) => t.stem));
  const distinct = [...a.contentCounts.keys()];
  if (distinct.length === 0) return 0;
  return distinct.filter((w) => !promptVocab.has(w)).length / distinct.length;
}

export const scoreCreativity: Scorer = (a) => {
  if (a.empty) return emptyResult('creativity');
  const f = new Findings();
  const rep = a.repetition;
  const diversity = ramp(rep.mattr, 0.5, 0.8);
  const distinctContent = Math.max(1, a.contentCounts.size);
  const rareShare = a.rareWords.length / distinctContent;
  const figurative = phraseHits(a, FIGURATIVE_PHRASES).count;
  const sensory = a.words.filter((w) => SENSORY.has(w));
  const imagery = ramp(((figurative + sensory.length) / Math.max(1, a.wordCount)) * 100, 0, 4);
  const fresh = novelty(a);
  const variety = ramp(lengthVariation(a), 0.1, 0.5);
  const parts: Array<[number, number]> = [
    [diversity, 0.3],
    [ramp(rareShare, 0.02, 0.2), 0.2],
    [imagery, 0.2],
    [variety, 0.1],
  ];
  if (fresh !== null) parts.push([ramp(fresh, 0.2, 0.8), 0.2]);
  const weight = parts.reduce((n, [, w]) => n + w, 0);
  let score = 20 + 80 * (parts.reduce((n, [v, w]) => n + v * w, 0) / weight);

  if (diversity < 0.5) {
    f.note(
      `Vocabulary is narrow (moving-average type-token ratio ${rep.mattr.toFixed(2)}).`,
      30 * (1 - diversity),
    );
    f.suggest('Vary the wording instead of reusing the same words.');
  }
  const repeats = notableRepeats(a);
  if (repeats.length > 0 || rep.trigramRepeatRate > 0.05) {
    const cost = Math.min(30, Math.max(0, rep.trigramRepeatRate - 0.03) * 150 + 4 * repeats.length);
    score -= cost;
    if (repeats.length > 0) {
      f.note(`The phrase "${repeats[0]!.phrase}" is repeated ${repeats[0]!.count} times.`, cost);
      f.suggest(`Rephrase the repeated "${repeats[0]!.phrase}".`);
    }
  }
  if (imagery > 0.3) {
    const cues = [...phraseHits(a, FIGURATIVE_PHRASES).found, ...new Set(sensory)];
    f.note(`Imagery and figurative language (${listTerms(cues, 3)}) add colour.`, 20 * imagery);
  } else if (a.prompt?.task === 'story') {
    f.note('There is little imagery or figurative language for a creative piece.', 15);
    f.suggest('Add concrete sensory detail or a fresh comparison.');
  }
  if (a.rareWords.length > 0 && rareShare >= 0.08) {
    f.note(
      `Less common word choices such as ${listTerms(a.rareWords, 3)}.`,
      20 * ramp(rareShare, 0.02, 0.2),
    );
  }
  if (fresh !== null && fresh < 0.3) {
    f.note(
      `Only ${Math.round(fresh * 100)}% of its content words go beyond the prompt's own words.`,
      15,
    );
    f.suggest('Bring in ideas and words of your own rather than echoing the prompt.');
  }
  f.record({
    mattr: round2(rep.mattr),
    rare_word_share: round2(rareShare),
    figurative_cues: figurative,
    sensory_words: sensory.length,
    novelty: fresh === null ? null : round2(fresh),
    trigram_repeat_rate: round2(rep.trigramRepeatRate),
  });
  score = intelligible(a, score, 0.7, f);
  const lead = `Creativity is ${band(score)}: lexical diversity ${rep.mattr.toFixed(2)}, ${Math.round(rareShare * 100)}% uncommon words, ${figurative + sensory.length} imagery cues.`;
  return f.result(score, lead);
};
