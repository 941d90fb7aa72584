/**
 * Closed word lists behind the heuristic cues. Each list is small, general English (not
 * fitted to any dataset) and matched against lowercase wink `normal` forms.
 */

const set = (words: string): ReadonlySet<string> => new Set(words.trim().split(/\s+/));

/** Discourse connectives that signal how one sentence relates to the last. */
export const CONNECTIVES = set(`
  however therefore thus hence so because since although though while whereas but yet still
  moreover furthermore additionally also besides meanwhile consequently accordingly instead
  otherwise similarly likewise first firstly second secondly third finally lastly next then
  later afterwards eventually overall ultimately nevertheless nonetheless indeed specifically
  namely alternatively conversely and or now soon suddenly when after before once today
  yesterday tomorrow`);

/** Multi-word connectives (matched on the sentence's lowercase text). */
export const CONNECTIVE_PHRASES = [
  'for example',
  'for instance',
  'as a result',
  'in addition',
  'in contrast',
  'on the other hand',
  'in other words',
  'in short',
  'in summary',
  'to sum up',
  'that is why',
  'this means',
  'which means',
  'after that',
  'at the same time',
  'one day',
  'one morning',
  'one night',
  'that night',
  'that morning',
  'the next day',
  'the next morning',
  'at dawn',
  'at first',
  'in the end',
] as const;

/** Words that refer back: a text whose first sentence opens with one has no antecedent. */
export const ANAPHORA = set('he she it they him her them his its their this these those such');

/**
 * References that keep a discourse entity in play across sentences: pronouns, and the reader
 * ("you", "your") in a reply addressed to one person.
 */
export const REFERENCES = set(
  'he she it they him her them his its their this these those such you your we our us',
);

/** Hedges: uncertainty markers that weaken a claim. */
export const HEDGE_WORDS = set(`
  might may perhaps possibly probably maybe likely unlikely seemingly apparently arguably
  reportedly allegedly presumably supposedly somewhat roughly approximately`);
export const HEDGE_PHRASES = [
  'i think',
  'i believe',
  'i guess',
  "i'm not sure",
  'i am not sure',
  'not sure',
  'it is possible',
  'could be',
  'as far as i know',
  'if i recall',
  'i may be wrong',
  'kind of',
  'sort of',
  'it seems',
  'hard to say',
] as const;

/** Appeals to unnamed authority: a claim presented as established with nothing behind it. */
export const VAGUE_ATTRIBUTION = [
  'studies show',
  'studies have shown',
  'research shows',
  'research has shown',
  'research proves',
  'experts say',
  'experts agree',
  'scientists say',
  'scientists agree',
  'it is well known',
  'everyone knows',
  'according to experts',
] as const;

/** Absolute claims: often over-generalisations when nothing supports them. */
export const ABSOLUTES = set(`
  always never everyone everybody nobody nothing everything guaranteed certainly definitely
  undoubtedly unquestionably proven impossible`);

/** Cues of figurative or imaginative language. */
export const FIGURATIVE_PHRASES = [
  'like a',
  'like an',
  'like the',
  'as if',
  'as though',
  'seemed to',
  'as if it',
] as const;

/** Sensory and vivid words: imagery readers can see, hear, smell or feel. */
export const SENSORY = set(`
  glow glowed glowing shimmer shimmered shimmering whisper whispered whispering echo echoed
  crimson scarlet golden silver amber azure violet emerald pale dark bright faint flicker
  flickered flickering roar roared hum hummed hiss hissed creak creaked rustle rustled
  scent smell smelled fragrant salt salty bitter sweet sour warm cold icy damp velvet rough
  smooth sharp soft trembling trembled shiver shivered sparkle sparkled gleam gleamed dim
  thunder storm mist fog shadow shadows moonlight sunlight dawn dusk tide waves`);

/** Words addressing or involving the reader. */
export const DIRECT_ADDRESS = set("you your you're yours yourself we let's us our imagine picture");

/** Markers of a concrete example or illustration. */
export const EXAMPLE_PHRASES = [
  'for example',
  'for instance',
  'such as',
  'e.g.',
  'imagine',
  'consider',
  'say you',
  'suppose',
  'picture this',
] as const;

/** Causal and explanatory markers (the "why" of a technical answer). */
export const CAUSAL_PHRASES = [
  'because',
  'therefore',
  'thus',
  'hence',
  'as a result',
  'due to',
  'which means',
  'so that',
  'leads to',
  'causes',
  'in order to',
  'this is why',
  'consequently',
] as const;

/** Definition markers. */
export const DEFINITION_PHRASES = [
  'is defined as',
  'refers to',
  'is called',
  'known as',
  'consists of',
  'is a type of',
  'is a kind of',
  'means that',
  'stands for',
] as const;

/** Trade-off and comparison markers (depth beyond a single fact). */
export const CONTRAST_PHRASES = [
  'whereas',
  'trade-off',
  'tradeoff',
  'in contrast',
  'on the other hand',
  'compared to',
  'compared with',
  'unlike',
  'however',
  'the downside',
  'at the cost of',
] as const;

/**
 * Instruction words that say what to do or describe the material rather than the topic
 * ("summarize the following article in a few sentences" names no topic at all).
 */
export const GENERIC_PROMPT_WORDS = set(`
  write explain describe summarize summarise summary tell give list provide please answer
  question questions following follow text article news story essay paragraph paragraphs
  sentence sentences word words short brief briefly few detail detailed details discuss
  include make create help need want know like use using show compose draft generate output
  respond response reply simple simply clear clearly concise concisely way thing things
  something someone anything kind about also well good best better great really just
  passage document report piece content topic below above go going goes get got gets have
  has do does doing hi hey hello thanks thank think say said let lets way ways work works
  working tip tips idea ideas email letter memo note message post tweet polite politely formal
  informal friendly professional funny persuasive tone style format version translate
  translation rewrite paraphrase proofread review analyze analyse outline`);

/** Genre cues in the prompt, used to set length expectations and cue weights. */
export const TASK_CUES: ReadonlyArray<readonly [RegExp, TaskKind]> = [
  [/\b(summar|tl;?dr|key points|main points|condense)/i, 'summary'],
  [/\b(story|poem|poetry|fiction|tale|narrative|fable|haiku|limerick|lyrics|scene)\b/i, 'story'],
  [/\b(code|function|implement|algorithm|script|regex|sql|api|debug|compile)\b/i, 'technical'],
  [
    /\b(explain|how does|how do|why does|why do|what is|what are|describe|compare|difference)\b/i,
    'explanation',
  ],
];

export type TaskKind =
  'summary' | 'story' | 'technical' | 'explanation' | 'conversation' | 'general';

/** Units that make a number a measurement. */
export const UNIT_PATTERN =
  /\b\d+(?:[.,]\d+)?\s?(?:%|ms|s|sec|seconds?|min|minutes?|h|hours?|kb|mb|gb|tb|kib|mib|gib|hz|khz|mhz|ghz|km|m|cm|mm|nm|kg|g|mg|°c|°f|k|v|w|kw|mw|x|bytes?|bits?|fps|rpm|px|dpi|ns|µs|us)\b/gi;
