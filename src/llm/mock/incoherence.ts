import type { Rng } from './prng.js';
import { ADJECTIVES, NOUNS, PAST_VERBS, VERBS } from './word-banks.js';

/**
 * High-temperature decay. Real models above ~1.2 start sampling from the long tail of their
 * vocabulary: unrelated words creep in, grammar breaks and the topic drifts. The mock imitates
 * that by corrupting finished sentences with a per-word probability from {@link incoherenceLevel}.
 */

/** Words from nowhere near the prompt: the tail a hot sampler reaches. Never used when T ≤ 1.1. */
export const UNRELATED_WORDS: readonly string[] = `
  marmalade accordion tugboat velvet pelican asteroid turnip saxophone lampshade walrus trombone
  cabbage zeppelin pancake mongoose teapot kaleidoscope spatula flamingo bagpipe harmonica igloo
  jellybean trampoline porcupine broccoli sombrero typewriter carburetor noodle platypus lollipop
  cactus wombat muffin xylophone gargoyle dandelion pickle hammock snorkel biscuit tangerine llama
  dumpling origami galoshes banjo parsnip wobble fizzled juggling squawked gallop sprinkled
  tumbled yodel brisket quasar doorknob
`
  .trim()
  .split(/\s+/);

/** Topics the text wanders off to when the temperature is very high. */
export const DRIFT_TOPICS: readonly string[] = [
  'medieval cheese making',
  'the migration of eels',
  'submarine cartography',
  'Victorian wallpaper',
  'competitive yodeling',
  'the price of turnips',
  'lunar real estate',
  'antique doorknobs',
  'the politics of ducks',
  'jazz accordion tuning',
  'tax law for wizards',
  'the history of spoons',
];

const SYLLABLES = 'ka lo vri sten ul mor pa zi qua ther onk bli dro fen gu ix plo tra nem'.split(
  ' ',
);
const STRAY_MARKS = [',', ';', ' —', ':', ' ...', ' /'];

/**
 * How broken the text gets at a temperature: 0 up to 1.1, about 0.08 at 1.4, 0.17 at 1.6, 0.42
 * at 1.8 and 0.7 at 2.0. Nucleus sampling trims the tail, so a low top_p softens the decay.
 */
export function incoherenceLevel(temperature: number, topP: number): number {
  if (!(temperature > 1.1)) return 0;
  const heat = Math.min(1, (temperature - 1.1) / 0.9) ** 2 * 0.7;
  const tail = 0.25 + 0.75 * Math.min(1, Math.max(0, topP));
  return Math.min(0.95, heat * tail);
}

/** A made-up word, the mock's stand-in for the garbage tokens of a very hot sampler. */
export function gibberish(rng: Rng): string {
  let word = '';
  const count = rng.int(2, 3);
  for (let i = 0; i < count; i++) word += rng.pick(SYLLABLES);
  return word;
}

const WRONG_PART_OF_SPEECH: readonly (readonly string[])[] = [ADJECTIVES, NOUNS, VERBS, PAST_VERBS];

function strangeWord(rng: Rng, level: number): string {
  const roll = rng.next();
  if (roll < 0.5) return rng.pick(UNRELATED_WORDS);
  if (roll < 0.5 + 0.3 * level) return gibberish(rng);
  // A real word in the wrong place: grammatical nonsense rather than vocabulary nonsense.
  return rng.pick(rng.pick(WRONG_PART_OF_SPEECH));
}

/**
 * Corrupts one sentence. Each word is hit with probability `level`: substituted, dropped,
 * doubled or swapped with its neighbour; at higher levels punctuation and casing go too.
 * Markdown markers are never touched, so the document keeps its skeleton.
 */
export function corruptSentence(sentence: string, level: number, rng: Rng): string {
  if (level <= 0) return sentence;
  const tokens = sentence.split(' ');
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    const parts = /^([^A-Za-z]*)([A-Za-z][A-Za-z'-]*)(.*)$/.exec(token);
    const roll = rng.next();
    if (!parts || roll >= level) {
      out.push(token);
      continue;
    }
    const [, lead = '', , trail = ''] = parts;
    const op = rng.next();
    if (op < 0.55) out.push(`${lead}${strangeWord(rng, level)}${trail}`);
    else if (op < 0.7) {
      if (trail) out.push(trail.trim());
    } else if (op < 0.8) out.push(token, token);
    else if (op < 0.9 && i + 1 < tokens.length) {
      out.push(tokens[i + 1] ?? '', token);
      i++;
    } else out.push(`${token}${rng.pick(STRAY_MARKS)}`);
  }
  let result = out.filter((t) => t.length > 0).join(' ');
  if (rng.chance(level * 0.6))
    result = result.replace(/[.!?]$/, rng.pick(['', ',', ' and', ' the']));
  if (rng.chance(level * 0.5)) result = result.charAt(0).toLowerCase() + result.slice(1);
  return result;
}

/** Whether a topic mention should wander off to an unrelated subject at this level. */
export function drifts(level: number, rng: Rng): boolean {
  // Always draw, so the stream stays aligned whether or not the text is hot.
  return rng.next() < level * 0.8;
}
