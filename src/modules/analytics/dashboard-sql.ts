/** The columns every branch of the dashboard scan returns, in order; unused ones are 0 or ''. */
export const SCAN_COLUMNS = [
  'kind',
  'k',
  'v',
  'n',
  'scored',
  'sy',
  'syy',
  'cost',
  'sx',
  'sxx',
  'sxy',
  'distinct_n',
];
export type ScanColumn = (typeof SCAN_COLUMNS)[number];

/**
 * One UNION ALL member. Unused columns are '' or 0 rather than NULL: PostgreSQL types a NULL
 * inside a subquery as text, which then cannot be matched with the numbers of other members.
 */
export function branch(parts: Partial<Record<ScanColumn, string>>, rest: string): string {
  const fill = (c: ScanColumn) => parts[c] ?? (c === 'k' ? `''` : '0');
  return `SELECT ${SCAN_COLUMNS.map((c) => `${fill(c)} AS ${c}`).join(', ')} FROM ${rest}`;
}

/**
 * The members of the dashboard scan that both of its sources share — per period, per day, per
 * model, the experiment count and the top experiments — over a table `t` with columns period,
 * day, model, experiment_id and cost. `quality` says how the source counts responses (n),
 * scored ones and their quality sum (one row per response, or rollup rows of sums);
 * `experimentOrder` ranks experiments best first in the same terms.
 */
export function summaryBranches(
  quality: { n: string; scored: string; sy: string },
  experimentOrder: string,
  topExperiments: number,
): string[] {
  const current = `t WHERE t.period = 'current'`;
  return [
    branch(
      { kind: `'period'`, k: 't.period', ...quality, cost: 'SUM(t.cost)' },
      't GROUP BY t.period',
    ),
    branch(
      { kind: `'day'`, k: 't.day', ...quality, distinct_n: 'COUNT(DISTINCT t.experiment_id)' },
      `${current} GROUP BY t.day`,
    ),
    branch(
      { kind: `'model'`, k: 't.model', ...quality, cost: 'SUM(t.cost)' },
      `${current} AND t.model IS NOT NULL GROUP BY t.model`,
    ),
    branch({ kind: `'experiments'`, distinct_n: 'COUNT(DISTINCT t.experiment_id)' }, current),
    // SQLite allows ORDER BY/LIMIT in a compound SELECT only inside a subquery.
    `SELECT * FROM (${branch(
      { kind: `'experiment'`, v: 't.experiment_id', ...quality },
      `${current} GROUP BY t.experiment_id ORDER BY ${experimentOrder}
       LIMIT ${Math.trunc(topExperiments)}`,
    )}) top_experiments`,
  ];
}
