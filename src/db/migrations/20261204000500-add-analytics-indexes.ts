import type { QueryInterface } from 'sequelize';

/*
 * What the analytics aggregates (src/modules/analytics) need to stay one cheap pass:
 *
 * Indexes, on every dialect:
 * - responses (status, created_at): every analytics query filters completed responses in a
 *   time window; with status first, a window of a large table is one index range scan.
 * - responses (model, created_at): model-filtered windows (parameter analysis for one model,
 *   the dashboard's `models` filter, model comparison).
 * - quality_metrics (response_id, overall_quality): the join from responses to their scores
 *   that the dashboard reads can be answered from the index alone (PostgreSQL index-only
 *   scan, InnoDB covering index), without visiting the wide metrics rows.
 *
 * On PostgreSQL only, the tuned parameters as stored generated columns (param_temperature…):
 * `->>` on a json column re-parses the whole document on every call, which made JSON
 * extraction most of the cost of a parameter analysis over a million responses. The database
 * fills them on every insert and update, so no write path changes. SQLite and MariaDB keep
 * extracting at read time: SQLite can only add VIRTUAL generated columns (no saving), and its
 * table-rebuilding ALTERs in later migrations would trip over generated columns.
 */
const INDEXES: { table: string; fields: string[]; name: string }[] = [
  { table: 'responses', fields: ['status', 'created_at'], name: 'responses_status_created_at' },
  { table: 'responses', fields: ['model', 'created_at'], name: 'responses_model_created_at' },
  {
    table: 'quality_metrics',
    fields: ['response_id', 'overall_quality'],
    name: 'quality_metrics_response_overall',
  },
];

/** Mirrors TUNED_PARAMETERS (a migration must not change when application code does). */
const PARAMETERS = ['temperature', 'top_p', 'max_tokens', 'frequency_penalty', 'presence_penalty'];

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const index of INDEXES) {
    await qi.addIndex(index.table, index.fields, { name: index.name });
  }
  if (qi.sequelize.getDialect() === 'postgres') {
    // One ALTER: the table is rewritten once, not once per column.
    const columns = PARAMETERS.map(
      (p) =>
        `ADD COLUMN param_${p} double precision GENERATED ALWAYS AS (CASE WHEN json_typeof(parameters->'${p}') = 'number' THEN (parameters->>'${p}')::double precision END) STORED`,
    );
    await qi.sequelize.query(`ALTER TABLE responses ${columns.join(', ')}`);
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  if (qi.sequelize.getDialect() === 'postgres') {
    await qi.sequelize.query(
      `ALTER TABLE responses ${PARAMETERS.map((p) => `DROP COLUMN param_${p}`).join(', ')}`,
    );
  }
  for (const index of [...INDEXES].reverse()) await qi.removeIndex(index.table, index.name);
}
