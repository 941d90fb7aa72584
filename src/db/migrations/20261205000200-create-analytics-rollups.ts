import { DataTypes, type QueryInterface } from 'sequelize';

/*
 * Pre-aggregated analytics (src/modules/analytics/rollups.ts reads and rebuilds them):
 *
 * - analytics_rollups: per (experiment, UTC day, model) the completed responses, Σcost, the
 *   count and Σ of response_time, and per quality metric its count, Σ and Σ².
 * - analytics_parameter_rollups: per (experiment, day, model, tuned parameter, rounded value)
 *   over the scored responses, per metric n, Σx, Σx², Σy, Σy², Σxy.
 * - analytics_parameter_user_rollups: the same sums per (user, day, model, parameter, value),
 *   added up over the user's experiments: what parameter analysis and the dashboard read when
 *   no tag filter needs the experiments (a user's parameter sums for a month are tens of
 *   thousands of rows per experiment, a few thousand per user).
 * - analytics_dirty_user_days: (user, day) slices of the user rollups to recompute; written by
 *   experiment rebuilds and by a trigger on experiment deletion (whose per-experiment rollups
 *   simply cascade away).
 * - analytics_dirty_experiments: experiments whose rollups may be stale. Database triggers on
 *   responses and quality_metrics add the experiment on every insert, update and delete, in
 *   the writer's own transaction, so every write path (API, workers, other processes, raw SQL)
 *   marks it and no application code has to remember. The writer also takes a shared lock
 *   on the mark, so a rebuild never deletes a mark whose write is still uncommitted (it skips
 *   locked marks and leaves them for the next read).
 *
 * Nothing is backfilled here: every existing experiment is marked dirty, and the first
 * analytics read (or `npm run seed:bench`) rebuilds them. The rollup SQL belongs to the
 * application; a migration must not change when it does.
 *
 * Deleting an experiment deletes its rollups (ON DELETE CASCADE). On SQLite, a later
 * migration that rebuilds `responses` or `quality_metrics` (Sequelize's changeColumn) drops
 * these triggers and must create them again.
 */

/** Mirrors METRIC_COLUMNS and TUNED_PARAMETERS at the time of writing. */
const METRICS = [
  'overall_quality',
  'coherence_score',
  'creativity_score',
  'readability_score',
  'completeness_score',
  'factual_accuracy',
  'relevance_score',
  'engagement_score',
  'technical_depth',
];

const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false };
const count = { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 };
const sum = { type: DataTypes.DOUBLE, allowNull: true };
const experiment = {
  type: DataTypes.INTEGER,
  allowNull: false,
  references: { model: 'experiments', key: 'id' },
  onDelete: 'CASCADE',
  onUpdate: 'CASCADE',
};
const key = {
  experiment_id: experiment,
  day: { type: DataTypes.STRING(10), allowNull: false },
  model: { type: DataTypes.STRING(128), allowNull: true },
};

const DIRTY = 'analytics_dirty_experiments';
const DIRTY_DAYS = 'analytics_dirty_user_days';
const SAMPLE_INDEX = 'responses_model_sample_hash';

/** Trigger name → (table, event). */
const TRIGGERS = [
  ['analytics_dirty_responses_insert', 'responses', 'INSERT'],
  ['analytics_dirty_responses_update', 'responses', 'UPDATE'],
  ['analytics_dirty_responses_delete', 'responses', 'DELETE'],
  ['analytics_dirty_metrics_insert', 'quality_metrics', 'INSERT'],
  ['analytics_dirty_metrics_update', 'quality_metrics', 'UPDATE'],
  ['analytics_dirty_metrics_delete', 'quality_metrics', 'DELETE'],
] as const;

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('analytics_rollups', {
    id,
    ...key,
    responses: count,
    cost: { type: DataTypes.DECIMAL(20, 6), allowNull: true },
    response_time_n: count,
    response_time_sum: sum,
    ...Object.fromEntries(
      METRICS.flatMap((m) => [
        [`${m}_n`, count],
        [`${m}_sum`, sum],
        [`${m}_sq`, sum],
      ]),
    ),
  });
  await qi.addIndex('analytics_rollups', ['experiment_id', 'day'], {
    name: 'analytics_rollups_experiment_day',
  });
  await qi.addIndex('analytics_rollups', ['day'], { name: 'analytics_rollups_day' });

  await qi.createTable('analytics_parameter_rollups', {
    id,
    ...key,
    parameter: { type: DataTypes.STRING(32), allowNull: false },
    bucket: { type: DataTypes.DOUBLE, allowNull: false },
    ...Object.fromEntries(
      METRICS.flatMap((m) => [
        [`${m}_n`, count],
        ...['sx', 'sxx', 'sy', 'syy', 'sxy'].map((s) => [`${m}_${s}`, sum]),
      ]),
    ),
  });
  await qi.addIndex('analytics_parameter_rollups', ['experiment_id', 'day'], {
    name: 'analytics_parameter_rollups_experiment_day',
  });
  await qi.addIndex('analytics_parameter_rollups', ['parameter', 'day'], {
    name: 'analytics_parameter_rollups_parameter_day',
  });
  // Recomputing a user's day slices reads the experiment rollups of those days.
  await qi.addIndex('analytics_parameter_rollups', ['day'], {
    name: 'analytics_parameter_rollups_day',
  });

  await qi.createTable('analytics_parameter_user_rollups', {
    id,
    user_id: { ...experiment, references: { model: 'users', key: 'id' } },
    day: key.day,
    model: key.model,
    parameter: { type: DataTypes.STRING(32), allowNull: false },
    bucket: { type: DataTypes.DOUBLE, allowNull: false },
    ...Object.fromEntries(
      METRICS.flatMap((m) => [
        [`${m}_n`, count],
        ...['sx', 'sxx', 'sy', 'syy', 'sxy'].map((s) => [`${m}_${s}`, sum]),
      ]),
    ),
  });
  await qi.addIndex('analytics_parameter_user_rollups', ['user_id', 'parameter', 'day'], {
    name: 'analytics_parameter_user_rollups_user_parameter_day',
  });
  await qi.addIndex('analytics_parameter_user_rollups', ['parameter', 'day'], {
    name: 'analytics_parameter_user_rollups_parameter_day',
  });
  if (qi.sequelize.getDialect() === 'postgres') {
    // The dashboard's parameter insights read only the overall-quality sums: an index-only
    // scan of this covering index instead of the wide rows.
    await qi.sequelize.query(
      `CREATE INDEX analytics_parameter_user_rollups_quality ON analytics_parameter_user_rollups
         (user_id, day) INCLUDE (parameter, model, bucket, overall_quality_n, overall_quality_sx,
         overall_quality_sxx, overall_quality_sy, overall_quality_syy, overall_quality_sxy)`,
    );
  }
  await qi.createTable(DIRTY_DAYS, {
    user_id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
    day: { type: DataTypes.STRING(10), primaryKey: true, allowNull: false },
  });

  // No foreign key: a mark may outlive its experiment (cascaded deletes), rebuilds drop it.
  await qi.createTable(DIRTY, {
    experiment_id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
  });

  const dialect = qi.sequelize.getDialect();
  for (const sql of dialect === 'postgres'
    ? postgresTriggers()
    : dialect === 'mysql' || dialect === 'mariadb'
      ? mysqlTriggers()
      : sqliteTriggers()) {
    await qi.sequelize.query(sql);
  }
  for (const sql of experimentDeleteTrigger(dialect)) await qi.sequelize.query(sql);
  // The model comparison's rank-test sample: per model, the responses with the smallest
  // hash (src/modules/analytics/analytics-sql.ts sampleHashSql, the same expression).
  // PostgreSQL only: MariaDB cannot index an expression over an AUTO_INCREMENT column, and an
  // expression index on SQLite breaks Sequelize's describeTable (which later migrations use).
  if (dialect === 'postgres') {
    await qi.sequelize.query(
      `CREATE INDEX ${SAMPLE_INDEX} ON responses (model, ((CAST(id AS BIGINT) * 1327217885) % 2147483647))`,
    );
  }
  await qi.sequelize.query(`INSERT INTO ${DIRTY} (experiment_id) SELECT id FROM experiments`);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  const dialect = qi.sequelize.getDialect();
  for (const [name, table] of TRIGGERS) {
    await qi.sequelize.query(
      dialect === 'postgres'
        ? `DROP TRIGGER IF EXISTS ${name} ON ${table}`
        : `DROP TRIGGER IF EXISTS ${name}`,
    );
  }
  await qi.sequelize.query(
    dialect === 'postgres'
      ? `DROP TRIGGER IF EXISTS ${EXPERIMENT_TRIGGER} ON experiments`
      : `DROP TRIGGER IF EXISTS ${EXPERIMENT_TRIGGER}`,
  );
  if (dialect === 'postgres') {
    for (const fn of [...PG_FUNCTIONS, EXPERIMENT_TRIGGER]) {
      await qi.sequelize.query(`DROP FUNCTION IF EXISTS ${fn}()`);
    }
  }
  if (dialect === 'postgres') await qi.sequelize.query(`DROP INDEX IF EXISTS ${SAMPLE_INDEX}`);
  await qi.dropTable(DIRTY);
  await qi.dropTable(DIRTY_DAYS);
  await qi.dropTable('analytics_parameter_user_rollups');
  await qi.dropTable('analytics_parameter_rollups');
  await qi.dropTable('analytics_rollups');
}

const EXPERIMENT_TRIGGER = 'analytics_dirty_experiment_delete';

/**
 * Before an experiment is deleted, the (user, day) slices its rollups contributed to are
 * marked: its own rollups cascade away, the user rollups must be recomputed without it.
 */
function experimentDeleteTrigger(dialect: string): string[] {
  const select = `SELECT DISTINCT OLD.user_id, day FROM analytics_rollups WHERE experiment_id = OLD.id AND OLD.user_id IS NOT NULL`;
  if (dialect === 'postgres') {
    return [
      `CREATE FUNCTION ${EXPERIMENT_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO ${DIRTY_DAYS} (user_id, day) ${select} ON CONFLICT DO NOTHING;
        RETURN OLD;
      END $$`,
      `CREATE TRIGGER ${EXPERIMENT_TRIGGER} BEFORE DELETE ON experiments
        FOR EACH ROW EXECUTE FUNCTION ${EXPERIMENT_TRIGGER}()`,
    ];
  }
  const insert = dialect === 'sqlite' ? 'INSERT OR IGNORE' : 'INSERT IGNORE';
  return [
    `CREATE TRIGGER ${EXPERIMENT_TRIGGER} BEFORE DELETE ON experiments FOR EACH ROW BEGIN ${insert} INTO ${DIRTY_DAYS} (user_id, day) ${select}; END`,
  ];
}

/** The experiment of a changed row, as SQL over `row` (NEW or OLD). */
function experimentOf(table: string, row: string): string {
  return table === 'responses'
    ? `${row}.experiment_id`
    : `(SELECT experiment_id FROM responses WHERE id = ${row}.response_id)`;
}

function sqliteTriggers(): string[] {
  return TRIGGERS.map(([name, table, event]) => {
    const rows = event === 'INSERT' ? ['NEW'] : event === 'DELETE' ? ['OLD'] : ['NEW', 'OLD'];
    const body = rows
      .map(
        (row) =>
          `INSERT OR IGNORE INTO ${DIRTY} (experiment_id) SELECT e FROM (SELECT ${experimentOf(table, row)} AS e) WHERE e IS NOT NULL;`,
      )
      .join(' ');
    return `CREATE TRIGGER ${name} AFTER ${event} ON ${table} FOR EACH ROW BEGIN ${body} END`;
  });
}

/**
 * InnoDB: INSERT IGNORE on an existing mark takes a shared lock on it until the writer
 * commits, which is what keeps a rebuild (SELECT … FOR UPDATE SKIP LOCKED) away from it.
 * FK cascades fire no triggers on MariaDB; a deleted experiment's rollups go by cascade.
 */
function mysqlTriggers(): string[] {
  return TRIGGERS.map(([name, table, event]) => {
    const rows = event === 'INSERT' ? ['NEW'] : event === 'DELETE' ? ['OLD'] : ['NEW', 'OLD'];
    const body = rows
      .map(
        (row) =>
          `INSERT IGNORE INTO ${DIRTY} (experiment_id) SELECT e FROM (SELECT ${experimentOf(table, row)} AS e) marked WHERE e IS NOT NULL;`,
      )
      .join(' ');
    return `CREATE TRIGGER ${name} AFTER ${event} ON ${table} FOR EACH ROW BEGIN ${body} END`;
  });
}

const PG_FUNCTIONS = [
  'analytics_mark_responses',
  'analytics_mark_responses_update',
  'analytics_mark_metrics',
  'analytics_mark_metrics_update',
];

/**
 * PostgreSQL: statement-level triggers over transition tables, so a bulk insert of thousands
 * of rows marks each experiment once. Experiments being deleted in the same statement are
 * skipped (their rollups go by cascade; a mark would only wait on the deleting transaction).
 * The marks are taken FOR SHARE: a rebuild's FOR UPDATE SKIP LOCKED leaves them alone until
 * the writer commits.
 */
function postgresTriggers(): string[] {
  const fn = (name: string, experiments: string) =>
    `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       INSERT INTO ${DIRTY} (experiment_id)
         SELECT DISTINCT x.e FROM (${experiments}) x
          WHERE x.e IS NOT NULL AND EXISTS (SELECT 1 FROM experiments WHERE id = x.e)
          ORDER BY x.e
       ON CONFLICT (experiment_id) DO NOTHING;
       PERFORM 1 FROM ${DIRTY} d WHERE d.experiment_id IN (${experiments})
         ORDER BY d.experiment_id FOR SHARE;
       RETURN NULL;
     END $$`;
  const responses = (t: string) => `SELECT experiment_id AS e FROM ${t}`;
  const metrics = (t: string) =>
    `SELECT r.experiment_id AS e FROM ${t} c JOIN responses r ON r.id = c.response_id`;
  const statements = [
    fn('analytics_mark_responses', responses('changed_rows')),
    fn(
      'analytics_mark_responses_update',
      `${responses('changed_rows')} UNION ${responses('old_rows')}`,
    ),
    fn('analytics_mark_metrics', metrics('changed_rows')),
    fn('analytics_mark_metrics_update', `${metrics('changed_rows')} UNION ${metrics('old_rows')}`),
  ];
  for (const [name, table, event] of TRIGGERS) {
    const base = table === 'responses' ? 'analytics_mark_responses' : 'analytics_mark_metrics';
    const referencing =
      event === 'INSERT'
        ? 'NEW TABLE AS changed_rows'
        : event === 'DELETE'
          ? 'OLD TABLE AS changed_rows'
          : 'OLD TABLE AS old_rows NEW TABLE AS changed_rows';
    statements.push(
      `CREATE TRIGGER ${name} AFTER ${event} ON ${table} REFERENCING ${referencing}
       FOR EACH STATEMENT EXECUTE FUNCTION ${event === 'UPDATE' ? `${base}_update` : base}()`,
    );
  }
  return statements;
}
