/**
 * G-Eval-style rubrics for the LLM judge (Liu et al., 2023: "G-Eval: NLG Evaluation using
 * GPT-4 with Better Human Alignment"): for each dimension, what it means, the steps a grader
 * follows, and anchored points on a 1-5 scale. rubrics.ts turns them into prompts.
 */
import type { Dimension } from '../types.js';

/** The judge's integer scale. 1-5 rather than 1-10: judges use a short scale more consistently. */
export interface JudgeScale {
  min: number;
  max: number;
}

export const JUDGE_SCALE: JudgeScale = { min: 1, max: 5 };

export interface Rubric {
  dimension: Dimension;
  /** Heading shown to the judge, e.g. "Coherence". */
  title: string;
  /** What the dimension measures, in one or two sentences. */
  definition: string;
  /** Chain-of-thought steps the judge follows before scoring (G-Eval's "evaluation steps"). */
  steps: readonly string[];
  /** One anchor per point of {@link JUDGE_SCALE}, best first in the prompt. */
  anchors: Readonly<Record<1 | 2 | 3 | 4 | 5, string>>;
  /** Appended to the judge's explanation: what this verdict can and cannot tell. */
  caveat?: string;
}

const FIRST_STEP = "Read the user's prompt to understand what was asked and for whom.";

export const RUBRICS: Readonly<Record<Dimension, Rubric>> = {
  coherence: {
    dimension: 'coherence',
    title: 'Coherence',
    definition:
      'The collective quality of the sentences: the response is well structured and well ' +
      'organised, each sentence follows from the previous ones, and it builds a consistent ' +
      'body of information rather than a heap of loosely related statements.',
    steps: [
      FIRST_STEP,
      'Read the response and note its main points and the order in which they come.',
      'Check the transitions: does each sentence and paragraph follow from what precedes it?',
      'Look for contradictions, abrupt topic jumps, repeated points and sentences that make no sense.',
      'Assign a score using the scale below.',
    ],
    anchors: {
      5: 'Clearly organised; every sentence builds on the previous ones; no contradictions.',
      4: 'Logical overall, with a minor awkward transition or one loosely connected sentence.',
      3: 'Understandable, but with noticeable jumps, repetition or a badly ordered section.',
      2: 'Hard to follow: many disconnected sentences, or a contradiction that undermines it.',
      1: 'Incoherent: word salad, self-contradictory, or no discernible structure.',
    },
  },
  creativity: {
    dimension: 'creativity',
    title: 'Creativity',
    definition:
      'Originality and inventiveness appropriate to the task: fresh ideas, specific and vivid ' +
      'language, apt examples or angles the reader would not have predicted. Randomness or ' +
      'ornament that does not serve the task is not creativity.',
    steps: [
      FIRST_STEP + ' Decide how much inventiveness the task calls for.',
      'Identify the ideas, images, examples and phrasings in the response.',
      'Judge which of them are fresh and apt, and which are clichés, stock phrases or repetition.',
      'Assign a score using the scale below, relative to what the task allows.',
    ],
    anchors: {
      5: 'Original, apt ideas or imagery throughout; avoids clichés; surprising yet fitting.',
      4: 'Several fresh touches, with some conventional passages.',
      3: 'Competent but predictable; mostly familiar ideas and phrasing.',
      2: 'Generic or formulaic; relies on clichés or repeats itself.',
      1: 'Boilerplate, heavily repetitive, or merely restates the prompt.',
    },
  },
  readability: {
    dimension: 'readability',
    title: 'Readability',
    definition:
      'How easily the intended reader can read and understand the text: fluent grammar, ' +
      'sentence length and word choice suited to the audience, jargon explained, and layout ' +
      '(paragraphs, lists) that helps rather than hinders.',
    steps: [
      FIRST_STEP,
      'Read the response as that reader would, noting sentences you had to reread.',
      'Check grammar and fluency, overlong or convoluted sentences, unexplained jargon and layout.',
      'Assign a score using the scale below.',
    ],
    anchors: {
      5: 'Effortless to read for the intended audience; fluent, well laid out.',
      4: 'Easy to read, with a few long or clumsy sentences.',
      3: 'Readable with effort: several convoluted sentences, dense passages or grammar slips.',
      2: 'Difficult: frequent errors, run-on sentences or unexplained jargon.',
      1: 'Barely readable: broken grammar, garbled text or an impenetrable wall of words.',
    },
  },
  completeness: {
    dimension: 'completeness',
    title: 'Completeness',
    definition:
      'Whether the response addresses every part of the prompt, with depth proportionate to ' +
      'what was asked, and comes to a proper end rather than stopping mid-thought.',
    steps: [
      FIRST_STEP + ' List every explicit request and any clearly implied one.',
      'For each item on the list, check whether the response addresses it, and how fully.',
      'Check that the response ends properly (not cut off mid-sentence or mid-list).',
      'Assign a score using the scale below.',
    ],
    anchors: {
      5: 'Every part of the prompt is addressed thoroughly, and the response ends properly.',
      4: 'All parts addressed, one of them only briefly.',
      3: 'A part of the prompt is missing or superficial, or the ending is abrupt.',
      2: 'Several parts are missing, or the response is cut off before its main point.',
      1: 'Addresses almost none of the prompt.',
    },
  },
  factual_accuracy: {
    dimension: 'factual_accuracy',
    title: 'Factual accuracy',
    definition:
      "Whether the response's claims are correct. You cannot look anything up: check claims " +
      "only against the material in the user's prompt and well-established general knowledge. " +
      'Do not penalise a claim merely because you cannot verify it, but do penalise claims ' +
      'that contradict the prompt, each other or well-established facts, wrong numbers or ' +
      'dates, and specific-sounding details that look fabricated.',
    steps: [
      FIRST_STEP + ' Note any facts, figures or source material it provides.',
      'List the checkable claims in the response (facts, numbers, dates, names, causal claims).',
      "Check each against the prompt's material and general knowledge; mark it as supported, contradicted or unverifiable.",
      'Check the response for internal contradictions and inconsistent numbers.',
      'Assign a score using the scale below.',
    ],
    anchors: {
      5: 'No errors found; claims agree with the prompt and general knowledge.',
      4: 'One minor inaccuracy or imprecision that does not affect the main point.',
      3: 'Some inaccuracies, or several confident claims that look unsupported.',
      2: 'Significant errors or contradictions of the prompt that mislead the reader.',
      1: 'Mostly wrong, self-contradictory or fabricated.',
    },
    caveat:
      "Checked only against the prompt's material and the judge model's general knowledge, " +
      'not against external sources.',
  },
  relevance: {
    dimension: 'relevance',
    title: 'Relevance',
    definition:
      "How well the response stays on the prompt's topic and serves its intent: everything " +
      'in it should help answer what was asked; digressions, filler and off-topic material ' +
      'count against it.',
    steps: [
      FIRST_STEP + ' State its topic and intent to yourself.',
      'Go through the response and mark content that does not serve that intent.',
      'Weigh how much of the response is on topic and whether it answers the actual question.',
      'Assign a score using the scale below.',
    ],
    anchors: {
      5: 'Entirely focused on what was asked; no filler or digressions.',
      4: 'On topic, with a little filler or a brief digression.',
      3: 'Partly relevant: answers the question but with substantial off-topic material.',
      2: 'Mostly off topic, or answers a different question.',
      1: 'Unrelated to the prompt.',
    },
  },
  engagement: {
    dimension: 'engagement',
    title: 'Engagement',
    definition:
      'How well the response holds the reader: a voice suited to the task, concrete examples, ' +
      'varied sentence rhythm and a sense of momentum. Monotony, repetition and dry ' +
      'enumeration make it less engaging.',
    steps: [
      FIRST_STEP + ' Decide what would make a response engaging for that reader.',
      'Read the response and notice where your attention would hold and where it would drift.',
      'Check for concrete examples, varied sentences and voice, or monotony and repetition.',
      'Assign a score using the scale below.',
    ],
    anchors: {
      5: 'Compelling from start to finish; vivid, varied, well paced.',
      4: 'Engaging for the most part, with a flat stretch.',
      3: 'Adequate but unremarkable; informative without drawing the reader in.',
      2: 'Dull: monotonous sentences, repetition or a dry list without examples.',
      1: 'Tedious or off-putting throughout.',
    },
  },
  technical_depth: {
    dimension: 'technical_depth',
    title: 'Technical depth',
    definition:
      'The expertise the response shows: precise terminology used correctly, mechanisms and ' +
      'reasons rather than surface description, specifics (numbers, trade-offs, edge cases, ' +
      'examples). Score the depth actually present: light small talk scores low here even ' +
      'when it answers a light prompt well.',
    steps: [
      FIRST_STEP,
      'Identify the technical content: terms, mechanisms, quantities, trade-offs, caveats.',
      'Judge whether it explains how and why, or only names things; check that terms are used correctly.',
      'Assign a score using the scale below.',
    ],
    anchors: {
      5: 'Expert-level: precise, explains mechanisms and trade-offs with concrete specifics.',
      4: 'Solid technical content with some specifics; a few points stay on the surface.',
      3: 'Some technical content, mostly general description.',
      2: 'Superficial; vague or loosely used terms.',
      1: 'No technical substance.',
    },
  },
};
