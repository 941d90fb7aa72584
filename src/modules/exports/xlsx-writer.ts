import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { CellType } from './export-columns.js';
import { ExportAbortedError, waitForDrain, whenAborted } from './stream-utils.js';
import { typeOf, type Table } from './tables.js';

/** Excel refuses cells longer than this; longer text is cut and marked. */
export const XLSX_MAX_CELL_CHARS = 32_767;
const TRUNCATION_MARK = ' […truncated: exceeds the 32,767-character cell limit of Excel]';
const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';

/** A sheet name Excel accepts: at most 31 characters, none of : \ / ? * [ ]. */
function sheetName(name: string): string {
  return name.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31) || 'Sheet';
}

/** A value as a typed cell: numbers stay numbers, dates Date, objects JSON text. */
export function xlsxCell(value: unknown, type: CellType | 'auto'): unknown {
  if (value === null || value === undefined) return null;
  switch (type === 'auto' ? typeOf(value) : type) {
    case 'json':
      return JSON.stringify(value);
    case 'string': {
      const text = String(value);
      return text.length > XLSX_MAX_CELL_CHARS
        ? text.slice(0, XLSX_MAX_CELL_CHARS - TRUNCATION_MARK.length) + TRUNCATION_MARK
        : text;
    }
    default:
      return value;
  }
}

/**
 * exceljs writes a sheet's XML into the zip without looking at backpressure: archiver wraps
 * the sheet's stream in a PassThrough, and when deflating is slower than the rows arrive that
 * PassThrough fills without bound (measured: +90 MB at 20,000 rows). Waiting on it between
 * pages gives the writer real backpressure. It is exceljs internals, so when the shape is not
 * there the caller falls back to the final sink alone.
 */
function sheetInput(sheet: ExcelJS.Worksheet): Writable | undefined {
  const pipes = (sheet as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes;
  const first = pipes?.[0] as
    | (Writable & { _writableState?: { needDrain?: boolean }; writableNeedDrain?: boolean })
    | undefined;
  if (!first || typeof first.on !== 'function') return undefined;
  if (typeof first.writableNeedDrain === 'boolean') return first;
  // exceljs bundles archiver 5 and its readable-stream 2, which predates `writableNeedDrain`.
  const state = first._writableState;
  if (!state) return undefined;
  Object.defineProperty(first, 'writableNeedDrain', { get: () => state.needDrain === true });
  return first;
}

async function writeSheet(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  table: Table,
  sink: Writable,
  signal?: AbortSignal,
): Promise<void> {
  const sheet = workbook.addWorksheet(sheetName(table.name), {
    // The header row stays visible while scrolling.
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = table.columns.map((c) => ({
    header: c.header,
    width: c.width ?? Math.max(10, Math.min(40, c.header.length + 2)),
    ...(c.type === 'date' ? { style: { numFmt: DATE_FORMAT } } : {}),
  }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.commit();
  const types = table.columns.map((c) => c.type);
  for await (const page of table.pages) {
    if (signal?.aborted) throw new ExportAbortedError();
    for (const values of page) {
      const row = sheet.addRow(values.map((v, i) => xlsxCell(v, types[i]!)));
      // Dates in `auto` columns (key/value sheets) need their format cell by cell.
      values.forEach((v, i) => {
        if (types[i] === 'auto' && v instanceof Date) row.getCell(i + 1).numFmt = DATE_FORMAT;
      });
      row.commit();
    }
    await waitForDrain(sheetInput(sheet) ?? sink, signal);
    await waitForDrain(sink, signal);
  }
  sheet.commit();
}

/**
 * Streams the tables as one workbook, a sheet each, through exceljs's streaming writer:
 * rows are committed (serialized and zipped) as they arrive and never kept. Shared strings
 * are off — their table would hold every distinct text of the export in memory.
 */
export async function writeXlsx(
  tables: Table[],
  sink: Writable,
  signal?: AbortSignal,
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: sink,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = 'LLM Response Quality Analyzer';
  for (const table of tables) await writeSheet(workbook, table, sink, signal);
  // If the client leaves during the final zip flush, commit() may never settle.
  await Promise.race([workbook.commit(), whenAborted(signal)]);
}
