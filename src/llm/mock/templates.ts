import type { TaskType } from './task-type.js';
import { ANSWER, EXPOSITORY, SUMMARY } from './templates-expository.js';
import { NARRATIVE, POEM } from './templates-narrative.js';
import { COMPARE, STEPS } from './templates-structured.js';
import type { TaskFrames } from './template-syntax.js';

/** Each task's sentence frames. */
export const TASK_FRAMES: Readonly<Record<TaskType, TaskFrames>> = {
  expository: EXPOSITORY,
  answer: ANSWER,
  summary: SUMMARY,
  narrative: NARRATIVE,
  poem: POEM,
  steps: STEPS,
  compare: COMPARE,
};
