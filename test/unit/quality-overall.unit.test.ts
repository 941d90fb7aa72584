import { describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHTS, overallQuality, qualityBand } from '../../src/quality/overall.js';
import { DIMENSIONS } from '../../src/quality/types.js';

describe('DEFAULT_WEIGHTS', () => {
  it('when summed, then the weights cover every dimension and add up to 1', () => {
    expect(Object.keys(DEFAULT_WEIGHTS).sort()).toEqual([...DIMENSIONS].sort());
    const total = Object.values(DEFAULT_WEIGHTS).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 10);
  });
});

describe('overallQuality', () => {
  it('when every dimension has the same score, then overall is that score', () => {
    const all = Object.fromEntries(DIMENSIONS.map((d) => [d, { score: 70 }]));
    expect(overallQuality(all)).toBe(70);
  });

  it('when only some dimensions are present, then it is the weighted mean over those', () => {
    // relevance 0.2 × 90 + coherence 0.15 × 60 = 27 over 0.35 → 77.142… → 77.1.
    expect(overallQuality({ relevance: { score: 90 }, coherence: { score: 60 } })).toBe(77.1);
  });

  it('when custom weights are given, then they are used and zero weights are ignored', () => {
    const scores = { relevance: 80, creativity: 40, coherence: 10 };
    expect(overallQuality(scores, { relevance: 1, creativity: 3, coherence: 0 })).toBe(50);
  });

  it('when nothing can be averaged, then overall is 0 rather than NaN', () => {
    expect(overallQuality({})).toBe(0);
    expect(overallQuality({ coherence: Number.NaN })).toBe(0);
  });
});

describe('qualityBand', () => {
  it('when a score sits on a band edge, then it belongs to the higher band', () => {
    expect(qualityBand(90)).toBe('excellent');
    expect(qualityBand(89.9)).toBe('good');
    expect(qualityBand(75)).toBe('good');
    expect(qualityBand(74.9)).toBe('average');
    expect(qualityBand(60)).toBe('average');
    expect(qualityBand(59.9)).toBe('poor');
  });
});
