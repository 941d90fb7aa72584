import { agree, gerund, pluralNoun, thirdPerson } from './grammar.js';
import { DRIFT_TOPICS, drifts } from './incoherence.js';
import type { MockStyle } from './mock-models.js';
import type { Rng } from './prng.js';
import type { TokenSampler } from './sampler.js';
import { requiredTopics } from './template-syntax.js';
import type { PromptAnalysis, TopicPhrase } from './topic.js';
import * as W from './word-banks.js';

/** Everything needed to turn a frame into a sentence. */
export interface RenderContext {
  analysis: PromptAnalysis;
  style: MockStyle;
  sampler: TokenSampler;
  /** Ornament and drift decisions; separate from the sampler's stream. */
  rng: Rng;
  /** 0..1 from the temperature; above 0 topic mentions may drift away. */
  incoherence: number;
  /** The story's protagonist, fixed for the whole response. */
  protagonist: string;
}

/** Whether the prompt supplies every topic slot the frame needs. */
export function canRender(frame: string, analysis: PromptAnalysis): boolean {
  for (const need of requiredTopics(frame)) {
    if (need === 'act' && !analysis.action) return false;
    if (need === 'U' && analysis.secondary.length === 0) return false;
    if ((need === 'A' || need === 'B') && !analysis.compare) return false;
    if (need === 'C' && !contextTopic(analysis)) return false;
  }
  return true;
}

/** For a comparison, the topic that is neither of the two things compared. */
function contextTopic(analysis: PromptAnalysis): TopicPhrase | undefined {
  const compared = new Set(analysis.compare?.map((t) => t.text));
  return [analysis.main, ...analysis.secondary].find(
    (t) => !compared.has(t.text) && t.words.length > 0,
  );
}

function topicFor(name: string, ctx: RenderContext): TopicPhrase {
  const { analysis } = ctx;
  if (name === 'A' && analysis.compare) return analysis.compare[0];
  if (name === 'B' && analysis.compare) return analysis.compare[1];
  if (name === 'C') return contextTopic(analysis) ?? analysis.main;
  if (name === 'U' && analysis.secondary.length > 0) {
    const text = ctx.sampler.pick(
      'topic',
      analysis.secondary.map((t) => t.text),
    );
    return analysis.secondary.find((t) => t.text === text) ?? analysis.main;
  }
  return analysis.main;
}

function mentionTopic(name: string, ctx: RenderContext): string {
  // A hot sampler loses the thread: the topic is swapped for something unrelated.
  if (drifts(ctx.incoherence, ctx.rng)) return ctx.rng.pick(DRIFT_TOPICS);
  return topicFor(name, ctx).text;
}

type SlotFiller = (ctx: RenderContext, avoid: Set<string>) => string;

/** How much a model dislikes repeating an entry verbatim: phrases stand out more than words. */
const WORD_AVERSION = 0.3;
const PHRASE_AVERSION = 1.5;

const bank =
  (
    id: string,
    items: (style: MockStyle) => readonly string[],
    form?: (w: string) => string,
    aversion = WORD_AVERSION,
  ): SlotFiller =>
  (ctx, avoid) => {
    const word = ctx.sampler.pick(id, items(ctx.style), { avoid, aversion });
    avoid.add(word.toLowerCase());
    return form ? form(word) : word;
  };
const phrase = (id: string, items: readonly string[]): SlotFiller =>
  bank(id, () => items, undefined, PHRASE_AVERSION);

const MULTI_WORD_VERBS = new Set(W.VERBS.concat(W.PRECISE_VERBS).filter((v) => v.includes(' ')));
const plural = (ctx: RenderContext): boolean => ctx.analysis.main.plural;

const SLOTS: Record<string, SlotFiller> = {
  adj: bank('adj', (s) => s.adjectives),
  vadj: bank('vadj', () => W.VIVID_ADJECTIVES),
  n: bank('n', (s) => s.nouns),
  ns: bank('n', (s) => s.nouns, pluralNoun),
  cn: bank('cn', () => W.CONCRETE_NOUNS),
  cns: bank('cn', () => W.CONCRETE_NOUNS, pluralNoun),
  v: bank('v', (s) => s.verbs),
  v3: bank('v', (s) => s.verbs, thirdPerson),
  ving: bank('v', (s) => s.verbs, gerund),
  adv: bank('adv', () => W.FREQUENCY_ADVERBS),
  advm: bank('advm', () => W.MANNER_ADVERBS),
  vp: bank('vp', () => W.PAST_VERBS),
  vm: bank('vm', () => W.MOTION_VERBS),
  obj: bank('obj', () => W.CARRIED_OBJECTS),
  sv: bank('sv', () => W.STORY_VERBS),
  say: bank('say', () => W.SPEECH_VERBS),
  place: phrase('place', W.PLACES),
  time: phrase('time', W.TIMES),
  sim: phrase('sim', W.SIMILES),
  meta: phrase('meta', W.METAPHORS),
  cAdd: phrase('cAdd', W.ADDITIVE_CONNECTIVES),
  cCon: phrase('cCon', W.CONTRAST_CONNECTIVES),
  cEx: phrase('cEx', W.EXAMPLE_CONNECTIVES),
  cRes: phrase('cRes', W.RESULT_CONNECTIVES),
  cTime: phrase('cTime', W.TIME_CONNECTIVES),
  vs: (ctx, avoid) => agree(SLOTS.v?.(ctx, avoid) ?? '', plural(ctx)),
  // Imperatives read badly with phrasal verbs ("Lead to the idea"), so those are excluded.
  imp: (ctx, avoid) => SLOTS.v?.(ctx, new Set([...avoid, ...MULTI_WORD_VERBS])) ?? '',
  act: (ctx) => agree(ctx.analysis.action ?? 'matter', plural(ctx)),
  name: (ctx) => ctx.protagonist,
  it: (ctx) => (plural(ctx) ? 'they' : 'it'),
  its: (ctx) => (plural(ctx) ? 'their' : 'its'),
  them: (ctx) => (plural(ctx) ? 'them' : 'it'),
};

function fillSlot(slot: string, ctx: RenderContext, avoid: Set<string>): string {
  const capital = slot.endsWith('^');
  const name = capital ? slot.slice(0, -1) : slot;
  let value: string;
  if (name.startsWith('~')) {
    const [verb = '', subject = 'T'] = name.slice(1).split(':');
    value = agree(verb, topicFor(subject, ctx).plural);
  } else if (['T', 'U', 'A', 'B', 'C'].includes(name)) {
    value = mentionTopic(name, ctx);
  } else {
    const filler = SLOTS[name];
    if (!filler) throw new Error(`unknown template slot {${name}}`);
    value = filler(ctx, avoid);
  }
  return capital ? value.charAt(0).toUpperCase() + value.slice(1) : value;
}

/**
 * Writes one frame: optional `[…]` parts are kept with the style's ornament probability, then
 * slots are filled left to right. Words already used in the sentence are avoided, as a fluent
 * writer would.
 */
export function renderFrame(frame: string, ctx: RenderContext): string {
  const withOrnaments = frame.replace(/\[([^\]]*)\]/g, (_m, inner: string) =>
    ctx.rng.chance(ctx.style.ornament) ? inner : '',
  );
  const avoid = new Set<string>();
  return withOrnaments.replace(/\{([^}]+)\}/g, (_m, slot: string) => fillSlot(slot, ctx, avoid));
}
