import { literal } from 'sequelize';
import type { Database } from '../../db/index.js';
import { searchAny } from '../../db/text-search.js';

/*
 * Aggregates over an experiment's responses, as correlated subqueries on the indexed
 * responses.experiment_id / quality_metrics.response_id. Computed from stored rows at read
 * time so they can never drift from the data; the database evaluates them only for the rows
 * it returns unless a list is sorted by one of them.
 */

const scored = `FROM responses r JOIN quality_metrics q ON q.response_id = r.id WHERE r.experiment_id = experiments.id`;

export const AGGREGATE_SQL = {
  response_count: `(SELECT COUNT(*) FROM responses r WHERE r.experiment_id = experiments.id)`,
  average_quality: `(SELECT AVG(q.overall_quality) ${scored})`,
  best_quality: `(SELECT MAX(q.overall_quality) ${scored})`,
  worst_quality: `(SELECT MIN(q.overall_quality) ${scored})`,
  total_cost: `(SELECT COALESCE(SUM(r.cost), 0) FROM responses r WHERE r.experiment_id = experiments.id)`,
  total_tokens: `(SELECT COALESCE(SUM(r.token_count), 0) FROM responses r WHERE r.experiment_id = experiments.id)`,
  average_response_time: `(SELECT AVG(r.response_time) FROM responses r WHERE r.experiment_id = experiments.id AND r.status = 'completed')`,
} as const;

export type AggregateName = keyof typeof AGGREGATE_SQL;

export const LIST_AGGREGATES: AggregateName[] = [
  'response_count',
  'average_quality',
  'best_quality',
  'total_cost',
];
export const DETAIL_AGGREGATES: AggregateName[] = Object.keys(AGGREGATE_SQL) as AggregateName[];

export function aggregateAttributes(
  names: AggregateName[],
): [ReturnType<typeof literal>, string][] {
  return names.map((name) => [literal(AGGREGATE_SQL[name]), name]);
}

/** `tags` contains `tag` — JSON array membership differs on each dialect. */
export function tagFilterSql(db: Database, tag: string): string {
  const quoted = db.sequelize.escape(tag);
  switch (db.dialect) {
    case 'postgres':
      return `(experiments.tags::jsonb ? ${quoted})`;
    case 'mysql':
      return `JSON_CONTAINS(experiments.tags, JSON_QUOTE(${quoted}))`;
    default:
      return `EXISTS (SELECT 1 FROM json_each(experiments.tags) WHERE json_each.value = ${quoted})`;
  }
}

const SEARCH_COLUMNS = ['name', 'description', 'prompt'];

/** Case-insensitive substring match on name, description and prompt, identical on all dialects. */
export function searchSql(db: Database, term: string): string {
  return searchAny(
    db,
    SEARCH_COLUMNS.map((column) => `experiments.${column}`),
    term,
  );
}
