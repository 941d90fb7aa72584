import type { Database } from '../../db/index.js';
import type { OwnerScope } from '../../lib/auth-context.js';
import { tagFilterSql } from '../experiments/experiment-aggregates.js';
import type { TunedParameter } from '../metrics/parameter-insights.js';

/*
 * The SQL fragments every analytics query shares: which responses count (the caller's,
 * completed, in the window, of the chosen models/tags/experiments) and the dialect-specific
 * expressions (JSON parameter extraction, UTC day, sampling hash). Only the analytics
 * repository uses them; services never see SQL.
 */

/** Which responses an analytics query covers. Dates are a half-open window [from, to). */
export interface AnalyticsFilter {
  scope: OwnerScope;
  from?: Date;
  to?: Date;
  models?: string[];
  /** Experiment tags (the spec's `experiment_types`): a response counts when its experiment has any. */
  tags?: string[];
  experimentIds?: number[];
}

export interface SqlParts {
  /** `FROM … JOIN …` */
  from: string;
  /** Conditions to AND together (never empty: completed responses only). */
  where: string[];
  replacements: Record<string, unknown>;
}

/**
 * FROM/WHERE over `table` (alias `alias`, with model and experiment_id columns) for a filter's
 * owner, models, experiments and tags — what both the raw rows and the rollups filter on. The
 * experiments join (ownership and tags live there) is left out when an admin asks without
 * tags: on a million rows that join is most of the work.
 */
export function scopeSql(
  db: Database,
  filter: AnalyticsFilter,
  table: string,
  alias: string,
): SqlParts {
  const where: string[] = [];
  const replacements: Record<string, unknown> = {};
  const needsExperiments = !filter.scope.isAdmin || (filter.tags?.length ?? 0) > 0;
  let from = `FROM ${table} ${alias}`;
  if (needsExperiments) from += ` JOIN experiments ON experiments.id = ${alias}.experiment_id`;
  if (!filter.scope.isAdmin) {
    where.push('experiments.user_id = :userId');
    replacements.userId = filter.scope.userId;
  }
  if (filter.models?.length) {
    where.push(`${alias}.model IN (:models)`);
    replacements.models = filter.models;
  }
  if (filter.experimentIds?.length) {
    where.push(`${alias}.experiment_id IN (:experimentIds)`);
    replacements.experimentIds = filter.experimentIds;
  }
  if (filter.tags?.length) {
    where.push(`(${filter.tags.map((tag) => tagFilterSql(db, tag)).join(' OR ')})`);
  }
  return { from, where, replacements };
}

/**
 * FROM/WHERE for a filter over completed responses `r` in its window.
 * `metrics: 'inner'` keeps scored responses only; `'left'` keeps unscored ones too (counts, cost).
 */
export function filterSql(
  db: Database,
  filter: AnalyticsFilter,
  metrics: 'inner' | 'left' | 'none',
): SqlParts {
  const parts = scopeSql(db, filter, 'responses', 'r');
  parts.where.unshift(`r.status = 'completed'`);
  if (metrics === 'inner') parts.from += ' JOIN quality_metrics q ON q.response_id = r.id';
  if (metrics === 'left') parts.from += ' LEFT JOIN quality_metrics q ON q.response_id = r.id';
  if (filter.from) {
    parts.where.push('r.created_at >= :from');
    parts.replacements.from = filter.from;
  }
  if (filter.to) {
    parts.where.push('r.created_at < :to');
    parts.replacements.to = filter.to;
  }
  return parts;
}

/**
 * A tuned parameter of r.parameters as a floating-point number, NULL when absent or not a
 * number. On PostgreSQL it is the stored generated column param_<name> (migration
 * 20261204000500), filled by the database from the JSON on write; elsewhere it is extracted
 * from the JSON here. `parameter` comes from the closed list TUNED_PARAMETERS, never from
 * user text.
 */
export function parameterSql(db: Database, parameter: TunedParameter): string {
  switch (db.dialect) {
    case 'postgres':
      return `r.param_${parameter}`;
    case 'mysql':
      return `(CASE WHEN JSON_TYPE(JSON_EXTRACT(r.parameters, '$.${parameter}')) IN ('INTEGER', 'DOUBLE', 'DECIMAL', 'UNSIGNED INTEGER') THEN CAST(JSON_VALUE(r.parameters, '$.${parameter}') AS DOUBLE) END)`;
    default:
      return `(CASE WHEN json_type(r.parameters, '$.${parameter}') IN ('integer', 'real') THEN json_extract(r.parameters, '$.${parameter}') END)`;
  }
}

/**
 * Appended to a derived table to keep the optimiser from merging it into the outer query:
 * merged, every reference to a computed column (a JSON extraction) is evaluated again, which
 * made a 30-sum aggregate parse each row's JSON 30 times on SQLite and MariaDB. PostgreSQL
 * reads stored columns instead (see parameterSql), so it needs no fence — and without one it
 * may run the aggregate with parallel workers.
 */
export function fenceSql(db: Database): string {
  switch (db.dialect) {
    case 'postgres':
      return '';
    case 'mysql':
      return 'LIMIT 18446744073709551615';
    default:
      return 'LIMIT -1';
  }
}

/** The prompt a response answered: its own override (metadata.prompt), else its experiment's. */
export function promptSql(db: Database): string {
  switch (db.dialect) {
    case 'postgres':
      return `COALESCE(r.metadata->>'prompt', experiments.prompt)`;
    case 'mysql':
      return `COALESCE(JSON_VALUE(r.metadata, '$.prompt'), experiments.prompt)`;
    default:
      return `COALESCE(json_extract(r.metadata, '$.prompt'), experiments.prompt)`;
  }
}

/**
 * What prompts are grouped by: an MD5 of the text on PostgreSQL and MariaDB (MariaDB compares
 * only the first max_sort_length bytes of TEXT in GROUP BY, which would merge long prompts that
 * share a beginning); SQLite, which has no MD5, groups by the full text.
 */
export function promptKeySql(db: Database, prompt: string): string {
  return db.dialect === 'sqlite' ? prompt : `MD5(${prompt})`;
}

/** `YYYY-MM-DD` of r.created_at in UTC, the same text on every dialect. */
export function daySql(db: Database): string {
  switch (db.dialect) {
    case 'postgres':
      return `to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
    case 'mysql':
      return `DATE_FORMAT(r.created_at, '%Y-%m-%d')`;
    default:
      // Sequelize stores "YYYY-MM-DD HH:MM:SS.SSS +00:00" (UTC) on SQLite.
      return `substr(r.created_at, 1, 10)`;
  }
}

/** The modulus of {@link sampleHashSql}: the Mersenne prime 2^31 − 1. */
export const SAMPLE_MODULUS = 2_147_483_647;

/**
 * A deterministic pseudo-random number in [0, 2^31 − 1) per response id: Fibonacci hashing
 * (id × ⌊φ·p⌋ mod p). Keeping rows whose hash is below p·k/n draws an even, repeatable sample
 * of about k rows without sorting all n; unlike `id % step` it does not alias with batches that
 * interleave models in a fixed cycle. Ids up to 2^32 stay inside 64-bit arithmetic.
 */
export function sampleHashSql(db: Database): string {
  const id = db.dialect === 'postgres' ? 'CAST(r.id AS BIGINT)' : 'r.id';
  return `((${id} * 1327217885) % ${SAMPLE_MODULUS})`;
}
