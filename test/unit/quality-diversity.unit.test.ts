import { describe, expect, it } from 'vitest';
import {
  distinctN,
  diversityReport,
  jaccard,
  meanPairwiseSimilarity,
  words,
} from '../../src/quality/diversity.js';

describe('distinctN', () => {
  it('when nothing repeats, then distinct-1 is 1', () => {
    expect(distinctN(['the cat sat', 'a dog ran'], 1)).toBe(1);
  });

  it('when words repeat across responses, then distinct-1 counts the pooled vocabulary', () => {
    // 6 tokens, 4 distinct: the, cat, sat, ran.
    expect(distinctN(['the cat sat', 'the cat ran'], 1)).toBeCloseTo(4 / 6, 12);
  });

  it('when computing bigrams, then they do not cross response boundaries', () => {
    // Bigrams: "the cat", "cat sat" | "the cat", "cat ran" → 3 distinct of 4.
    expect(distinctN(['the cat sat', 'the cat ran'], 2)).toBeCloseTo(3 / 4, 12);
  });

  it('when texts are too short for any n-gram, then it is 0 and n must be a positive integer', () => {
    expect(distinctN(['hi', ''], 2)).toBe(0);
    expect(() => distinctN(['a b'], 0)).toThrow(RangeError);
  });

  it('when case and punctuation differ, then words still match', () => {
    expect(words("Hello, WORLD! It's fine.")).toEqual(['hello', 'world', "it's", 'fine']);
  });
});

describe('meanPairwiseSimilarity', () => {
  it('when all responses are identical, then similarity is 1', () => {
    expect(meanPairwiseSimilarity(['one two three', 'one two three', 'one two three'])).toBe(1);
  });

  it('when responses share no bigram, then similarity is 0', () => {
    expect(meanPairwiseSimilarity(['red green blue', 'cat dog bird'])).toBe(0);
  });

  it('when computed by hand on three responses, then it is the mean of the pair Jaccards', () => {
    // Bigram sets: A {a b, b c}, B {a b, b d}, C {x y}. J(A,B) = 1/3, J(A,C) = 0, J(B,C) = 0.
    expect(meanPairwiseSimilarity(['a b c', 'a b d', 'x y'])).toBeCloseTo(1 / 9, 12);
  });

  it('when there are fewer than two responses, then there is no pair (NaN)', () => {
    expect(meanPairwiseSimilarity(['only one'])).toBeNaN();
  });

  it('when comparing sets, then Jaccard is intersection over union', () => {
    expect(jaccard(new Set(['a', 'b']), new Set(['b', 'c']))).toBeCloseTo(1 / 3, 12);
    expect(jaccard(new Set(), new Set())).toBe(1);
  });
});

describe('diversityReport', () => {
  it('when a setting produced varied responses, then it reports rounded figures and n', () => {
    const report = diversityReport(['the cat sat', 'the cat ran', 'a bird flew']);
    expect(report).toEqual({
      distinct_1: 0.778,
      distinct_2: 0.833,
      mean_pairwise_similarity: 0.111,
      n: 3,
    });
  });

  it('when there is a single response, then similarity is null', () => {
    expect(diversityReport(['just one']).mean_pairwise_similarity).toBeNull();
  });

  it('when responses repeat each other, then they are less diverse than varied ones', () => {
    const same = diversityReport(Array(4).fill('The answer is forty-two, as always.'));
    const varied = diversityReport([
      'The answer is forty-two.',
      'Nobody knows for certain what the question was.',
      'Some say the universe is a joke with no punchline.',
      'Ask a different question and you get a different answer.',
    ]);
    expect(same.distinct_2).toBeLessThan(varied.distinct_2);
    expect(same.mean_pairwise_similarity!).toBeGreaterThan(varied.mean_pairwise_similarity!);
  });
});
