/**
 * Folds a run's per-combination statistics into per-prompt, per-category and per-difficulty
 * results. Pure. Sums and counts are added, never averages of averages: a group's mean quality
 * is the mean over all its scored responses.
 */
import { z } from 'zod';
import { round } from '../../lib/numbers.js';
import type { CombinationStats, RunPrompt } from './dataset-runs.repository.js';

export const GroupResultSchema = z.object({
  prompts: z.number().int(),
  responses: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  scored: z.number().int(),
  average_quality: z.number().nullable().describe('Mean overall quality of the scored responses'),
  min_quality: z.number().nullable(),
  max_quality: z.number().nullable(),
  total_cost: z.number(),
});
export type GroupResult = z.infer<typeof GroupResultSchema>;

export const PromptResultSchema = GroupResultSchema.omit({ prompts: true }).extend({
  prompt_index: z.number().int(),
  prompt_id: z.number().int(),
  text: z.string(),
  category: z.string().nullable(),
  difficulty: z.string(),
  tags: z.array(z.string()),
});
export type PromptResult = z.infer<typeof PromptResultSchema>;

interface Acc {
  prompts: number;
  responses: number;
  completed: number;
  failed: number;
  scored: number;
  sum: number;
  min: number | null;
  max: number | null;
  cost: number;
}

const empty = (): Acc => ({
  prompts: 0,
  responses: 0,
  completed: 0,
  failed: 0,
  scored: 0,
  sum: 0,
  min: null,
  max: null,
  cost: 0,
});

function add(acc: Acc, s: Omit<Acc, 'prompts'>): void {
  acc.responses += s.responses;
  acc.completed += s.completed;
  acc.failed += s.failed;
  acc.scored += s.scored;
  acc.sum += s.sum;
  acc.cost += s.cost;
  if (s.min !== null) acc.min = acc.min === null ? s.min : Math.min(acc.min, s.min);
  if (s.max !== null) acc.max = acc.max === null ? s.max : Math.max(acc.max, s.max);
}

function finish(acc: Acc): GroupResult {
  return {
    prompts: acc.prompts,
    responses: acc.responses,
    completed: acc.completed,
    failed: acc.failed,
    scored: acc.scored,
    average_quality: acc.scored > 0 ? round(acc.sum / acc.scored, 2) : null,
    min_quality: round(acc.min, 2),
    max_quality: round(acc.max, 2),
    total_cost: round(acc.cost, 6) ?? 0,
  };
}

export interface RunResults {
  overall: GroupResult;
  by_prompt: PromptResult[];
  by_category: Array<GroupResult & { category: string | null }>;
  by_difficulty: Array<GroupResult & { difficulty: string }>;
}

/**
 * `promptIndexOf` maps a batch combination to the index of its prompt in `prompts` (cells of
 * a combination all run the same prompt).
 */
export function foldRunResults(
  prompts: RunPrompt[],
  stats: CombinationStats[],
  promptIndexOf: (combinationId: number) => number,
): RunResults {
  const perPrompt = prompts.map(() => empty());
  for (const s of stats) {
    const acc = perPrompt[promptIndexOf(s.combination_id)];
    if (!acc) continue; // a combination outside the run's prompts: nothing to attribute it to
    add(acc, {
      responses: s.responses,
      completed: s.completed,
      failed: s.failed,
      scored: s.scored,
      sum: s.quality_sum,
      min: s.quality_min,
      max: s.quality_max,
      cost: s.cost,
    });
  }
  const overall = empty();
  const categories = new Map<string | null, Acc>();
  const difficulties = new Map<string, Acc>();
  prompts.forEach((p, i) => {
    const own = perPrompt[i]!;
    for (const group of [
      overall,
      getOrAdd(categories, p.category),
      getOrAdd(difficulties, p.difficulty),
    ]) {
      group.prompts += 1;
      add(group, own);
    }
  });
  return {
    overall: finish(overall),
    by_prompt: prompts.map((p, i) => {
      const { prompts: _n, ...result } = finish(perPrompt[i]!);
      return {
        prompt_index: i,
        prompt_id: p.prompt_id,
        text: p.text,
        category: p.category,
        difficulty: p.difficulty,
        tags: p.tags,
        ...result,
      };
    }),
    by_category: [...categories].map(([category, acc]) => ({ category, ...finish(acc) })),
    by_difficulty: [...difficulties].map(([difficulty, acc]) => ({ difficulty, ...finish(acc) })),
  };
}

function getOrAdd<K>(map: Map<K, Acc>, key: K): Acc {
  let acc = map.get(key);
  if (!acc) map.set(key, (acc = empty()));
  return acc;
}
