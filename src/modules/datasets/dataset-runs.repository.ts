import type { Database } from '../../db/index.js';
import { parseJsonValue } from '../../db/json-column.js';
import { selectRows } from '../../db/raw-query.js';
import type { OwnerScope } from '../../lib/auth-context.js';
import { jsonArrayContainsAny } from './dataset-sql.js';
import type { PromptFilter } from './dataset-run.schemas.js';

/** A prompt as a run received it; its position in the list is its `prompt_index`. */
export interface RunPrompt {
  prompt_id: number;
  text: string;
  category: string | null;
  difficulty: string;
  tags: string[];
}

export interface RunRow {
  id: number;
  dataset_id: number;
  batch_experiment_id: number;
  user_id: number | null;
  prompts: RunPrompt[];
  filters: Record<string, unknown> | null;
  created_at: Date;
}

/** Per batch combination: response counts and quality sums (combined exactly by the caller). */
export interface CombinationStats {
  combination_id: number;
  responses: number;
  completed: number;
  failed: number;
  scored: number;
  quality_sum: number;
  quality_min: number | null;
  quality_max: number | null;
  cost: number;
}

/** Prompt selection for runs, the record of each run, and the per-combination results. */
export class DatasetRunsRepository {
  constructor(private readonly db: Database) {}

  /** The dataset's prompts matching `filter`, lowest id first, at most `filter.limit`. */
  async selectPrompts(datasetId: number, filter: PromptFilter): Promise<RunPrompt[]> {
    const where = ['p.dataset_id = :datasetId'];
    if (filter.category) where.push('COALESCE(p.category, d.category) = :category');
    if (filter.difficulty?.length) where.push('p.difficulty IN (:difficulty)');
    if (filter.tags?.length) where.push(jsonArrayContainsAny(this.db, 'p.tags', filter.tags));
    if (filter.prompt_ids?.length) where.push('p.id IN (:ids)');
    const rows = await selectRows<Record<string, unknown>>(
      this.db,
      `SELECT p.id, p.text, COALESCE(p.category, d.category) AS category, p.difficulty, p.tags
         FROM prompts p JOIN datasets d ON d.id = p.dataset_id
        WHERE ${where.join(' AND ')}
        ORDER BY p.id ASC
        ${filter.limit ? `LIMIT ${Number(filter.limit)}` : ''}`,
      {
        replacements: {
          datasetId,
          category: filter.category ?? null,
          difficulty: filter.difficulty ?? [],
          ids: filter.prompt_ids ?? [],
        },
        json: ['tags'],
      },
    );
    return rows.map((r) => ({
      prompt_id: Number(r.id),
      text: String(r.text),
      category: (r.category as string | null) ?? null,
      difficulty: String(r.difficulty),
      tags: Array.isArray(r.tags) ? (r.tags as string[]) : [],
    }));
  }

  async record(run: Omit<RunRow, 'id' | 'created_at'>): Promise<RunRow> {
    const row = await this.db.models.DatasetRun.create(run);
    return this.plain(row.get({ plain: true }) as Record<string, unknown>);
  }

  /** The run of `batchId` on `datasetId`, if the caller started it (admins: anyone's). */
  async find(scope: OwnerScope, datasetId: number, batchId: number): Promise<RunRow | undefined> {
    const row = await this.db.models.DatasetRun.findOne({
      where: {
        dataset_id: datasetId,
        batch_experiment_id: batchId,
        ...(scope.isAdmin ? {} : { user_id: scope.userId }),
      },
    });
    return row ? this.plain(row.get({ plain: true }) as Record<string, unknown>) : undefined;
  }

  /** The caller's runs of a dataset (admins: everyone's), newest first. */
  async list(scope: OwnerScope, datasetId: number): Promise<RunRow[]> {
    const rows = await this.db.models.DatasetRun.findAll({
      where: { dataset_id: datasetId, ...(scope.isAdmin ? {} : { user_id: scope.userId }) },
      order: [['id', 'DESC']],
      limit: 100,
    });
    return rows.map((r) => this.plain(r.get({ plain: true }) as Record<string, unknown>));
  }

  async combinationStats(batchId: number): Promise<CombinationStats[]> {
    return selectRows<CombinationStats & Record<string, unknown>>(
      this.db,
      `SELECT r.combination_id,
              COUNT(*) AS responses,
              SUM(CASE WHEN r.status = 'completed' THEN 1 ELSE 0 END) AS completed,
              SUM(CASE WHEN r.status = 'failed' THEN 1 ELSE 0 END) AS failed,
              COUNT(q.overall_quality) AS scored,
              COALESCE(SUM(q.overall_quality), 0) AS quality_sum,
              MIN(q.overall_quality) AS quality_min,
              MAX(q.overall_quality) AS quality_max,
              COALESCE(SUM(r.cost), 0) AS cost
         FROM responses r
         LEFT JOIN quality_metrics q ON q.response_id = r.id AND r.status = 'completed'
        WHERE r.batch_experiment_id = :batchId
        GROUP BY r.combination_id`,
      {
        replacements: { batchId },
        numbers: [
          'combination_id',
          'responses',
          'completed',
          'failed',
          'scored',
          'quality_sum',
          'quality_min',
          'quality_max',
          'cost',
        ],
      },
    );
  }

  private plain(row: Record<string, unknown>): RunRow {
    return {
      id: Number(row.id),
      dataset_id: Number(row.dataset_id),
      batch_experiment_id: Number(row.batch_experiment_id),
      user_id: row.user_id === null ? null : Number(row.user_id),
      prompts: (parseJsonValue(row.prompts) as RunPrompt[]) ?? [],
      filters: (parseJsonValue(row.filters) as Record<string, unknown> | null) ?? null,
      created_at: row.created_at as Date,
    };
  }
}
