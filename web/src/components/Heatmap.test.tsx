// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Heatmap } from './Heatmap';
import { MetricBars } from './MetricBars';

afterEach(cleanup);

const results = [
  { combination_id: 1, parameters: { temperature: 0.2, top_p: 0.5 }, average_quality: 60 },
  { combination_id: 2, parameters: { temperature: 0.2, top_p: 1 }, average_quality: 65 },
  { combination_id: 3, parameters: { temperature: 1, top_p: 0.5 }, average_quality: 70 },
  { combination_id: 4, parameters: { temperature: 1, top_p: 1 }, average_quality: null },
];

describe('Heatmap', () => {
  it('when rendered over two parameters, then it is a captioned table with the highest y first and a cell per pair', () => {
    render(<Heatmap results={results} x="temperature" y="top_p" />);

    const table = screen.getByRole('table', {
      name: /Mean quality by Temperature \(columns\) and Top p \(rows\)/,
    });
    const rows = within(table).getAllByRole('row');
    expect(rows.map((r) => r.textContent)).toEqual([
      'Top p ↓ / Temperature →0.21',
      '165—',
      '0.56070',
    ]);
    expect(within(table).getByText('—').getAttribute('title')).toBe(
      'temperature=1, top_p=1: — (1 combination)',
    );
  });

  it('when there are no results, then it says so instead of drawing an empty table', () => {
    render(<Heatmap results={[]} x="temperature" y="top_p" />);

    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.getByText('No results for these parameters yet.')).toBeTruthy();
  });
});

describe('MetricBars', () => {
  it('when metrics are given, then each is a labelled meter with its value', () => {
    render(<MetricBars metrics={{ overall_quality: 74.5, coherence_score: null }} />);

    const meters = screen.getAllByRole('meter');
    expect(
      meters.map((m) => [m.getAttribute('aria-label'), m.getAttribute('aria-valuenow')]),
    ).toEqual([
      ['Overall quality', '74.5'],
      ['Coherence', '0'],
    ]);
  });

  it('when the response is not scored, then it says so', () => {
    render(<MetricBars metrics={null} />);

    expect(screen.getByText('Not scored yet.')).toBeTruthy();
  });
});
