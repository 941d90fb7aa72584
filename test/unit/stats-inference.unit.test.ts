import { describe, expect, it } from 'vitest';
import {
  bootstrapConfidenceInterval,
  cohensD,
  mannWhitneyU,
  meanConfidenceInterval,
  pairedBootstrapDifference,
  wilcoxonSignedRank,
} from '../../src/lib/inference.js';
import { createRng, randomNormal } from '../../src/lib/random.js';
import { median, rank } from '../../src/lib/stats.js';

describe('meanConfidenceInterval', () => {
  it('when given 1..5, then it is 3 ± t(0.975, 4)·√2.5/√5', () => {
    // t(0.975, 4) = 2.7764451051977943 → half-width 1.9632431614775576 (mpmath).
    const ci = meanConfidenceInterval([1, 2, 3, 4, 5])!;
    expect(ci.mean).toBe(3);
    expect(ci.n).toBe(5);
    expect(ci.low).toBeCloseTo(1.0367568385224424, 10);
    expect(ci.high).toBeCloseTo(4.963243161477558, 10);
  });

  it('when there are fewer than two values, then it is null', () => {
    expect(meanConfidenceInterval([4])).toBeNull();
    expect(meanConfidenceInterval([])).toBeNull();
  });

  it('when the confidence level is out of range, then it throws a RangeError', () => {
    expect(() => meanConfidenceInterval([1, 2], 1.5)).toThrow(RangeError);
  });
});

describe('bootstrapConfidenceInterval', () => {
  const values = [3.1, 4.5, 2.2, 5.9, 4.4, 3.8, 6.1, 2.9, 4.0, 5.2];

  it('when run twice with one seed, then the interval is identical; another seed differs', () => {
    const a = bootstrapConfidenceInterval(values, undefined, { seed: 7 });
    const b = bootstrapConfidenceInterval(values, undefined, { seed: 7 });
    const c = bootstrapConfidenceInterval(values, undefined, { seed: 8 });
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('when estimating the mean, then the estimate is the sample mean inside its interval', () => {
    const ci = bootstrapConfidenceInterval(values)!;
    expect(ci.estimate).toBeCloseTo(4.21, 12);
    expect(ci.low).toBeLessThan(4.21);
    expect(ci.high).toBeGreaterThan(4.21);
    // Percentile interval lies within the data range and is narrower than it.
    expect(ci.low).toBeGreaterThan(2.2);
    expect(ci.high).toBeLessThan(6.1);
  });

  it('when given another statistic, then it bootstraps that statistic', () => {
    const ci = bootstrapConfidenceInterval(values, median, { resamples: 500 })!;
    expect(ci.estimate).toBeCloseTo(4.2, 12); // median of the ten values
  });

  it('when all values are equal, then the interval collapses to that value', () => {
    expect(bootstrapConfidenceInterval([2, 2, 2])).toEqual({ estimate: 2, low: 2, high: 2 });
  });

  it('when input is empty, then it is null', () => {
    expect(bootstrapConfidenceInterval([])).toBeNull();
  });

  it('when repeated over many normal samples, then 95% intervals cover the true mean ~95%', () => {
    const rng = createRng(42);
    let bootstrapHits = 0;
    let studentHits = 0;
    const trials = 200;
    for (let t = 0; t < trials; t += 1) {
      const sample = Array.from({ length: 30 }, () => randomNormal(rng, 10, 2));
      const boot = bootstrapConfidenceInterval(sample, undefined, { resamples: 1000, seed: t })!;
      const student = meanConfidenceInterval(sample)!;
      if (boot.low <= 10 && boot.high >= 10) bootstrapHits += 1;
      if (student.low <= 10 && student.high >= 10) studentHits += 1;
    }
    // Binomial(200, 0.95) has SD ≈ 3 hits; the percentile bootstrap under-covers a little at n = 30.
    expect(bootstrapHits / trials).toBeGreaterThan(0.88);
    expect(bootstrapHits / trials).toBeLessThanOrEqual(0.99);
    expect(studentHits / trials).toBeGreaterThan(0.9);
    expect(studentHits / trials).toBeLessThanOrEqual(0.99);
  });
});

describe('mannWhitneyU', () => {
  it('when run on the scipy documentation example, then U = 17 and p = 0.1113', () => {
    // scipy.stats.mannwhitneyu(males, females, method="asymptotic") → U1 = 17,
    // p = 0.11134688653314041: z = (17 − 10 − ½)/√(20/12·10).
    const result = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12])!;
    expect(result.u).toBe(17);
    expect(result.n1).toBe(5);
    expect(result.n2).toBe(4);
    expect(result.z).toBeCloseTo(1.592168332809066, 12);
    expect(result.p_value).toBeCloseTo(0.11134688653314043, 12);
    expect(result.effect_size).toBeCloseTo(2 * (17 / 20) - 1, 12); // 0.7
  });

  it('when values tie across groups, then ties count half and the variance is tie-corrected', () => {
    // Pair counting: U = 7. Tie groups {2,2,2} and {3,3,3}: Σ(t³ − t) = 48,
    // var = 20/12·(10 − 48/72) = 15.5556, z = −(3 − ½)/√var (mpmath).
    const result = mannWhitneyU([1, 2, 2, 3, 5], [2, 3, 3, 4])!;
    expect(result.u).toBe(7);
    expect(result.z).toBeCloseTo(-0.6338656910463873, 12);
    expect(result.p_value).toBeCloseTo(0.5261684777561433, 12);
    expect(result.effect_size).toBeCloseTo(-0.3, 12);
  });

  it('when every a exceeds every b, then the effect size is +1', () => {
    const result = mannWhitneyU([10, 11, 12], [1, 2, 3])!;
    expect(result.u).toBe(9);
    expect(result.effect_size).toBe(1);
  });

  it('when all values are identical, then z is 0 and p is 1', () => {
    const result = mannWhitneyU([5, 5], [5, 5, 5])!;
    expect(result.z).toBe(0);
    expect(result.p_value).toBe(1);
    expect(result.effect_size).toBe(0);
  });

  it('when a side is empty, then it is null', () => {
    expect(mannWhitneyU([], [1])).toBeNull();
  });

  it('when samples are large and tied, then U and z match a direct rank computation', () => {
    // Cross-check the merge-based ranking against stats.rank on 3,000 values with heavy ties.
    const rng = createRng(11);
    const a = Array.from({ length: 1200 }, () => Math.round(randomNormal(rng, 70, 8)));
    const b = Array.from({ length: 1800 }, () => Math.round(randomNormal(rng, 68, 8)));
    const ranks = rank([...a, ...b]);
    const u = ranks.slice(0, a.length).reduce((s, r) => s + r, 0) - (1200 * 1201) / 2;
    const counts = new Map<number, number>();
    for (const v of [...a, ...b]) counts.set(v, (counts.get(v) ?? 0) + 1);
    const ties = [...counts.values()].reduce((s, t) => s + t ** 3 - t, 0);
    const variance = ((1200 * 1800) / 12) * (3001 - ties / (3000 * 2999));
    const deviation = u - (1200 * 1800) / 2;
    const z = (Math.sign(deviation) * (Math.abs(deviation) - 0.5)) / Math.sqrt(variance);
    const result = mannWhitneyU(a, b)!;
    expect(result.u).toBeCloseTo(u, 6);
    expect(result.z).toBeCloseTo(z, 10);
  });

  it('when a value is NaN, then it throws instead of ranking garbage', () => {
    expect(() => mannWhitneyU([1, Number.NaN], [2])).toThrow(RangeError);
  });
});

describe('wilcoxonSignedRank', () => {
  it("when run on Fisher's differences (scipy docs), then W− = 24, W+ = 96", () => {
    // Ranks of |d| are 1..15; the negatives −48 and −67 rank 10 and 14 → W− = 24.
    // z = (96 − 60)/√310 = 2.0446626, p = 0.0408881329 (normal approximation, mpmath).
    const d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];
    const result = wilcoxonSignedRank(
      d,
      d.map(() => 0),
    )!;
    expect(result.w).toBe(96);
    expect(result.n).toBe(15);
    expect(result.z).toBeCloseTo(2.0446626032894333, 12);
    expect(result.p_value).toBeCloseTo(0.040888132911855904, 12);
    expect(result.effect_size).toBeCloseTo((96 - 24) / 120, 12);
  });

  it('when differences include zeros and ties, then zeros are dropped and ties averaged', () => {
    // d = [2, 0, −1, 4, 2, 3, 0] → [2, −1, 4, 2, 3]; ranks 2.5, 1, 5, 2.5, 4 → W+ = 14, W− = 1.
    // var = 5·6·11/24 − (2³ − 2)/48 = 13.625; z = 6.5/√13.625 = 1.7609422 (mpmath).
    const result = wilcoxonSignedRank([10, 12, 9, 15, 14, 8, 11], [8, 12, 10, 11, 12, 5, 11])!;
    expect(result.n).toBe(5);
    expect(result.w).toBe(14);
    expect(result.z).toBeCloseTo(1.7609421998443504, 12);
    expect(result.p_value).toBeCloseTo(0.07824818643309583, 12);
    expect(result.effect_size).toBeCloseTo(13 / 15, 12);
  });

  it('when b exceeds a, then the effect size is negative', () => {
    expect(wilcoxonSignedRank([1, 2, 3], [2, 4, 6])!.effect_size).toBe(-1);
  });

  it('when every pair is equal, then it is null; unequal lengths throw', () => {
    expect(wilcoxonSignedRank([1, 2], [1, 2])).toBeNull();
    expect(() => wilcoxonSignedRank([1, 2], [1])).toThrow(RangeError);
  });
});

describe('pairedBootstrapDifference', () => {
  it('when a is b plus a constant, then the difference and its interval are that constant', () => {
    const b = [1, 5, 2, 8, 3];
    const result = pairedBootstrapDifference(
      b.map((v) => v + 0.5),
      b,
    )!;
    expect(result.mean_difference).toBeCloseTo(0.5, 12);
    expect(result.low).toBeCloseTo(0.5, 12);
    expect(result.high).toBeCloseTo(0.5, 12);
  });

  it('when differences vary, then the interval brackets their mean and is seed-deterministic', () => {
    const a = [7.1, 6.4, 8.0, 5.5, 7.7, 6.9, 7.3, 6.0];
    const b = [6.5, 6.6, 7.1, 5.0, 7.0, 6.8, 6.2, 5.9];
    const first = pairedBootstrapDifference(a, b, { seed: 3 })!;
    expect(first.mean_difference).toBeCloseTo(0.475, 12); // (0.6 − 0.2 + 0.9 + 0.5 + 0.7 + 0.1 + 1.1 + 0.1)/8;
    expect(first.low).toBeLessThan(0.475);
    expect(first.high).toBeGreaterThan(0.475);
    expect(pairedBootstrapDifference(a, b, { seed: 3 })).toEqual(first);
  });

  it('when lengths differ, then it throws; when empty, then it is null', () => {
    expect(() => pairedBootstrapDifference([1], [1, 2])).toThrow(RangeError);
    expect(pairedBootstrapDifference([], [])).toBeNull();
  });
});

describe('cohensD', () => {
  it('when checked by hand, then it uses the pooled n − 1 standard deviation', () => {
    // mean a = 5, mean b = 2, pooled SS = 32 + 2 = 34 over 9 df → d = 3/√(34/9) = 1.5434873.
    expect(cohensD([2, 4, 4, 4, 5, 5, 7, 9], [1, 2, 3])).toBeCloseTo(1.543487266282579, 12);
  });

  it('when undefined (no spread or too few values), then it is NaN', () => {
    expect(cohensD([1, 1], [1, 1])).toBeNaN();
    expect(cohensD([1], [2])).toBeNaN();
    expect(cohensD([], [1, 2, 3])).toBeNaN();
  });
});
