/**
 * Parses an uploaded prompt file (CSV or JSON Lines) and validates every row with the same
 * schema as POST /api/datasets, collecting a problem report per row instead of stopping at the
 * first one. Pure: no database, no HTTP.
 *
 * CSV: a header row, then one prompt per record. Columns (case-insensitive): `text` (or
 * `prompt`) required; `tags` (separated by `;`, `|` or `,`, or a JSON array), `difficulty`,
 * `category`, `expected_length` optional; any other column is kept in the prompt's metadata.
 * JSONL: one JSON object per line with the same keys (`tags` an array or a separated string).
 */
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import {
  MAX_PROMPTS_PER_REQUEST,
  PromptInputSchema,
  type PromptInput,
} from './datasets.schemas.js';

export const IMPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** One problem with one row of the file. */
export interface RowProblem {
  /** 1-based data row (the CSV header and blank lines not counted). */
  row: number;
  /** 1-based line of the file where the row starts. */
  line: number;
  field: string;
  problem: string;
  value?: unknown;
}

export interface ParsedImport {
  /** Valid prompts with the row each came from. */
  prompts: Array<{ row: number; prompt: PromptInput }>;
  problems: RowProblem[];
  totalRows: number;
}

/** The file as a whole cannot be read (bad quoting, no header, too many rows…). */
export class UnreadableFileError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

const KNOWN = ['text', 'tags', 'difficulty', 'category', 'expected_length', 'metadata'];

interface RawRow {
  row: number;
  line: number;
  fields: Record<string, unknown>;
}

export function parseImport(content: string, format: ImportFormat): ParsedImport {
  const raw = format === 'csv' ? readCsv(content) : readJsonLines(content);
  if (raw.rows.length + raw.problems.length === 0) {
    throw new UnreadableFileError('The file has no prompt rows');
  }
  const total = raw.rows.length + raw.problems.length;
  if (total > MAX_PROMPTS_PER_REQUEST) {
    throw new UnreadableFileError(
      `The file has ${total} rows; at most ${MAX_PROMPTS_PER_REQUEST} can be imported at once — split it into several files`,
    );
  }
  const prompts: ParsedImport['prompts'] = [];
  const problems = [...raw.problems];
  for (const r of raw.rows) {
    const candidate = toCandidate(r.fields);
    const result = PromptInputSchema.safeParse(candidate);
    if (result.success) {
      prompts.push({ row: r.row, prompt: result.data });
      continue;
    }
    for (const issue of result.error.issues) {
      const field = String(issue.path[0] ?? 'row');
      problems.push({
        row: r.row,
        line: r.line,
        field,
        problem: issue.message,
        value: candidate[field] ?? null,
      });
    }
  }
  problems.sort((a, b) => a.row - b.row);
  return { prompts, problems, totalRows: total };
}

/** Maps a row's cells to PromptInput's keys: aliases, tag lists, numbers, extra columns. */
function toCandidate(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    const name = key === 'prompt' ? 'text' : key;
    if (value === '' || value === null || value === undefined) continue;
    if (KNOWN.includes(name)) out[name] = value;
    else extra[key] = value;
  }
  if (typeof out.tags === 'string') out.tags = splitTags(out.tags);
  if (typeof out.difficulty === 'string') out.difficulty = out.difficulty.trim().toLowerCase();
  if (typeof out.expected_length === 'string' && /^\s*\d+\s*$/.test(out.expected_length)) {
    out.expected_length = Number(out.expected_length);
  }
  if (Object.keys(extra).length > 0) {
    const own = out.metadata && typeof out.metadata === 'object' ? out.metadata : {};
    out.metadata = { ...extra, ...own };
  }
  return out;
}

function splitTags(value: string): unknown {
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value; // reported by the schema as "a list of text tags"
    }
  }
  return trimmed
    .split(/[;|,]/)
    .map((t) => t.trim())
    .filter(Boolean);
}

function readCsv(content: string): { rows: RawRow[]; problems: RowProblem[] } {
  let records: Array<{ record: string[]; info: { lines: number; empty_lines: number } }>;
  try {
    records = parse(content, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as typeof records;
  } catch (err) {
    if (err instanceof CsvError) {
      throw new UnreadableFileError(
        `The CSV cannot be read: ${err.message}`,
        typeof err.lines === 'number' ? err.lines : undefined,
      );
    }
    throw err;
  }
  const [header, ...data] = records;
  if (!header) return { rows: [], problems: [] };
  const columns = header.record.map((c) => c.trim().toLowerCase());
  if (!columns.includes('text') && !columns.includes('prompt')) {
    throw new UnreadableFileError(
      `The CSV header must name a "text" (or "prompt") column; found: ${columns.join(', ') || 'nothing'}`,
      1,
    );
  }
  const rows: RawRow[] = [];
  const problems: RowProblem[] = [];
  let previous = header.info;
  data.forEach(({ record, info }, index) => {
    // info.lines is the line a record ends on; it starts after the previous one and any
    // blank lines skipped in between (multi-line quoted cells make the difference).
    const line = previous.lines + 1 + (info.empty_lines - previous.empty_lines);
    previous = info;
    const row = index + 1;
    if (record.length !== columns.length) {
      problems.push({
        row,
        line,
        field: 'row',
        problem: `Has ${record.length} cells but the header has ${columns.length} columns (check for unquoted commas)`,
      });
      return;
    }
    rows.push({ row, line, fields: Object.fromEntries(columns.map((c, i) => [c, record[i]])) });
  });
  return { rows, problems };
}

function readJsonLines(content: string): { rows: RawRow[]; problems: RowProblem[] } {
  const rows: RawRow[] = [];
  const problems: RowProblem[] = [];
  let row = 0;
  content
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((text, index) => {
      if (text.trim() === '') return;
      row += 1;
      const line = index + 1;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        problems.push({ row, line, field: 'row', problem: `Not valid JSON: ${reason}` });
        return;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        problems.push({
          row,
          line,
          field: 'row',
          problem: 'Each line must be a JSON object such as {"text": "...", "tags": ["..."]}',
        });
        return;
      }
      const fields = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k.trim().toLowerCase(), v]),
      );
      rows.push({ row, line, fields });
    });
  return { rows, problems };
}
