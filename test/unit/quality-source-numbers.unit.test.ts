import { describe, expect, it } from 'vitest';
import { numericValues } from '../../src/quality/heuristic/source.js';

describe('numbers a token states (factual accuracy against the source)', () => {
  it('when a token is a number word, digits or a formatted figure, then its values come back as digits', () => {
    expect(numericValues('seven')).toEqual(['7']);
    expect(numericValues('dozen')).toEqual(['12']);
    expect(numericValues('1,200')).toEqual(['1200']);
    expect(numericValues('7-2')).toEqual(['7', '2']);
    expect(numericValues('83rd')).toEqual(['83']);
  });

  it('when a word shares its name with a built-in object property, then it states no number', () => {
    for (const word of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf'])
      expect(numericValues(word)).toEqual([]);
  });
});
