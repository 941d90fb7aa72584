import { z } from 'zod';
import { queryEnum, queryString } from '../../lib/query-params.js';
import { IMPORT_FORMATS } from './dataset-import.js';
import { CategorySchema } from './datasets.schemas.js';

/** Content types accepted as a raw file body, and the format each one means. */
export const RAW_IMPORT_TYPES: Record<string, (typeof IMPORT_FORMATS)[number] | undefined> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/x-jsonlines': 'jsonl',
  'application/jsonlines': 'jsonl',
  // Plain text says nothing about the format: ?format= must.
  'text/plain': undefined,
};

/** Largest raw file body (JSON bodies keep the API-wide 1 MB limit). */
export const RAW_IMPORT_LIMIT = '10mb';

const FORMAT_HINT = `One of: ${IMPORT_FORMATS.join(', ')}`;
const NAME_HINT = 'A name for the new dataset (text, 1-255 characters)';

const queryBool = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
  z
    .enum(['true', 'false', '1', '0'], { error: 'true or false' })
    .transform((v) => v === 'true' || v === '1')
    .optional(),
);

/** The new dataset's fields, shared by the JSON body and the query of a raw upload. */
const meta = {
  name: z.string({ error: NAME_HINT }).trim().min(1, NAME_HINT).max(255, NAME_HINT),
  description: z.string({ error: 'Text' }).max(10_000, 'At most 10000 characters').optional(),
  category: CategorySchema,
};

/** JSON body: the file's text in `content`. */
export const ImportJsonBodySchema = z.strictObject({
  ...meta,
  public: z.boolean({ error: 'true or false' }).default(false),
  metadata: z.record(z.string(), z.unknown(), { error: 'A JSON object' }).optional(),
  format: z.enum(IMPORT_FORMATS, { error: FORMAT_HINT }),
  content: z
    .string({ error: 'The file contents as text' })
    .min(1, 'The file contents as text (empty here)'),
  skip_invalid: z
    .boolean({ error: 'true or false' })
    .default(false)
    .describe('Import the valid rows and report the invalid ones instead of importing nothing'),
});

/** The body is either the JSON document above or the raw file (a string). */
export const ImportBodySchema = z.union([ImportJsonBodySchema, z.string()], {
  error:
    'Send JSON {name, category, format, content} with Content-Type application/json, or the file itself as text/csv or application/x-ndjson with ?name=&category=',
});

/** Query of POST /datasets/import; required for a raw upload, optional with a JSON body. */
export const ImportQuerySchema = z.object({
  name: queryString(255),
  description: queryString(10_000),
  category: queryString(64),
  public: queryBool,
  format: queryEnum(IMPORT_FORMATS),
  skip_invalid: queryBool,
});

/** What a raw upload's query must hold. */
export const RawImportMetaSchema = z.object({
  ...meta,
  public: z.boolean().default(false),
  format: z.enum(IMPORT_FORMATS, {
    error: `${FORMAT_HINT} (the Content-Type did not say; add ?format=)`,
  }),
  skip_invalid: z.boolean().default(false),
});

export interface ImportRequest {
  name: string;
  description?: string | undefined;
  category: string;
  public: boolean;
  metadata?: Record<string, unknown> | undefined;
  format: (typeof IMPORT_FORMATS)[number];
  content: string;
  skipInvalid: boolean;
}
