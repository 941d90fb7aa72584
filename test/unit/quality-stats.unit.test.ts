import { describe, expect, it } from 'vitest';
import {
  isConstant,
  mean,
  median,
  pearson,
  rank,
  spearman,
  standardDeviation,
} from '../../src/lib/stats.js';

describe('rank', () => {
  it('when values are distinct, then ranks are 1..n in value order', () => {
    expect(rank([30, 10, 20])).toEqual([3, 1, 2]);
  });

  it('when values tie, then they share the mean of the ranks they span', () => {
    expect(rank([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    expect(rank([5, 5, 5])).toEqual([2, 2, 2]);
  });
});

describe('pearson', () => {
  it('when the relation is exactly linear, then r is 1 (or -1 when decreasing)', () => {
    expect(pearson([1, 2, 3, 4], [3, 5, 7, 9])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3, 4], [8, 6, 4, 2])).toBeCloseTo(-1, 12);
  });

  it('when checked by hand on a small sample, then it matches', () => {
    // x = 1..5, y = 2,4,5,4,5: sxy = 6, sxx = 10, syy = 6 → r = 6 / sqrt(60).
    expect(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(6 / Math.sqrt(60), 12);
  });

  it('when a side is constant or the lists are too short or unequal, then it is NaN', () => {
    expect(pearson([1, 2, 3], [4, 4, 4])).toBeNaN();
    expect(pearson([1], [2])).toBeNaN();
    expect(pearson([1, 2], [1, 2, 3])).toBeNaN();
  });
});

describe('spearman', () => {
  it('when the relation is monotone but not linear, then rho is exactly 1', () => {
    expect(spearman([1, 2, 3, 4, 5], [1, 4, 9, 16, 1000])).toBe(1);
  });

  it('when one order is the reverse of the other, then rho is -1', () => {
    expect(spearman([1, 2, 3, 4], [40, 30, 20, 10])).toBe(-1);
  });

  it('when there are no ties, then it equals 1 - 6Σd²/(n(n²-1))', () => {
    const x = [86, 97, 99, 100, 101, 103, 106, 110, 112, 113];
    const y = [0, 20, 28, 27, 50, 29, 7, 17, 6, 12];
    // Rank differences d: Σd² = 194 (the classic IQ / TV-hours example): rho = 1 - 6*194/990.
    expect(spearman(x, y)).toBeCloseTo(1 - (6 * 194) / 990, 12);
  });

  it('when there are ties, then it is Pearson over tie-averaged ranks', () => {
    const x = [1, 2, 2, 3];
    const y = [1, 3, 2, 4];
    expect(spearman(x, y)).toBeCloseTo(pearson([1, 2.5, 2.5, 4], [1, 3, 2, 4]), 12);
    expect(spearman(x, y)).toBeCloseTo(0.9486832980505138, 12);
  });

  it('when a side is constant, then it is NaN (undefined, not zero)', () => {
    expect(spearman([1, 2, 3], [5, 5, 5])).toBeNaN();
  });
});

describe('summaries', () => {
  it('when given numbers, then mean, median and standard deviation are the textbook values', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(standardDeviation([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2);
  });

  it('when the list is empty, then the summaries are NaN', () => {
    expect(mean([])).toBeNaN();
    expect(median([])).toBeNaN();
    expect(standardDeviation([])).toBeNaN();
  });

  it('when every value is the same, then isConstant is true', () => {
    expect(isConstant([2, 2, 2])).toBe(true);
    expect(isConstant([2, 3])).toBe(false);
  });
});
