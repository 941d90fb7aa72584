import { TASK_FRAMES } from './templates.js';
import { CORE_BANKS } from './word-banks.js';
import { gerund, pluralNoun, thirdPerson } from './grammar.js';

/**
 * The mock's coherent English: every word its banks and frames can produce, with inflections.
 * Anything else in a response came from the prompt or from high-temperature decay, which makes
 * this the yardstick for measuring incoherence.
 */
export function englishVocabulary(): ReadonlySet<string> {
  const vocabulary = new Set<string>();
  const add = (text: string): void => {
    for (const word of text.toLowerCase().match(/[a-z][a-z'-]*/g) ?? []) vocabulary.add(word);
  };
  for (const entries of Object.values(CORE_BANKS)) {
    for (const entry of entries) {
      add(entry);
      add(pluralNoun(entry));
      add(thirdPerson(entry));
      add(gerund(entry));
    }
  }
  for (const frames of Object.values(TASK_FRAMES)) {
    for (const list of Object.values(frames)) {
      for (const frame of list ?? []) {
        add(frame.replace(/\{[^}]*\}/g, ' '));
        for (const [, verb = ''] of frame.matchAll(/\{~([a-z ]+)/g))
          add(`${verb} ${thirdPerson(verb)}`);
      }
    }
  }
  // Agreement and pronoun forms the frames produce through slots.
  add('is are was were has have does do it its they their them an a');
  return vocabulary;
}
