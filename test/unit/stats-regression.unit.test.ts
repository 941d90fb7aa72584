import { describe, expect, it } from 'vitest';
import {
  evaluatePolynomial,
  linearRegression,
  loess,
  polynomialRegression,
} from '../../src/lib/regression.js';
import { createRng, randomNormal } from '../../src/lib/random.js';
import { quantile, sampleStandardDeviation } from '../../src/lib/stats.js';

describe('linearRegression', () => {
  it('when points lie on y = 2x + 1, then it recovers the line with r² = 1', () => {
    const fit = linearRegression([0, 1, 2, 3], [1, 3, 5, 7])!;
    expect(fit.slope).toBeCloseTo(2, 12);
    expect(fit.intercept).toBeCloseTo(1, 12);
    expect(fit.r2).toBeCloseTo(1, 12);
    expect(fit.n).toBe(4);
    expect(fit.slope_standard_error).toBeCloseTo(0, 12);
  });

  it('when checked by hand on noisy points, then slope, r² and its standard error match', () => {
    // x = 1..5, y = 2,4,5,4,5: sxx = 10, sxy = 6, syy = 6 → slope 0.6, intercept 2.2,
    // r² = 36/60 = 0.6, SSres = 6 − 3.6 = 2.4 → SE = √(2.4/3/10) = √0.08.
    const fit = linearRegression([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])!;
    expect(fit.slope).toBeCloseTo(0.6, 12);
    expect(fit.intercept).toBeCloseTo(2.2, 12);
    expect(fit.r2).toBeCloseTo(0.6, 12);
    expect(fit.slope_standard_error).toBeCloseTo(Math.sqrt(0.08), 12);
  });

  it('when x is constant or there is one point, then it is null', () => {
    expect(linearRegression([2, 2, 2], [1, 2, 3])).toBeNull();
    expect(linearRegression([1], [1])).toBeNull();
  });

  it('when y is constant, then the slope is 0 and r² is undefined (NaN)', () => {
    const fit = linearRegression([1, 2, 3], [4, 4, 4])!;
    expect(fit.slope).toBe(0);
    expect(fit.r2).toBeNaN();
  });
});

describe('polynomialRegression', () => {
  it('when points lie on a parabola peaking at 0.7, then it recovers the coefficients', () => {
    // y = 8 − 5(x − 0.7)² = 5.55 + 7x − 5x²
    const xs = [0, 0.25, 0.5, 0.7, 1, 1.3, 1.6, 2];
    const ys = xs.map((x) => 8 - 5 * (x - 0.7) ** 2);
    const fit = polynomialRegression(xs, ys, 2)!;
    expect(fit.coefficients).toHaveLength(3);
    expect(fit.coefficients[0]).toBeCloseTo(5.55, 10);
    expect(fit.coefficients[1]).toBeCloseTo(7, 10);
    expect(fit.coefficients[2]).toBeCloseTo(-5, 10);
    expect(fit.r2).toBeCloseTo(1, 12);
    expect(fit.residual_standard_error).toBeCloseTo(0, 9);
  });

  it('when x spans thousands (max_tokens), then the fit stays exact', () => {
    // y = 3 + 0.002x − 2e-7x³ + 1e-11x⁴ over x in 100..4000.
    const coefficients = [3, 0.002, 0, -2e-7, 1e-11];
    const xs = Array.from({ length: 40 }, (_, i) => 100 + i * 100);
    const ys = xs.map((x) => evaluatePolynomial(coefficients, x));
    const fit = polynomialRegression(xs, ys, 4)!;
    for (const x of [150, 1234, 3999]) {
      expect(evaluatePolynomial(fit.coefficients, x)).toBeCloseTo(
        evaluatePolynomial(coefficients, x),
        8,
      );
    }
    expect(fit.coefficients[3]).toBeCloseTo(-2e-7, 15);
  });

  it('when degree 1, then it agrees with linearRegression', () => {
    const xs = [1, 2, 3, 4, 5];
    const ys = [2, 4, 5, 4, 5];
    const fit = polynomialRegression(xs, ys, 1)!;
    expect(fit.coefficients[0]).toBeCloseTo(2.2, 12);
    expect(fit.coefficients[1]).toBeCloseTo(0.6, 12);
    expect(fit.r2).toBeCloseTo(0.6, 12);
    // √(SSres/(n − 2)) = √(2.4/3)
    expect(fit.residual_standard_error).toBeCloseTo(Math.sqrt(0.8), 12);
  });

  it('when there are fewer distinct x values than coefficients, then it is null', () => {
    expect(polynomialRegression([1, 1, 2, 2], [1, 2, 3, 4], 2)).toBeNull();
    expect(polynomialRegression([1, 2], [1, 2], 2)).toBeNull();
  });

  it('when the degree is invalid, then it throws a RangeError', () => {
    expect(() => polynomialRegression([1, 2, 3], [1, 2, 3], 1.5)).toThrow(RangeError);
  });
});

describe('evaluatePolynomial', () => {
  it('when given c0 + c1x + c2x², then Horner evaluation matches', () => {
    expect(evaluatePolynomial([1, 2, 3], 2)).toBe(17);
    expect(evaluatePolynomial([], 5)).toBe(0);
  });
});

describe('loess', () => {
  it('when data lie on a line, then local linear fits reproduce it exactly', () => {
    const xs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const ys = xs.map((x) => 3 - 0.5 * x);
    const smoothed = loess(xs, ys, [0, 2.5, 9], 0.4);
    expect(smoothed[0]).toBeCloseTo(3, 12);
    expect(smoothed[1]).toBeCloseTo(1.75, 12);
    expect(smoothed[2]).toBeCloseTo(-1.5, 12);
  });

  it('when checked by hand on a symmetric window, then it is the tricube-weighted mean', () => {
    // bandwidth 1 → all 5 points, h = 2; weights at distance 1 are (1 − 1/8)³ = 0.669921875,
    // the point at x0 weighs 1 and the ends 0; by symmetry the slope is 0 and the fit is
    // 2·0.6699/(2·0.6699 + 1) = 0.5726210350584306 (mpmath).
    const [value] = loess([0, 1, 2, 3, 4], [0, 1, 0, 1, 0], [2], 1);
    expect(value).toBeCloseTo(0.5726210350584306, 12);
  });

  it('when data are a noisy parabola, then the smooth is close to the true curve', () => {
    const rng = createRng(5);
    const xs = Array.from({ length: 400 }, () => rng() * 2);
    const truth = (x: number) => 8 - 5 * (x - 0.7) ** 2;
    const ys = xs.map((x) => truth(x) + randomNormal(rng, 0, 0.5));
    const at = [0.2, 0.7, 1.2, 1.8];
    const smoothed = loess(xs, ys, at, 0.2);
    at.forEach((x, i) => expect(Math.abs(smoothed[i]! - truth(x))).toBeLessThan(0.25));
  });

  it('when every window point is equidistant, then they weigh equally instead of zero', () => {
    // At 1.5 the three nearest are tied with three more at distance 0.5: all six join the
    // window with equal weight, and the line through (1, 2) and (2, 5) gives 3.5. Beyond the
    // data (x = 3) the window is the cluster at 2 alone: its mean, 5.
    const xs = [1, 1, 1, 2, 2, 2];
    const ys = [1, 2, 3, 4, 5, 6];
    const [between, beyond] = loess(xs, ys, [1.5, 3], 0.5);
    expect(between).toBeCloseTo(3.5, 12);
    expect(beyond).toBeCloseTo(5, 12);
  });

  it('when input is empty, then every point is NaN; bad bandwidth throws', () => {
    expect(loess([], [], [1, 2])).toEqual([Number.NaN, Number.NaN]);
    expect(() => loess([1, 2], [1, 2], [1], 0)).toThrow(RangeError);
  });
});

describe('sampleStandardDeviation and quantile', () => {
  it('when checked against Python statistics, then they match', () => {
    // statistics.stdev([2,4,4,4,5,5,7,9]) = 2.138089935299395
    expect(sampleStandardDeviation([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138089935299395, 14);
    expect(sampleStandardDeviation([3])).toBeNaN();
    // statistics.quantiles(range 1..10, n=4, method='inclusive') = [3.25, 5.5, 7.75] (type 7)
    const xs = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    expect(quantile(xs, 0.25)).toBeCloseTo(3.25, 14);
    expect(quantile(xs, 0.5)).toBeCloseTo(5.5, 14);
    expect(quantile(xs, 0.75)).toBeCloseTo(7.75, 14);
    expect(quantile(xs, 0)).toBe(1);
    expect(quantile(xs, 1)).toBe(10);
  });

  it('when input is empty or q is out of range, then quantile is NaN', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(quantile([1, 2], 1.5)).toBeNaN();
  });
});
