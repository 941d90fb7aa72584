import {
  ADJECTIVES,
  NOUNS,
  PRECISE_ADJECTIVES,
  PRECISE_NOUNS,
  PRECISE_VERBS,
  VERBS,
  VIVID_ADJECTIVES,
} from './word-banks.js';

/** How a mock model writes. Prices and context windows live in the model catalogue. */
export interface MockStyle {
  id: string;
  /** Reported in response metadata. */
  style: 'terse' | 'balanced' | 'vivid' | 'structured';
  /** Paragraphs (or sections, stanzas) in a full answer, inclusive range. */
  paragraphs: readonly [number, number];
  /** Sentences per paragraph, inclusive range. */
  sentences: readonly [number, number];
  /** Items in a numbered list of steps, inclusive range. */
  listItems: readonly [number, number];
  /** Probability that a step gets a second, explanatory sentence. */
  stepDetail: number;
  /** Probability of including a template's optional ornament (a simile, an extra clause). */
  ornament: number;
  /** Probability of a figurative sentence in each body paragraph. */
  figurative: number;
  /** Headings, numbered points and tables instead of flowing prose. */
  structured: boolean;
  /** Relative speed: multiplies the simulated latency (1 = the configured figure). */
  latencyFactor: number;
  /** Vocabularies, most-likely entries first; the style's own words lead. */
  adjectives: readonly string[];
  nouns: readonly string[];
  verbs: readonly string[];
}

function lead(first: readonly string[], rest: readonly string[]): readonly string[] {
  return [...new Set([...first, ...rest])];
}

/** Alternates two vocabularies, so both are among the likeliest words. */
function interleave(a: readonly string[], b: readonly string[]): readonly string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== undefined) out.push(a[i] as string);
    if (b[i] !== undefined) out.push(b[i] as string);
  }
  return [...new Set(out)];
}

export const MOCK_STYLES: Readonly<Record<string, MockStyle>> = {
  'mock-fast': {
    id: 'mock-fast',
    style: 'terse',
    paragraphs: [2, 2],
    sentences: [2, 3],
    listItems: [4, 4],
    stepDetail: 0,
    ornament: 0.05,
    figurative: 0,
    structured: false,
    latencyFactor: 0.5,
    adjectives: ADJECTIVES,
    nouns: NOUNS,
    verbs: VERBS,
  },
  'mock-balanced': {
    id: 'mock-balanced',
    style: 'balanced',
    paragraphs: [4, 5],
    sentences: [3, 4],
    listItems: [5, 6],
    stepDetail: 0.35,
    ornament: 0.3,
    figurative: 0.1,
    structured: false,
    latencyFactor: 1,
    adjectives: ADJECTIVES,
    nouns: NOUNS,
    verbs: VERBS,
  },
  'mock-creative': {
    id: 'mock-creative',
    style: 'vivid',
    paragraphs: [5, 6],
    sentences: [4, 5],
    listItems: [6, 7],
    stepDetail: 0.6,
    ornament: 0.75,
    figurative: 0.8,
    structured: false,
    latencyFactor: 1.4,
    adjectives: interleave(VIVID_ADJECTIVES, ADJECTIVES),
    nouns: NOUNS,
    verbs: VERBS,
  },
  'mock-precise': {
    id: 'mock-precise',
    style: 'structured',
    paragraphs: [4, 4],
    sentences: [3, 4],
    listItems: [6, 7],
    stepDetail: 0.5,
    ornament: 0.1,
    figurative: 0,
    structured: true,
    latencyFactor: 1.8,
    adjectives: lead(PRECISE_ADJECTIVES, ADJECTIVES),
    nouns: lead(PRECISE_NOUNS, NOUNS),
    verbs: lead(PRECISE_VERBS, VERBS),
  },
};

/** The ids the mock answers to, in catalogue order. */
export const MOCK_MODEL_IDS: readonly string[] = Object.keys(MOCK_STYLES);

export function mockStyle(model: string): MockStyle | undefined {
  return Object.hasOwn(MOCK_STYLES, model) ? MOCK_STYLES[model] : undefined;
}
