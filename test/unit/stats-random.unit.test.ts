import { describe, expect, it } from 'vitest';
import { createRng, randomInt, randomNormal } from '../../src/lib/random.js';
import { mean, sampleStandardDeviation } from '../../src/lib/stats.js';

describe('createRng', () => {
  it('when seeded twice with the same number, then it yields the same sequence', () => {
    const a = createRng(123);
    const b = createRng(123);
    const c = createRng(124);
    const seqA = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(seqA);
  });

  it('when drawing many numbers, then they are uniform on [0, 1)', () => {
    const rng = createRng(9);
    const draws = Array.from({ length: 100_000 }, () => rng());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    // Uniform(0,1): mean ½ (SE 0.0009), variance 1/12; ten equal bins of ~10,000 (SD ≈ 95).
    expect(mean(draws)).toBeCloseTo(0.5, 2);
    expect(sampleStandardDeviation(draws) ** 2).toBeCloseTo(1 / 12, 2);
    const bins = new Array<number>(10).fill(0);
    for (const d of draws) bins[Math.floor(d * 10)]! += 1;
    for (const count of bins) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });
});

describe('randomInt and randomNormal', () => {
  it('when drawing integers, then every value of [0, n) appears and nothing else', () => {
    const rng = createRng(1);
    const seen = new Set(Array.from({ length: 1000 }, () => randomInt(rng, 7)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('when drawing normals, then mean and SD match the parameters', () => {
    const rng = createRng(2);
    const draws = Array.from({ length: 50_000 }, () => randomNormal(rng, 5, 2));
    expect(Math.abs(mean(draws) - 5)).toBeLessThan(0.05); // SE = 2/√50000 ≈ 0.009
    expect(Math.abs(sampleStandardDeviation(draws) - 2)).toBeLessThan(0.05);
  });
});
