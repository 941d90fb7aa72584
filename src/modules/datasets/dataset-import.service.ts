import type { AuthContext } from '../../lib/auth-context.js';
import { ValidationError } from '../../lib/errors.js';
import { parseImport, UnreadableFileError, type RowProblem } from './dataset-import.js';
import type { ImportRequest } from './dataset-import.schemas.js';
import type { DatasetDto } from './datasets.dto.js';
import type { DatasetsService } from './datasets.service.js';

/** Problems listed in one answer; the count says how many there were in all. */
const MAX_LISTED_PROBLEMS = 100;

export interface ImportResult {
  dataset: DatasetDto;
  imported: number;
  skipped: number;
  errors: RowProblem[];
}

/**
 * Creates a dataset from a CSV or JSONL file. All or nothing by default: one invalid row and
 * nothing is written, with every problem listed by row, line and field; `skipInvalid` imports
 * the valid rows and reports the rest.
 */
export class DatasetImportService {
  constructor(private readonly datasets: DatasetsService) {}

  async import(auth: AuthContext, request: ImportRequest): Promise<ImportResult> {
    let parsed;
    try {
      parsed = parseImport(request.content, request.format);
    } catch (err) {
      if (!(err instanceof UnreadableFileError)) throw err;
      throw new ValidationError(err.message, {
        field: 'content',
        value: null,
        expected: `A readable ${request.format.toUpperCase()} file`,
        ...(err.line === undefined ? {} : { line: err.line }),
      });
    }
    const { prompts, problems, totalRows } = parsed;
    const invalidRows = new Set(problems.map((p) => p.row)).size;
    const report = {
      total_rows: totalRows,
      invalid_rows: invalidRows,
      error_count: problems.length,
      errors: problems.slice(0, MAX_LISTED_PROBLEMS),
      errors_truncated: problems.length > MAX_LISTED_PROBLEMS,
    };
    if (problems.length > 0 && !request.skipInvalid) {
      const first = problems[0]!;
      throw new ValidationError(
        `${invalidRows} of ${totalRows} rows are invalid, so nothing was imported (first: row ${first.row}, line ${first.line}, ${first.field}: ${first.problem}). Fix the rows listed in details.errors, or resend with skip_invalid=true to import only the valid rows.`,
        { field: 'content', value: null, expected: 'Every row valid', ...report },
      );
    }
    if (prompts.length === 0) {
      throw new ValidationError(`None of the ${totalRows} rows is valid; nothing was imported`, {
        field: 'content',
        value: null,
        expected: 'At least one valid row',
        ...report,
      });
    }
    const dataset = await this.datasets.create(auth, {
      name: request.name,
      description: request.description ?? null,
      category: request.category,
      public: request.public,
      metadata: {
        ...request.metadata,
        import: { format: request.format, total_rows: totalRows, skipped_rows: invalidRows },
      },
      prompts: prompts.map((p) => p.prompt),
    });
    return {
      dataset,
      imported: prompts.length,
      skipped: invalidRows,
      errors: report.errors,
    };
  }
}
