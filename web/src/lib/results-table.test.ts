import { describe, expect, it } from 'vitest';
import { sortResults } from './results-table';

const rows = [
  { combination_id: 1, parameters: { temperature: 0.2 }, average_quality: 70, std_dev: 2 },
  { combination_id: 2, parameters: { temperature: 1 }, average_quality: null, std_dev: null },
  { combination_id: 3, parameters: { temperature: 0.6 }, average_quality: 80, std_dev: 1 },
];

describe('sortResults', () => {
  it('when sorted by quality descending, then unscored combinations come last', () => {
    expect(
      sortResults(rows, { key: 'average_quality', dir: 'desc' }).map((r) => r.combination_id),
    ).toEqual([3, 1, 2]);
  });

  it('when sorted by quality ascending, then unscored combinations still come last', () => {
    expect(
      sortResults(rows, { key: 'average_quality', dir: 'asc' }).map((r) => r.combination_id),
    ).toEqual([1, 3, 2]);
  });

  it('when sorted by a parameter, then its values order the rows', () => {
    expect(
      sortResults(rows, { key: 'temperature', dir: 'asc' }).map((r) => r.combination_id),
    ).toEqual([1, 3, 2]);
  });
});
