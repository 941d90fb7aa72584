import { describe, expect, it } from 'vitest';
import {
  confidenceInterval95,
  sampleStdDev,
  summarizeCombinations,
  tCritical95,
  type Cell,
} from '../../src/modules/batch-experiments/batch-stats.js';
import {
  computeCounts,
  humanDuration,
} from '../../src/modules/batch-experiments/batch-progress.js';
import {
  countCombinations,
  expandCombinations,
  rangeValues,
} from '../../src/modules/batch-experiments/parameter-grid.js';
import { DEFAULT_PARAMETERS } from '../../src/modules/experiments/parameters.schema.js';

describe('parameter grid', () => {
  it('when stepping 0.1..1.0 by 0.1, then exactly ten exact decimals', () => {
    expect(rangeValues({ min: 0.1, max: 1.0, step: 0.1 })).toEqual([
      0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1,
    ]);
    expect(rangeValues({ min: 0.7, max: 1.0, step: 0.1 })).toEqual([0.7, 0.8, 0.9, 1]);
    expect(rangeValues({ min: 0, max: 2, step: 0.3 })).toHaveLength(7);
    expect(rangeValues({ values: [500, 1000, 500] })).toEqual([500, 1000]);
  });

  it('when the step is finer than the rounding, then the range still ends, each distinct value once', () => {
    // Every value rounds to 0: a walk waiting for the value to pass max never ended.
    expect(
      rangeValues({
        min: -1.6903036940252004e-147,
        max: 7.490158794732769e-296,
        step: 6.740685681341584e-121,
      }),
    ).toEqual([0]);
    expect(rangeValues({ min: 0, max: 1e-9, step: 1e-11 })).toEqual(
      Array.from({ length: 11 }, (_, i) => Number((i * 1e-10).toFixed(10))),
    );
    expect(rangeValues({ min: 1, max: 0.5, step: 0.1 })).toEqual([]);
  });

  it('when expanding, then the cartesian product over the base, 1-based ids, first parameter slowest', () => {
    const ranges = {
      temperature: { values: [0.2, 0.8] },
      max_tokens: { min: 100, max: 300, step: 100 },
    };
    const grid = expandCombinations(ranges, DEFAULT_PARAMETERS);
    expect(countCombinations(ranges)).toBe(6);
    expect(grid).toHaveLength(6);
    expect(grid[0]).toEqual({
      combination_id: 1,
      ...DEFAULT_PARAMETERS,
      temperature: 0.2,
      max_tokens: 100,
    });
    expect(grid[5]).toMatchObject({
      combination_id: 6,
      temperature: 0.8,
      max_tokens: 300,
      top_p: 1,
    });
  });
});

describe('batch statistics', () => {
  it('when iterations repeat, then sample standard deviation and a Student-t 95% interval', () => {
    expect(tCritical95(2)).toBe(4.303);
    expect(tCritical95(100)).toBe(1.96);
    expect(sampleStdDev([70, 80, 90])).toBeCloseTo(10, 10);
    // mean 80 ± 4.303 × 10 / √3 = 80 ± 24.84
    expect(confidenceInterval95([70, 80, 90])).toEqual([55.16, 104.84]);
    expect(confidenceInterval95([70])).toBeNull();
  });

  it('when a cell failed, then it is an error with no quality and is left out of the mean', () => {
    const cell = (iteration: number, status: string, q: number | null): Cell => ({
      responseId: iteration,
      combinationId: 1,
      iteration,
      status,
      error: status === 'failed' ? 'boom' : null,
      cost: 0,
      parameters: { temperature: 0.5 },
      metrics: { overall_quality: q, creativity_score: q },
    });
    const [summary] = summarizeCombinations(
      [cell(1, 'completed', 60), cell(2, 'failed', null), cell(3, 'completed', 80)],
      [{ combination_id: 1, parameters: { temperature: 0.5 } }],
    );
    expect(summary).toMatchObject({ average_quality: 70, n: 2, completed: 2, failed: 1 });
    expect(summary!.responses[1]).toMatchObject({ status: 'failed', quality: null, error: 'boom' });
    expect(summary!.metrics_breakdown).toEqual({ creativity: 70 });
  });

  it('when counting, then combinations finish only when every iteration has', () => {
    const counts = computeCounts(3, 2, [
      { combination_id: 1, status: 'completed', count: 2 },
      { combination_id: 2, status: 'completed', count: 1 },
      { combination_id: 2, status: 'failed', count: 1 },
      { combination_id: 3, status: 'generating', count: 1 },
    ]);
    expect(counts).toMatchObject({
      total_cells: 6,
      completed_cells: 3,
      failed_cells: 1,
      completed_combinations: 1,
      failed_combinations: 1,
      progress: 66.6,
      finished: false,
    });
    expect(humanDuration(30)).toBe('less than a minute');
    expect(humanDuration(45 * 60)).toBe('45 minutes');
    expect(humanDuration(125 * 60)).toBe('2 hours 5 minutes');
  });
});
