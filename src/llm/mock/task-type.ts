/**
 * What kind of answer a prompt asks for. The mock shapes its output by it, as a real model
 * would: a story is narrated, "how to" gets numbered steps, "compare" weighs two things.
 */
export type TaskType =
  'expository' | 'narrative' | 'poem' | 'steps' | 'compare' | 'summary' | 'answer';

export const TASK_TYPES: readonly TaskType[] = [
  'expository',
  'narrative',
  'poem',
  'steps',
  'compare',
  'summary',
  'answer',
];

// Checked in order: the more specific form wins ("write a poem that explains…" is a poem).
const RULES: ReadonlyArray<readonly [TaskType, RegExp]> = [
  ['poem', /\b(poem|poems|poetry|haiku|sonnet|limerick|verses?|lyrics|song)\b/],
  ['narrative', /\b(story|stories|tale|fable|narrative|fiction|once upon|imagine a|short scene)\b/],
  [
    'compare',
    /\b(compare|comparing|comparison|versus|vs\.?|differences? between|differ|contrast|pros and cons|better than)\b/,
  ],
  ['summary', /\b(summari[sz]e|summary|tl;?dr|recap|in brief|key points|overview|gist)\b/],
  [
    'steps',
    /\b(how to|how do i|how can i|steps?|list|guide|tips|instructions|checklist|ways to|procedure|tutorial|walk me through)\b/,
  ],
  [
    'expository',
    /\b(explain|describe|discuss|tell me about|write about|essay|elaborate on|introduce)\b/,
  ],
  [
    'answer',
    /(\?\s*$)|^(who|what|when|where|why|how|which|is|are|can|could|should|would|does|do|did|will)\b/,
  ],
];

/** Detects the task from the prompt's wording; plain topics default to an explanation. */
export function detectTask(prompt: string): TaskType {
  const text = prompt.toLowerCase().trim();
  for (const [task, pattern] of RULES) {
    if (pattern.test(text)) return task;
  }
  return 'expository';
}
