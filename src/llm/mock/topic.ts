import { isPluralPhrase, thirdPerson } from './grammar.js';
import { COMMON_VERBS, INSTRUCTION_WORDS, IRREGULAR_PASTS, STOP_WORDS } from './stop-words.js';
import { detectTask, type TaskType } from './task-type.js';

/** A topic phrase taken from the prompt, ready to drop into a sentence. */
export interface TopicPhrase {
  /** As it should appear mid-sentence ("neural networks", "the French Revolution", "Python"). */
  text: string;
  /** Lower-cased content words, for measuring how much of the prompt the text carries. */
  words: string[];
  plural: boolean;
}

export interface PromptAnalysis {
  task: TaskType;
  /** The most salient phrase; a neutral fallback when the prompt has no content words. */
  main: TopicPhrase;
  /** Other phrases in order of salience (may be empty). */
  secondary: TopicPhrase[];
  /** A verb the prompt attaches to the main topic ("how neural networks *learn*"), base form. */
  action: string | undefined;
  /** The two things a comparison weighs, when the prompt names two. */
  compare: [TopicPhrase, TopicPhrase] | undefined;
  /** Every content word of the prompt, lower-cased. */
  keywords: string[];
  /** How long an answer the prompt asks for: a haiku, something brief, or no preference. */
  length: 'haiku' | 'brief' | 'normal';
}

const BRIEF =
  /\b(brief|briefly|short|shortly|concise|concisely|quick|one paragraph|a sentence|one sentence|few words|tl;?dr)\b/i;

const FALLBACK: TopicPhrase = { text: 'this topic', words: [], plural: false };
const AUXILIARIES = new Set(['do', 'does', 'did', 'can', 'could', 'should', 'would', 'will']);
const MAX_PHRASE_WORDS = 3;

type VerbForm = { base: string; kind: 'base' | 'third' | 'past' };

const VERB_FORMS: ReadonlyMap<string, VerbForm> = (() => {
  const forms = new Map<string, VerbForm>();
  for (const base of COMMON_VERBS) {
    forms.set(base, { base, kind: 'base' });
    forms.set(thirdPerson(base), { base, kind: 'third' });
    forms.set(base.endsWith('e') ? `${base}d` : `${base}ed`, { base, kind: 'past' });
  }
  for (const past of IRREGULAR_PASTS) forms.set(past, { base: past, kind: 'past' });
  // Plurals that happen to look like verbs and are far more often topics in prompts.
  for (const noun of ['leaves', 'plants', 'lights', 'waves', 'times', 'forms', 'trains']) {
    forms.delete(noun);
  }
  return forms;
})();

interface Run {
  words: string[];
  /** The prompt put an article before it ("the water cycle", "a lighthouse keeper"). */
  afterArticle: boolean;
}

/** Keeps acronyms, CamelCase and mid-sentence capitals; lower-cases everything else. */
function displayForm(word: string, sentenceStart: boolean): string {
  if (/^[A-Z0-9]{2,}s?$/.test(word) || /[a-z][A-Z]/.test(word)) return word;
  if (/^[A-Z]/.test(word) && !sentenceStart) return word;
  return word.toLowerCase();
}

interface Scan {
  runs: Run[];
  /** The verb that ended each run, when it was a present-tense verb. */
  actions: Map<Run, string>;
  keywords: string[];
}

/** Splits the prompt into runs of content words, noting the verb that ends each run. */
function scan(prompt: string): Scan {
  const tokens =
    prompt.replace(/[’‘]/g, "'").match(/[A-Za-z0-9][A-Za-z0-9'+#.-]*|[^\sA-Za-z0-9]/g) ?? [];
  const result: Scan = { runs: [], actions: new Map(), keywords: [] };
  // Verbs met outside any phrase: the topic of last resort ("Write about sleep").
  const looseVerbs: Run[] = [];
  let current: Run | undefined;
  let sentenceStart = true;
  let previous = '';
  let lastTwo = '';
  let afterAux = false;
  const close = (verb?: VerbForm): void => {
    if (current && verb && verb.kind !== 'past') result.actions.set(current, verb.base);
    current = undefined;
  };
  for (const raw of tokens) {
    const token = raw.replace(/[.'-]+$/, '');
    const lower = token.toLowerCase();
    if (!/^[A-Za-z0-9]/.test(raw) || token.length === 0) {
      close();
      if (/[.!?:;]/.test(raw)) sentenceStart = true;
      previous = raw;
      lastTwo = '';
      continue;
    }
    const verb = VERB_FORMS.get(lower);
    const head = current?.words[current.words.length - 1] ?? '';
    if (STOP_WORDS.has(lower) || INSTRUCTION_WORDS.has(lower) || /^\d+$/.test(lower)) {
      close();
      // "how does photosynthesis work": the verb after the auxiliary's subject is an action.
      if (AUXILIARIES.has(lower)) afterAux = true;
      else if (!['a', 'an', 'the'].includes(lower)) afterAux = false;
    } else if ((verb && !current) || /^how to$/i.test(lastTwo)) {
      // A verb with no subject before it ("how to *bake* bread") is an instruction, not a topic.
      close();
      looseVerbs.push({ words: [displayForm(token, sentenceStart)], afterArticle: false });
    } else if (verb && (verb.kind !== 'base' || afterAux || isPluralPhrase(head))) {
      close(verb);
      afterAux = false;
    } else {
      if (!current) {
        current = { words: [], afterArticle: ['the', 'a', 'an'].includes(previous.toLowerCase()) };
        result.runs.push(current);
      }
      current.words.push(displayForm(token, sentenceStart));
      result.keywords.push(lower);
    }
    lastTwo = `${previous} ${token}`;
    previous = token;
    sentenceStart = false;
    if (raw.endsWith('.')) {
      close();
      sentenceStart = true;
    }
  }
  if (result.runs.length === 0 && looseVerbs.length > 0) {
    result.runs.push(...looseVerbs);
    result.keywords.push(...looseVerbs.map((r) => r.words.join(' ').toLowerCase()));
  }
  return result;
}

function toPhrase(run: Run): TopicPhrase {
  const words = run.words.slice(-MAX_PHRASE_WORDS);
  const core = words.join(' ');
  return {
    // "a lighthouse keeper" becomes "the lighthouse keeper": the answer refers back to it.
    text: run.afterArticle ? `the ${core}` : core,
    words: words.map((w) => w.toLowerCase()),
    plural: isPluralPhrase(core),
  };
}

/**
 * Reads a prompt the way the mock needs it: what kind of answer is wanted, what it is about,
 * and (for comparisons) which two things are weighed. Heuristic and deliberately small.
 */
export function analyzePrompt(prompt: string): PromptAnalysis {
  const { runs, actions, keywords } = scan(prompt);
  const counts = new Map<string, number>();
  for (const run of runs) {
    const key = run.words.join(' ').toLowerCase();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const seen = new Set<string>();
  const scored = runs
    .map((run, order) => {
      const key = run.words.join(' ').toLowerCase();
      // Repetition in the prompt matters most, then position; longer phrases win close calls.
      const score =
        (counts.get(key) ?? 1) * 2 + (Math.min(run.words.length, 3) - 1) * 0.4 - order * 0.25;
      return { run, key, score, order };
    })
    .filter(({ key }) => (seen.has(key) ? false : (seen.add(key), true)));
  const bySalience = [...scored].sort((a, b) => b.score - a.score || a.order - b.order);
  const top = bySalience[0];
  const main = top ? toPhrase(top.run) : FALLBACK;
  const secondary = bySalience.slice(1, 6).map(({ run }) => toPhrase(run));
  const [first, second] = scored;
  let task = detectTask(prompt);
  const compare: [TopicPhrase, TopicPhrase] | undefined =
    first && second ? [toPhrase(first.run), toPhrase(second.run)] : undefined;
  if (task === 'compare' && !compare) task = 'expository';
  return {
    task,
    main,
    secondary,
    action: top ? actions.get(top.run) : undefined,
    compare,
    keywords,
    length: /\bhaiku\b/i.test(prompt) ? 'haiku' : BRIEF.test(prompt) ? 'brief' : 'normal',
  };
}
