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
