/**
 * The mock's sentence-frame language, shared by every template file.
 *
 * - `{slot}` is filled when the sentence is written. Topic slots: `{T}` main topic, `{U}` a
 *   secondary topic, `{A}`/`{B}` the two things compared, `{C}` the comparison's context,
 *   `{act}` the prompt's verb for the main topic (agreeing with it). Word slots draw from a
 *   bank through the sampler: `{adj}` `{vadj}` `{n}` `{ns}` `{cn}` `{cns}` `{v}` `{vs}` `{v3}`
 *   `{ving}` `{imp}` `{adv}` `{advm}` `{vp}` `{vm}` `{obj}` `{sv}` `{say}` `{name}` `{place}` `{time}` `{sim}`
 *   `{meta}` and the connectives `{cAdd}` `{cCon}` `{cEx}` `{cRes}` `{cTime}`. Pronouns `{it}`
 *   `{its}` `{them}` refer to the main topic.
 * - `{~verb}` conjugates a literal verb to agree with the main topic (`{~be}` → is/are,
 *   `{~was}` → was/were); `{~verb:A}` agrees with A instead (or B, U).
 * - `[ … ]` is an optional ornament, kept with the model style's ornament probability.
 * - A slot followed by `^` is capitalised (`{T^}`), for quoted speech.
 */

/** What a sentence does in its paragraph; plans are sequences of roles. */
export type Role =
  | 'open'
  | 'body'
  | 'example'
  | 'contrast'
  | 'result'
  | 'close'
  | 'figurative'
  | 'item'
  | 'detail'
  | 'line';

/** A task's frames by role. Every task has an opening, a body and a close. */
export type TaskFrames = {
  open: readonly string[];
  body: readonly string[];
  close: readonly string[];
} & Partial<Record<Role, readonly string[]>>;

/** One frame per non-empty line. */
export function frames(block: string): readonly string[] {
  return block
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** Topic slots a frame cannot be written without; frames whose needs are unmet are skipped. */
export function requiredTopics(frame: string): Set<'act' | 'U' | 'A' | 'B' | 'C'> {
  const needs = new Set<'act' | 'U' | 'A' | 'B' | 'C'>();
  for (const match of frame.matchAll(/\{(act|U|A|B|C)\^?\}|\{~[a-z ]+:(U|A|B|C)\}/g)) {
    needs.add((match[1] ?? match[2]) as 'act' | 'U' | 'A' | 'B' | 'C');
  }
  return needs;
}
