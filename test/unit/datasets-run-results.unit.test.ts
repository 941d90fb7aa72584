import { describe, expect, it } from 'vitest';
import { foldRunResults } from '../../src/modules/datasets/dataset-run-results.js';
import type {
  CombinationStats,
  RunPrompt,
} from '../../src/modules/datasets/dataset-runs.repository.js';

const prompt = (id: number, category: string | null, difficulty: string): RunPrompt => ({
  prompt_id: id,
  text: `Prompt ${id}`,
  category,
  difficulty,
  tags: [],
});

const stats = (
  combination_id: number,
  qualities: number[],
  extra: Partial<CombinationStats> = {},
): CombinationStats => ({
  combination_id,
  responses: qualities.length + (extra.failed ?? 0),
  completed: qualities.length,
  failed: 0,
  scored: qualities.length,
  quality_sum: qualities.reduce((a, b) => a + b, 0),
  quality_min: qualities.length ? Math.min(...qualities) : null,
  quality_max: qualities.length ? Math.max(...qualities) : null,
  cost: 0.001 * qualities.length,
  ...extra,
});

describe('foldRunResults', () => {
  // Three prompts × two parameter combinations: combination c runs prompt floor((c-1)/2).
  const prompts = [
    prompt(11, 'creative', 'easy'),
    prompt(12, 'creative', 'hard'),
    prompt(13, 'technical', 'easy'),
  ];
  const indexOf = (c: number) => Math.floor((c - 1) / 2);
  const result = foldRunResults(
    prompts,
    [
      stats(1, [60, 70]),
      stats(2, [80]),
      stats(3, [90, 100]),
      stats(4, [], { failed: 2, responses: 2 }),
      stats(5, [40]),
      stats(6, [50, 55]),
    ],
    indexOf,
  );

  it('when combinations belong to prompts, then each prompt sums its own cells', () => {
    expect(
      result.by_prompt.map((p) => [
        p.prompt_id,
        p.responses,
        p.failed,
        p.scored,
        p.average_quality,
        p.min_quality,
        p.max_quality,
      ]),
    ).toEqual([
      // (60 + 70 + 80) / 3 = 70
      [11, 3, 0, 3, 70, 60, 80],
      // (90 + 100) / 2 = 95; two failed cells, unscored
      [12, 4, 2, 2, 95, 90, 100],
      // (40 + 50 + 55) / 3 = 48.33
      [13, 3, 0, 3, 48.33, 40, 55],
    ]);
  });

  it('when prompts share a category or difficulty, then the group mean is over responses, not over prompt means', () => {
    // creative: (60 + 70 + 80 + 90 + 100) / 5 = 80 (the mean of the prompt means would be 82.5)
    expect(result.by_category).toEqual([
      expect.objectContaining({
        category: 'creative',
        prompts: 2,
        responses: 7,
        failed: 2,
        scored: 5,
        average_quality: 80,
        min_quality: 60,
        max_quality: 100,
      }),
      expect.objectContaining({
        category: 'technical',
        prompts: 1,
        scored: 3,
        average_quality: 48.33,
      }),
    ]);
    // easy: (60 + 70 + 80 + 40 + 50 + 55) / 6 = 59.17
    expect(result.by_difficulty).toEqual([
      expect.objectContaining({
        difficulty: 'easy',
        prompts: 2,
        scored: 6,
        average_quality: 59.17,
        min_quality: 40,
        max_quality: 80,
      }),
      expect.objectContaining({ difficulty: 'hard', prompts: 1, scored: 2, average_quality: 95 }),
    ]);
    // all: (60 + 70 + 80 + 90 + 100 + 40 + 50 + 55) / 8 scored = 545 / 8 = 68.125 → 68.13;
    // cost 0.001 per scored response
    expect(result.overall).toEqual({
      prompts: 3,
      responses: 10,
      completed: 8,
      failed: 2,
      scored: 8,
      average_quality: 68.13,
      min_quality: 40,
      max_quality: 100,
      total_cost: 0.008,
    });
  });

  it('when a prompt has no cells yet, then its averages are null and counts zero', () => {
    const partial = foldRunResults(prompts, [stats(1, [75])], indexOf);
    expect(partial.by_prompt[2]).toMatchObject({
      responses: 0,
      scored: 0,
      average_quality: null,
      min_quality: null,
      total_cost: 0,
    });
    expect(partial.overall).toMatchObject({ prompts: 3, responses: 1, average_quality: 75 });
  });
});
