/**
 * Just enough English morphology for the mock's templates: number agreement, verb forms,
 * plurals, a/an and sentence tidying. Word lists are chosen so these regular rules hold.
 */

const SINGULAR_ENDINGS = /(ss|us|is|ics|ous|sis|xis|ness)$/;
const IRREGULAR_PLURALS = new Set(['people', 'children', 'men', 'women', 'mice', 'teeth', 'feet']);
const MASS_NOUNS_ENDING_IN_S = new Set(['news', 'series', 'species', 'means', 'gas', 'lens']);

/** Whether a noun phrase takes a plural verb ("neural networks are", "photosynthesis is"). */
export function isPluralPhrase(phrase: string): boolean {
  const lower = phrase.toLowerCase().trim();
  if (/\s(and|&)\s/.test(lower)) return true;
  const original = phrase.trim().split(/\s+/).pop() ?? '';
  const head = original.toLowerCase();
  if (IRREGULAR_PLURALS.has(head)) return true;
  // Acronyms: "LLMs" and "APIs" are plural, "AWS" and "CSS" are not.
  if (/^[A-Z0-9]{2,}s?$/.test(original))
    return original.endsWith('s') && original !== original.toUpperCase();
  if (MASS_NOUNS_ENDING_IN_S.has(head) || SINGULAR_ENDINGS.test(head)) return false;
  return /[a-z]s$/.test(head);
}

const THIRD_PERSON: Record<string, string> = {
  be: 'is',
  have: 'has',
  do: 'does',
  go: 'goes',
  was: 'was',
};
const PLURAL_FORMS: Record<string, string> = { be: 'are', was: 'were' };

/** "depend on" → "depends on", "clarify" → "clarifies", "be" → "is". */
export function thirdPerson(verb: string): string {
  const [first = '', ...rest] = verb.split(' ');
  const irregular = THIRD_PERSON[first];
  let inflected: string;
  if (irregular) inflected = irregular;
  else if (/(s|x|z|ch|sh|o)$/.test(first)) inflected = `${first}es`;
  else if (/[^aeiou]y$/.test(first)) inflected = `${first.slice(0, -1)}ies`;
  else inflected = `${first}s`;
  return [inflected, ...rest].join(' ');
}

/** The verb form that agrees with a singular or plural subject. */
export function agree(verb: string, plural: boolean): string {
  if (!plural) return thirdPerson(verb);
  const [first = '', ...rest] = verb.split(' ');
  return [PLURAL_FORMS[first] ?? first, ...rest].join(' ');
}

// Short verbs whose final consonant doubles ("plan" → "planning").
const DOUBLING = new Set(['plan', 'stop', 'set', 'run', 'get', 'map', 'begin', 'trim', 'put']);

/** "shape" → "shaping", "depend on" → "depending on". */
export function gerund(verb: string): string {
  const [first = '', ...rest] = verb.split(' ');
  let form: string;
  if (DOUBLING.has(first)) form = `${first}${first.slice(-1)}ing`;
  else if (first.endsWith('ie')) form = `${first.slice(0, -2)}ying`;
  else if (/[^eoy]e$/.test(first) && first !== 'be') form = `${first.slice(0, -1)}ing`;
  else form = `${first}ing`;
  return [form, ...rest].join(' ');
}

const IRREGULAR_NOUNS: Record<string, string> = {
  child: 'children',
  person: 'people',
  criterion: 'criteria',
  analysis: 'analyses',
  leaf: 'leaves',
  shelf: 'shelves',
  life: 'lives',
};

/** "process" → "processes", "dependency" → "dependencies", "trade-off" → "trade-offs". */
export function pluralNoun(noun: string): string {
  const words = noun.split(' ');
  const last = words.pop() ?? '';
  let plural: string;
  if (IRREGULAR_NOUNS[last]) plural = IRREGULAR_NOUNS[last];
  else if (/(s|x|z|ch|sh)$/.test(last)) plural = `${last}es`;
  else if (/[^aeiou]y$/.test(last)) plural = `${last.slice(0, -1)}ies`;
  else plural = `${last}s`;
  return [...words, plural].join(' ');
}

// Vowel letters that sound like consonants ("a useful", "a one-off") and silent h's ("an hour").
const YOU_SOUND = /^(use|usu|uni|uti|eu|one|once|ubiq)/i;
const SILENT_H = /^(hour|honest|honou?r|heir)/i;
const VOWEL_SOUND_LETTERS = 'AEFHILMNORSX';

function takesAn(word: string): boolean {
  if (word.length > 1 && word === word.toUpperCase() && /^[A-Z]/.test(word)) {
    return VOWEL_SOUND_LETTERS.includes(word.charAt(0));
  }
  if (SILENT_H.test(word)) return true;
  if (YOU_SOUND.test(word)) return false;
  return /^[aeiou]/i.test(word);
}

/** Fixes "a"/"an" before every word, keeping the article's capitalisation. */
export function fixArticles(text: string): string {
  return text.replace(
    /\b([Aa]n?) ((?:\*\*|["“])?)([A-Za-z][\w-]*)/g,
    (_match, article: string, mark: string, word: string) => {
      const capital = article.startsWith('A');
      const wanted = takesAn(word) ? 'an' : 'a';
      return `${capital ? wanted.charAt(0).toUpperCase() + wanted.slice(1) : wanted} ${mark}${word}`;
    },
  );
}

/** Upper-cases the first letter, skipping leading quotes and markdown emphasis. */
export function capitalizeFirst(text: string): string {
  return text.replace(
    /^([\s"“'*_(]*)([a-z])/,
    (_m, lead: string, ch: string) => lead + ch.toUpperCase(),
  );
}

/** Collapses spacing and doubled punctuation left by optional template parts. */
export function tidy(text: string): string {
  return text
    .replace(/[ \t]+/g, ' ')
    .replace(/ ([,.;:!?])/g, '$1')
    .replace(/,([.;:!?])/g, '$1')
    .replace(/([,;])\1+/g, '$1')
    .trim();
}
