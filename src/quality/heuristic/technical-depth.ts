/**
 * Technical depth: specialised substance. Density of technical vocabulary (uncommon non-name
 * words, acronyms, identifiers), numbers with units, code, definitions, causal explanation and
 * trade-offs, and enough length to develop them. When the prompt does not call for technical
 * content (a story, small talk), the absence of it is reported but scored against a floor.
 */
import { phraseHits } from './phrases.js';
import type { TextAnalysis } from './analysis.js';
import { CAUSAL_PHRASES, CONTRAST_PHRASES, DEFINITION_PHRASES, UNIT_PATTERN } from './lexicon.js';
import { intelligible } from './signals.js';
import { emptyResult, Findings, band, type Scorer } from './scorer.js';
import { listTerms, ramp, round2 } from './text-utils.js';

const TECHNICAL_SUFFIX =
  /(?:tion|sion|ity|ism|ology|ics|ize|ise|ization|ment|ance|ence|metric|graphy|ase)$/;

function technicalTerms(a: TextAnalysis): string[] {
  const terms = new Set<string>(a.rareWords.filter((w) => w.length > 3));
  for (const m of a.text.matchAll(/\b[A-Z]{2,6}s?\b|\b[a-z]+[A-Z]\w*\b|\b\w+_\w+\b|\b\w+\(\)/g))
    terms.add(m[0]);
  for (const [stem, surface] of a.surfaces) {
    if (
      surface.length > 7 &&
      TECHNICAL_SUFFIX.test(surface) &&
      (a.contentCounts.get(stem) ?? 0) >= 1
    )
      terms.add(surface);
  }
  return [...terms];
}

export const scoreTechnicalDepth: Scorer = (a) => {
  if (a.empty) return emptyResult('technical depth');
  const f = new Findings();
  const per100 = 100 / Math.max(1, a.wordCount);
  const terms = technicalTerms(a);
  const units = a.text.match(UNIT_PATTERN)?.length ?? 0;
  const numbers = a.numbers.length;
  const code =
    a.structure.codeBlocks * 3 +
    a.structure.inlineCode +
    (/[=<>]=?|\bO\([^)]+\)/.test(a.text) ? 1 : 0);
  const causal = phraseHits(a, CAUSAL_PHRASES).count;
  const definitions = phraseHits(a, DEFINITION_PHRASES).count;
  const contrasts = phraseHits(a, CONTRAST_PHRASES).count;
  const parts: Array<[number, number]> = [
    [ramp(terms.length * per100, 1, 8), 0.3],
    [ramp((units * 2 + numbers) * per100, 0, 3), 0.12],
    [ramp(code, 0, 2), 0.1],
    [ramp(causal * per100, 0, 1.2), 0.15],
    [ramp((definitions + contrasts) * per100, 0, 1), 0.13],
    [ramp(a.wordCount + a.codeWordCount, 20, 200), 0.2],
  ];
  const raw = 10 + 90 * parts.reduce((n, [v, w]) => n + v * w, 0);
  const task = a.prompt?.task;
  // Only explanations and technical tasks call for depth; elsewhere its absence costs little.
  const nonTechnical = task !== undefined && task !== 'technical' && task !== 'explanation';
  // A story or a chat reply is not expected to be technical: keep it off the bottom band.
  let score = nonTechnical ? Math.max(raw, 40 + raw * 0.3) : raw;

  if (terms.length > 0) {
    f.note(`Technical vocabulary: ${listTerms(terms, 4)}.`, 30 * parts[0]![0]);
  } else {
    f.note('It uses no specialised vocabulary.', 20);
  }
  if (causal > 0) {
    f.note(
      `It explains why (${listTerms(phraseHits(a, CAUSAL_PHRASES).found, 3)}).`,
      15 * parts[3]![0],
    );
  } else if (!nonTechnical) {
    f.note('It states things without explaining why or how.', 15);
    f.suggest('Explain the mechanism: why it works, what causes what.');
  }
  if (definitions + contrasts > 0)
    f.note(`It defines terms or weighs trade-offs (${definitions + contrasts}).`, 10);
  else if (!nonTechnical && a.wordCount > 60)
    f.suggest('Define the key terms and compare alternatives or trade-offs.');
  if (numbers + units === 0 && !nonTechnical && a.wordCount > 60) {
    f.suggest('Add specifics: figures, units, limits, complexity.');
  }
  if (code === 0 && task === 'technical')
    f.suggest('Include a short code example or a concrete command.');
  if (nonTechnical && raw < 40) {
    f.note(
      `The prompt (${task}) does not call for technical detail, so its absence is not penalised much.`,
      25,
    );
  }
  f.record({
    technical_terms: terms.length,
    numbers,
    units,
    code_signals: code,
    causal_markers: causal,
    definition_or_contrast_markers: definitions + contrasts,
    task: task ?? null,
    raw_depth: round2(raw),
  });
  score = intelligible(a, score, 0.7, f);
  const lead = `Technical depth is ${band(score)}: ${terms.length} technical term${terms.length === 1 ? '' : 's'}, ${numbers} number${numbers === 1 ? '' : 's'}, ${causal} causal explanation marker${causal === 1 ? '' : 's'}.`;
  return f.result(score, lead);
};
