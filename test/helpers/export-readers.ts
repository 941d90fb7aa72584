import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import yauzl from 'yauzl';

/** supertest parser that keeps the body as raw bytes (xlsx, zip, csv with its BOM). */
export function binaryParser(
  res: unknown,
  callback: (err: Error | null, body: unknown) => void,
): void {
  const stream = res as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => callback(null, Buffer.concat(chunks)));
  stream.on('error', (err: Error) => callback(err, Buffer.alloc(0)));
}

export function bodyBytes(res: Response): Buffer {
  return res.body as Buffer;
}

/** Parses CSV the way a reader would: BOM removed, header row as keys, every cell a string. */
export function readCsv(bytes: Buffer): { header: string[]; rows: Record<string, string>[] } {
  const records = parse(bytes, { bom: true, relax_column_count: false }) as string[][];
  const [header = [], ...rest] = records;
  return {
    header,
    rows: rest.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? '']))),
  };
}

export interface SheetContent {
  name: string;
  header: string[];
  /** Rows after the header, as cell values (numbers, Dates, strings, null). */
  rows: unknown[][];
  frozenHeader: boolean;
}

/** Reads every sheet of a workbook with exceljs. */
export async function readXlsx(bytes: Buffer): Promise<SheetContent[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook.worksheets.map((sheet) => {
    const rows: unknown[][] = [];
    const width = sheet.columnCount;
    sheet.eachRow({ includeEmpty: false }, (row, n) => {
      if (n === 1) return;
      rows.push(Array.from({ length: width }, (_v, i) => row.getCell(i + 1).value ?? null));
    });
    const header = Array.from({ length: width }, (_v, i) =>
      String(sheet.getRow(1).getCell(i + 1).value ?? ''),
    );
    const view = sheet.views[0] as { state?: string; ySplit?: number } | undefined;
    return {
      name: sheet.name,
      header,
      rows,
      frozenHeader: view?.state === 'frozen' && view.ySplit === 1,
    };
  });
}

/** Sheet rows as objects keyed by the header. */
export function sheetObjects(sheet: SheetContent): Record<string, unknown>[] {
  return sheet.rows.map((r) => Object.fromEntries(sheet.header.map((h, i) => [h, r[i]])));
}

/** Every file of a zip archive, by name, read with yauzl. */
export function readZip(bytes: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('not a zip'));
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamErr, stream) => {
          if (streamErr || !stream) return reject(streamErr ?? new Error('unreadable entry'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve(files));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
