import { describe, expect, it } from 'vitest';
import {
  erfc,
  logGamma,
  normalCdf,
  normalQuantile,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
} from '../../src/lib/distributions.js';

// Reference values computed with mpmath at 30–40 significant digits, e.g.
// ncdf(-8), sqrt(2)*erfinv(2*mpf('1e-10')-1), 1 − betainc(ν/2, 1/2, 0, ν/(ν+t²))/2,
// and t quantiles by root-finding on that CDF.

describe('normal distribution', () => {
  it('when asked for textbook critical values, then the quantile matches to 1e-9', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 9);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263478740408408, 12);
    expect(normalQuantile(0.3)).toBeCloseTo(-0.5244005127080408, 12);
  });

  it('when p is far in the tail, then the quantile keeps its precision', () => {
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 10);
    expect(normalQuantile(1 - 1e-10)).toBeCloseTo(6.361340889697422, 5); // 1 − 1e-10 is inexact
  });

  it('when p is at or outside the bounds, then it returns ±Infinity or NaN', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(1.2)).toBeNaN();
    expect(normalQuantile(Number.NaN)).toBeNaN();
  });

  it('when evaluating the CDF, then it matches reference values including the deep tail', () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 14);
    expect(normalCdf(-1.96)).toBeCloseTo(0.0249978951482204, 14);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316300946, 15);
    const deep = normalCdf(-8);
    expect(Math.abs(deep / 6.220960574271784e-16 - 1)).toBeLessThan(1e-12);
  });

  it('when the quantile is fed back to the CDF, then it round-trips', () => {
    for (const p of [1e-6, 0.001, 0.02, 0.1, 0.4, 0.6, 0.9, 0.975, 0.999]) {
      expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 14);
    }
  });
});

describe('special functions', () => {
  it('when computing log-gamma, then it matches known values', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13); // Γ(½) = √π
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12); // Γ(10) = 9!
    expect(logGamma(0.1)).toBeCloseTo(2.252712651734206, 12);
  });

  it('when computing erfc, then it matches erfc identities and values', () => {
    expect(erfc(0)).toBe(1);
    expect(erfc(1)).toBeCloseTo(0.15729920705028513, 15);
    expect(erfc(-1)).toBeCloseTo(1.8427007929497148, 15);
    expect(Math.abs(erfc(3) / 0.00002209049699858544 - 1)).toBeLessThan(1e-13);
  });

  it('when computing the incomplete beta, then closed forms are reproduced', () => {
    // I_x(1, 1) = x; I_x(2, 1) = x²; I_x(a, b) = 1 − I_{1−x}(b, a).
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expect(regularizedIncompleteBeta(0.3, 2, 1)).toBeCloseTo(0.09, 14);
    expect(regularizedIncompleteBeta(0.7, 2.5, 4)).toBeCloseTo(
      1 - regularizedIncompleteBeta(0.3, 4, 2.5),
      14,
    );
  });
});

describe('Student t distribution', () => {
  it('when asked for textbook critical values, then the quantile matches to 1e-6 or better', () => {
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138852, 9);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706204736174705, 9);
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.7764451051977943, 10);
    expect(studentTQuantile(0.975, 1000)).toBeCloseTo(1.9623390808264085, 10);
    expect(studentTQuantile(0.999999, 3)).toBeCloseTo(103.2994677804193, 6);
  });

  it('when df is not an integer (Welch), then the quantile is still exact', () => {
    expect(studentTQuantile(0.995, 2.5)).toBeCloseTo(7.163728138948786, 9);
  });

  it('when evaluating the CDF, then it matches reference values', () => {
    expect(studentTCdf(2, 5)).toBeCloseTo(0.9490302605850708, 12);
    expect(studentTCdf(-3, 2)).toBeCloseTo(0.04773298313335456, 12);
    expect(studentTCdf(0.7, 3.3)).toBeCloseTo(0.734955960338371, 12);
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 14); // Cauchy: ½ + atan(1)/π
    expect(Math.abs(studentTCdf(-40, 3) / 0.000017190340394579263 - 1)).toBeLessThan(1e-10);
  });

  it('when df is infinite, then it is the normal distribution', () => {
    expect(studentTCdf(1.96, Number.POSITIVE_INFINITY)).toBeCloseTo(normalCdf(1.96), 15);
    expect(studentTQuantile(0.975, Number.POSITIVE_INFINITY)).toBeCloseTo(1.959963985, 9);
  });

  it('when inputs are invalid, then it returns NaN', () => {
    expect(studentTCdf(1, 0)).toBeNaN();
    expect(studentTQuantile(0.9, -1)).toBeNaN();
    expect(studentTQuantile(2, 5)).toBeNaN();
  });
});
