import type { Database } from '../../db/index.js';
import { selectRows } from '../../db/raw-query.js';
import type { OwnerScope } from '../../lib/auth-context.js';
import { jsonArrayContains, jsonArrayElements, jsonArrayLength } from './dataset-sql.js';
import type { DatasetsRepository } from './datasets.repository.js';

export interface SuggestionCriteria {
  category?: string | undefined;
  difficulty?: string | undefined;
  tags?: string[] | undefined;
}

/** Points a prompt earns per matched criterion (see PromptSuggestions for the ranking). */
export const MATCH_POINTS = { category: 4, tag: 2, difficulty: 1 } as const;

export type CandidateRow = Record<string, unknown> & { id: number; match_score: number };

/** Sum and count of overall quality over some of the caller's scored responses. */
export interface QualityTotals {
  sum: number;
  n: number;
}

/** SQL behind GET /api/prompts/suggest: candidate prompts and the caller's score history. */
export class PromptSuggestionsRepository {
  constructor(
    private readonly db: Database,
    private readonly datasets: DatasetsRepository,
  ) {}

  /**
   * Prompts of datasets the caller can see, with their match score, best first, at most
   * `cap`. The category is a filter; difficulty and tags only add points, but when they are
   * the only criteria a prompt must match at least one of them.
   */
  async candidates(
    scope: OwnerScope,
    criteria: SuggestionCriteria,
    cap: number,
  ): Promise<CandidateRow[]> {
    const effectiveCategory = 'COALESCE(p.category, d.category)';
    const points: string[] = [];
    if (criteria.category) points.push(`${MATCH_POINTS.category}`);
    if (criteria.difficulty) {
      points.push(
        `CASE WHEN p.difficulty = :difficulty THEN ${MATCH_POINTS.difficulty} ELSE 0 END`,
      );
    }
    for (const tag of criteria.tags ?? []) {
      points.push(
        `CASE WHEN ${jsonArrayContains(this.db, 'p.tags', tag)} THEN ${MATCH_POINTS.tag} ELSE 0 END`,
      );
    }
    const score = points.length ? points.join(' + ') : '0';
    const where = [this.datasets.visibleSql(scope)];
    if (criteria.category) where.push(`${effectiveCategory} = :category`);
    else if (points.length) where.push(`(${score}) > 0`);
    return selectRows<CandidateRow>(
      this.db,
      `SELECT p.id, p.dataset_id, p.text, p.tags, p.difficulty, ${effectiveCategory} AS category,
              p.expected_length, p.metadata, p.created_at, d.name AS dataset_name,
              (${score}) AS match_score
         FROM prompts p JOIN datasets d ON d.id = p.dataset_id
        WHERE ${where.join(' AND ')}
        ORDER BY match_score DESC, p.id ASC
        LIMIT ${Number(cap)}`,
      {
        replacements: {
          category: criteria.category ?? null,
          difficulty: criteria.difficulty ?? null,
        },
        json: ['tags', 'metadata'],
        dates: ['created_at'],
        numbers: ['match_score'],
      },
    );
  }

  /**
   * Per prompt text: the caller's scored responses to experiments with exactly that prompt.
   * Cells of multi-prompt dataset runs are left out: their backing experiment carries only
   * the first prompt's text, so counting them there would credit it with the others' scores.
   * Grouped by experiment in SQL and matched by text here, where equality is exact on every
   * dialect (MariaDB's default collation would compare texts case-insensitively).
   */
  async promptStats(userId: number): Promise<Map<string, QualityTotals>> {
    const rows = await selectRows<{ prompt: string; total: number; n: number }>(
      this.db,
      `SELECT MIN(e.prompt) AS prompt, SUM(q.overall_quality) AS total, COUNT(*) AS n
         FROM experiments e
         JOIN responses r ON r.experiment_id = e.id
         JOIN quality_metrics q ON q.response_id = r.id
        WHERE e.user_id = :userId AND q.overall_quality IS NOT NULL
          AND NOT EXISTS (
            SELECT 1 FROM dataset_runs dr
             WHERE dr.batch_experiment_id = r.batch_experiment_id
               AND ${jsonArrayLength(this.db, 'dr.prompts')} > 1)
        GROUP BY e.id`,
      { replacements: { userId }, numbers: ['total', 'n'] },
    );
    const byText = new Map<string, QualityTotals>();
    for (const row of rows) {
      const totals = byText.get(row.prompt) ?? { sum: 0, n: 0 };
      totals.sum += row.total;
      totals.n += row.n;
      byText.set(row.prompt, totals);
    }
    return byText;
  }

  /**
   * Per label (an experiment tag, lower-cased): the sum and count of overall quality over the
   * caller's scored responses in experiments carrying that tag.
   */
  async labelStats(userId: number): Promise<Map<string, QualityTotals>> {
    const rows = await selectRows<{ label: string; total: number; n: number }>(
      this.db,
      `SELECT LOWER(t.value) AS label, SUM(q.overall_quality) AS total, COUNT(*) AS n
         FROM experiments e
         ${jsonArrayElements(this.db, 'e.tags', 't')}
         JOIN responses r ON r.experiment_id = e.id
         JOIN quality_metrics q ON q.response_id = r.id
        WHERE e.user_id = :userId AND q.overall_quality IS NOT NULL
        GROUP BY LOWER(t.value)`,
      { replacements: { userId }, numbers: ['total', 'n'] },
    );
    return new Map(rows.map((r) => [String(r.label), { sum: r.total, n: r.n }]));
  }
}
