import { describe, expect, it } from 'vitest';
import {
  heatColor,
  heatmapMatrix,
  sweptParameters,
  withPromptAxis,
  type SweepResult,
} from './heatmap';

const result = (id: number, parameters: Record<string, number>, q: number | null): SweepResult => ({
  combination_id: id,
  parameters,
  average_quality: q,
});

describe('heatmapMatrix', () => {
  it('when a 2×2 sweep is given, then rows are y values and columns x values in ascending order', () => {
    const m = heatmapMatrix(
      [
        result(1, { temperature: 1, top_p: 0.5 }, 70),
        result(2, { temperature: 0.2, top_p: 0.5 }, 60),
        result(3, { temperature: 0.2, top_p: 1 }, 65),
        result(4, { temperature: 1, top_p: 1 }, 80),
      ],
      'temperature',
      'top_p',
    );

    expect(m.xs).toEqual([0.2, 1]);
    expect(m.ys).toEqual([0.5, 1]);
    expect(m.rows.map((r) => r.map((c) => c.value))).toEqual([
      [60, 70],
      [65, 80],
    ]);
    expect([m.min, m.max]).toEqual([60, 80]);
  });

  it('when a third parameter is swept, then each cell averages the combinations that differ only in it', () => {
    const m = heatmapMatrix(
      [
        result(1, { temperature: 0.2, top_p: 1, max_tokens: 100 }, 50),
        result(2, { temperature: 0.2, top_p: 1, max_tokens: 500 }, 70),
      ],
      'temperature',
      'top_p',
    );

    expect(m.rows[0]![0]).toEqual({ x: 0.2, y: 1, value: 60, count: 2 });
  });

  it('when a combination has no score yet, then its cell is empty and does not move the colour scale', () => {
    const m = heatmapMatrix(
      [
        result(1, { temperature: 0.2, top_p: 1 }, null),
        result(2, { temperature: 1, top_p: 1 }, 75),
      ],
      'temperature',
      'top_p',
    );

    expect(m.rows[0]!.map((c) => c.value)).toEqual([null, 75]);
    expect([m.min, m.max]).toEqual([75, 75]);
    expect(heatColor(null, m.min, m.max)).toBe('var(--surface-2)');
  });

  it('when the same parameter is chosen for both axes, then only the diagonal has values', () => {
    const m = heatmapMatrix(
      [result(1, { temperature: 0.2 }, 60), result(2, { temperature: 1 }, 70)],
      'temperature',
      'temperature',
    );

    expect(m.rows.map((r) => r.map((c) => c.value))).toEqual([
      [60, null],
      [null, 70],
    ]);
  });
});

describe('sweptParameters', () => {
  it('when some parameters keep one value across results, then only the varying ones are listed', () => {
    expect(
      sweptParameters([
        result(1, { temperature: 0.2, top_p: 1 }, 1),
        result(2, { temperature: 1, top_p: 1 }, 1),
      ]),
    ).toEqual(['temperature']);
  });
});

describe('heatColor', () => {
  it('when values span the scale, then the lowest is red-ish and the highest green-ish', () => {
    expect(heatColor(0, 0, 100)).toBe('hsl(5 62% 45%)');
    expect(heatColor(100, 0, 100)).toBe('hsl(130 62% 45%)');
  });
});

describe('withPromptAxis', () => {
  it('when a sweep runs several prompts, then each result gets its 1-based prompt as an axis', () => {
    const out = withPromptAxis(
      [
        { ...result(1, { temperature: 0.2 }, 60), prompt_index: 0 },
        { ...result(2, { temperature: 0.2 }, 70), prompt_index: 1 },
      ],
      true,
    );

    expect(out.map((r) => r.parameters)).toEqual([
      { temperature: 0.2, prompt: 1 },
      { temperature: 0.2, prompt: 2 },
    ]);
    expect(sweptParameters(out)).toEqual(['prompt']);
  });

  it('when the sweep has one prompt, then the results are unchanged', () => {
    const input = [{ ...result(1, { temperature: 0.2 }, 60), prompt_index: 0 }];

    expect(withPromptAxis(input, false)).toEqual(input);
  });
});
