/**
 * A table is what the CSV and XLSX writers consume: typed columns and rows arriving page by
 * page, so a writer never holds more than one page of an export in memory.
 */
import type { CellType } from './export-columns.js';

export interface TableColumn {
  header: string;
  /** `auto` types each cell by its value (key/value sheets mix numbers, text and dates). */
  type: CellType | 'auto';
  /** XLSX width in characters. */
  width?: number;
}

export interface Table {
  /** Sheet name in XLSX (at most 31 characters), file name stem in archives. */
  name: string;
  columns: TableColumn[];
  /** Rows aligned with `columns`, a page at a time; typed JS values (Date, number, object…). */
  pages: AsyncIterable<unknown[][]> | Iterable<unknown[][]>;
}

/** The type of a value in an `auto` column. */
export function typeOf(value: unknown): CellType {
  if (value instanceof Date) return 'date';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (value !== null && typeof value === 'object') return 'json';
  return 'string';
}

/** A table whose rows are all known already (summaries, analysis): one page. */
export function staticTable(name: string, columns: TableColumn[], rows: unknown[][]): Table {
  return { name, columns, pages: [rows] };
}
