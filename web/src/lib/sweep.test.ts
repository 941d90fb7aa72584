import { describe, expect, it } from 'vitest';
import {
  buildRanges,
  countCombinations,
  estimateSweepCost,
  type RangeDraft,
  type TunedParameter,
} from './sweep';

const off: RangeDraft = { enabled: false, mode: 'values', min: '', max: '', step: '', values: '' };
const drafts = (patch: Partial<Record<TunedParameter, Partial<RangeDraft>>>) => {
  const base: Record<TunedParameter, RangeDraft> = {
    temperature: off,
    top_p: off,
    max_tokens: off,
    frequency_penalty: off,
    presence_penalty: off,
  };
  for (const [k, v] of Object.entries(patch))
    base[k as TunedParameter] = { ...off, enabled: true, ...v };
  return base;
};

describe('buildRanges and countCombinations', () => {
  it('when a list and a min/max/step range are given, then the count is the product of their sizes', () => {
    const { ranges, errors } = buildRanges(
      drafts({
        temperature: { mode: 'range', min: '0.1', max: '1', step: '0.1' },
        top_p: { mode: 'values', values: '0.5, 1' },
      }),
    );

    expect(errors).toEqual({});
    expect(ranges).toEqual({
      temperature: { min: 0.1, max: 1, step: 0.1 },
      top_p: { values: [0.5, 1] },
    });
    // The server's own grid code: 0.1..1.0 step 0.1 is exactly ten values.
    expect(countCombinations(ranges)).toBe(20);
  });

  it('when a value is outside the API range, then the error names it with the API message', () => {
    const { ranges, errors } = buildRanges(
      drafts({ top_p: { mode: 'values', values: '0.5, 1.5' } }),
    );

    expect(ranges).toEqual({});
    expect(errors.top_p).toBe('1.5: Value between 0 and 1');
  });

  it('when min is above max or the step is not positive (or finer than the rounding), then the row is refused', () => {
    expect(
      buildRanges(drafts({ temperature: { mode: 'range', min: '1', max: '0.5', step: '0.1' } }))
        .errors.temperature,
    ).toBe('min must not be above max');
    expect(
      buildRanges(drafts({ temperature: { mode: 'range', min: '0', max: '1', step: '0' } })).errors
        .temperature,
    ).toBe('A positive step');
    expect(
      buildRanges(drafts({ temperature: { mode: 'range', min: '0', max: '1', step: '1e-12' } }))
        .errors.temperature,
    ).toBe('A step of at least 1e-10 (values are rounded to 10 decimals)');
  });

  it('when max_tokens gets a fractional step, then it asks for an integer step as the API does', () => {
    const { errors } = buildRanges(
      drafts({ max_tokens: { mode: 'range', min: '100', max: '500', step: '50.5' } }),
    );

    expect(errors.max_tokens).toBe('An integer step');
  });
});

describe('estimateSweepCost', () => {
  it('when the price is known, then cost = price × (prompt tokens + expected completion) × cells', () => {
    const cost = estimateSweepCost({
      costPerToken: 0.000001,
      prompt: 'x'.repeat(400),
      combinations: 4,
      iterations: 2,
      maxTokens: 1000,
    });

    // 100 prompt tokens + min(1000, 300) completion tokens, 8 cells.
    expect(cost).toBeCloseTo(0.000001 * 400 * 8, 12);
  });

  it('when the model has no price, then there is no estimate', () => {
    expect(
      estimateSweepCost({
        costPerToken: null,
        prompt: 'x',
        combinations: 1,
        iterations: 1,
        maxTokens: 10,
      }),
    ).toBeNull();
  });
});
