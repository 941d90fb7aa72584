/**
 * Readability: how easily the text reads. Flesch reading ease and sentence length (with the
 * over-long sentences quoted), plus fluency proxies that formulas miss: doubled words,
 * implausible word order, unbalanced quotes or brackets, stray symbols, walls of text and a
 * broken-off ending.
 */
import type { TextAnalysis } from './analysis.js';
import { emptyResult, Findings, band, type Scorer } from './scorer.js';
import { ending, gibberishEvidence, proseSentences } from './signals.js';
import { listTerms, quote, quoteTail, ramp, round2 } from './text-utils.js';

const LONG_SENTENCE = 40;

/** Flesch reading ease (Flesch 1948): 60–80 plain English, < 30 very hard. */
export function fleschReadingEase(a: TextAnalysis): number {
  const sentences = Math.max(1, a.sentences.length);
  const words = Math.max(1, a.wordCount);
  return 206.835 - 1.015 * (words / sentences) - 84.6 * (a.syllableCount / words);
}

/** Flesch–Kincaid grade level (Kincaid et al. 1975). */
export function fleschKincaidGrade(a: TextAnalysis): number {
  const sentences = Math.max(1, a.sentences.length);
  const words = Math.max(1, a.wordCount);
  return 0.39 * (words / sentences) + 11.8 * (a.syllableCount / words) - 15.59;
}

/**
 * 1 from "difficult" (30, quality newspapers) to "very easy" (90): differences inside that
 * band matter little to a reader; below it the text gets dense, above it childish.
 */
function easeScore(fre: number): number {
  if (fre >= 30 && fre <= 90) return 1;
  if (fre > 90) return 1 - 0.15 * ramp(fre, 90, 120);
  return 0.3 + 0.7 * ramp(fre, -10, 30);
}

export const scoreReadability: Scorer = (a) => {
  if (a.empty) return emptyResult('readability');
  const f = new Findings();
  const fre = fleschReadingEase(a);
  const grade = fleschKincaidGrade(a);
  const prose = proseSentences(a);
  const lengths = prose.map((s) => s.words.length);
  const avg = lengths.length ? lengths.reduce((x, y) => x + y, 0) / lengths.length : a.wordCount;
  // Very short sentences on average read as choppy; long ones are handled one by one below.
  const lengthScore = avg >= 8 ? 1 : 0.85 + 0.15 * ramp(avg, 3, 8);
  // Within the plain-English band the formulas barely separate texts; fluency problems do.
  let score = 100 * easeScore(fre) ** 0.8 * lengthScore;
  if (fre < 30) {
    f.note(
      `Flesch reading ease is ${Math.round(fre)} (grade ${Math.round(grade)}): dense for a general reader.`,
      50 * (1 - easeScore(fre)),
    );
    f.suggest('Prefer shorter, everyday words where a technical term is not needed.');
  }
  const long = prose
    .filter((s) => s.words.length > LONG_SENTENCE)
    .sort((x, y) => y.words.length - x.words.length);
  if (long.length > 0) {
    const cost = Math.min(
      20,
      long.reduce((n, s) => n + 5 + (s.words.length - LONG_SENTENCE) * 0.3, 0),
    );
    score -= cost;
    f.note(
      `${long.length === 1 ? 'One sentence runs' : `${long.length} sentences run`} past ${LONG_SENTENCE} words, the longest (${long[0]!.words.length} words) being ${quote(long[0]!.text, 100)}.`,
      cost + 5,
    );
    f.suggest(`Split ${quote(long[0]!.text, 60)} into two or three sentences.`);
  }
  const g = a.grammar;
  const fluency: Array<[number, string, string]> = [];
  if (g.doubled.length > 0) {
    fluency.push([
      Math.min(12, 4 * g.doubled.length),
      `Doubled words: ${listTerms(g.doubled)}.`,
      'Remove the accidental repeated words.',
    ]);
  }
  const disorder = Math.min(25, g.implausibleRate * 250);
  if (disorder >= 2) {
    fluency.push([
      disorder,
      `Ungrammatical word sequences such as ${listTerms(
        g.implausible.map((x) => x.words),
        3,
      )}.`,
      'Reread the flagged phrases aloud and fix their grammar.',
    ]);
  }
  if (g.closeRepeats.length > 0) {
    fluency.push([
      Math.min(12, 4 * g.closeRepeats.length),
      `Awkward repetition within a sentence: ${listTerms(g.closeRepeats, 2)}.`,
      `Rephrase ${quote(g.closeRepeats[0]!, 40)} so the word is not repeated.`,
    ]);
  }
  if (g.runOns.length > 0) {
    fluency.push([
      Math.min(15, 5 * g.runOns.length),
      `A sentence break is missing in ${listTerms(g.runOns, 2)}.`,
      'End each sentence with a full stop before starting the next.',
    ]);
  }
  // Restating a name across sentences is normal; a phrase echoing itself ("the nightlife, the
  // nightlife") or a text made of repeats is not.
  const stutter = a.repetition.stutters[0];
  const echo = Math.min(
    25,
    8 * a.repetition.stutters.length + Math.max(0, a.repetition.trigramRepeatRate - 0.15) * 80,
  );
  if (echo >= 2) {
    const phrase = stutter ?? a.repetition.phrases[0]?.phrase ?? '';
    fluency.push([
      echo,
      `Repeated wording ("${phrase}") makes it read mechanically.`,
      `Say "${phrase}" once and move on.`,
    ]);
  }
  if (g.unbalanced.length > 0) {
    fluency.push([
      4 * g.unbalanced.length,
      `Unbalanced ${g.unbalanced.join(' and ')}.`,
      `Close the open ${g.unbalanced[0]}.`,
    ]);
  }
  if (g.junk.length > 0) {
    fluency.push([
      Math.min(10, 3 * g.junk.length),
      `Stray markup or symbols in the prose: ${listTerms(g.junk, 3)}.`,
      'Strip hashtags, raw URLs and stray symbols from running text.',
    ]);
  }
  if (g.verbless.length > 0) {
    const cost = Math.min(12, (12 * g.verbless.length) / Math.max(1, a.sentences.length));
    fluency.push([
      cost,
      `${quote(a.sentences[g.verbless[0]!]!.text, 80)} is not a full sentence (no verb).`,
      'Turn fragments into full sentences.',
    ]);
  }
  const end = ending(a);
  if (end.unterminated || end.cutByLength) {
    fluency.push([
      end.brokenTail ? 14 : 8,
      `The last sentence breaks off: ${quoteTail(end.lastSentence, 80)}.`,
      'End on a complete sentence.',
    ]);
  }
  if (a.wordCount > 250 && a.structure.paragraphs === 1 && a.structure.listItems === 0) {
    fluency.push([
      6,
      `${a.wordCount} words in a single paragraph make a wall of text.`,
      'Break the text into paragraphs, one idea each.',
    ]);
  }
  f.record({ ease_component: round2(easeScore(fre)), length_component: round2(lengthScore) });
  const noise = 20 * a.intelligibility.gibberish;
  if (noise >= 2) {
    fluency.push([
      noise,
      `Parts do not read as language: ${gibberishEvidence(a)}.`,
      'Regenerate or rewrite the garbled passages (a lower temperature may help).',
    ]);
  }
  for (const [cost, note, fix] of fluency) {
    score -= cost;
    f.note(note, cost);
    f.suggest(fix);
  }
  f.record({
    flesch_reading_ease: round2(fre),
    flesch_kincaid_grade: round2(grade),
    avg_sentence_words: round2(avg),
    long_sentences: long.length,
    polysyllabic_share: round2(a.polysyllables / Math.max(1, a.wordCount)),
  });
  const lead = `Readability is ${band(score)}: Flesch reading ease ${Math.round(fre)}, ${avg.toFixed(1)} words per sentence on average.`;
  return f.result(score, lead);
};
