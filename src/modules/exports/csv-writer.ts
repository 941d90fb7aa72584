import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify/sync';
import type { CellType } from './export-columns.js';
import { typeOf, type Table } from './tables.js';

/**
 * Spreadsheets run a cell starting with = + - @ (or a tab / carriage return) as a formula, so a
 * response containing "=HYPERLINK(…)" could act when the CSV is opened (CSV injection, OWASP).
 * Such text cells get a leading apostrophe, which spreadsheets show as plain text. Numbers
 * are written as numbers and never touched.
 */
export function neutralizeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One value as CSV text: ISO 8601 UTC dates, JSON for objects, empty for null. */
export function csvCell(value: unknown, type: CellType | 'auto'): string {
  if (value === null || value === undefined) return '';
  switch (type === 'auto' ? typeOf(value) : type) {
    case 'date':
      return value instanceof Date ? value.toISOString() : String(value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'json':
      return JSON.stringify(value);
    default:
      return neutralizeFormula(String(value));
  }
}

const CSV_OPTIONS = { record_delimiter: 'windows', quoted_match: /^\s|\s$/ } as const;

/**
 * The CSV text, a page at a time: the UTF-8 BOM (Excel needs it to read non-ASCII text as
 * UTF-8), the header row, then each page's rows. One string per page rather than a stream of
 * records keeps the per-row garbage — and so the heap the GC lets grow — small.
 */
async function* csvChunks(table: Table): AsyncGenerator<string> {
  const types = table.columns.map((c) => c.type);
  yield '\ufeff' + stringify([table.columns.map((c) => c.header)], CSV_OPTIONS);
  for await (const page of table.pages) {
    if (page.length === 0) continue;
    yield stringify(
      page.map((row) => row.map((v, i) => csvCell(v, types[i]!))),
      CSV_OPTIONS,
    );
  }
}

/**
 * Streams a table as RFC 4180 CSV (csv-stringify: CRLF line ends, fields with quotes, commas
 * or line breaks quoted and quotes doubled; fields with leading or trailing spaces quoted too)
 * with a header row. Pages are pulled only as fast as `sink` accepts them, and `signal`
 * (client gone) stops the reads.
 */
export async function writeCsv(table: Table, sink: Writable, signal?: AbortSignal): Promise<void> {
  const source = Readable.from(csvChunks(table), { objectMode: false });
  await (signal ? pipeline(source, sink, { signal }) : pipeline(source, sink));
}
