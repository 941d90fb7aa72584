import { DataTypes, type QueryInterface } from 'sequelize';

/*
 * The seven tables of the spec, with the columns later features need (API-key hash, user
 * defaults, batch links on responses). Enumerations are short strings checked by the
 * application rather than database ENUM types: PostgreSQL ENUMs need ALTER TYPE for every new
 * value and behave differently on each dialect, while a string column migrates the same way
 * on SQLite, PostgreSQL and MariaDB.
 */

const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false };
// Millisecond precision everywhere (MariaDB's DATETIME drops it by default), so ordering by
// time is stable within a second.
const date = (allowNull: boolean) => ({ type: DataTypes.DATE(3), allowNull });
const createdAt = date(false);
const updatedAt = date(false);
const fk = (table: string, onDelete: 'CASCADE' | 'SET NULL', allowNull = true) => ({
  type: DataTypes.INTEGER,
  allowNull,
  references: { model: table, key: 'id' },
  onDelete,
  onUpdate: 'CASCADE',
});

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('users', {
    id,
    username: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    email: { type: DataTypes.STRING(255), allowNull: false, unique: true },
    password_hash: { type: DataTypes.STRING(255), allowNull: false },
    full_name: { type: DataTypes.STRING(255), allowNull: true },
    role: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'user' },
    // A non-secret prefix of the current key so people can tell keys apart; the key itself
    // is never stored, only its SHA-256 in api_key_hash.
    api_key: { type: DataTypes.STRING(32), allowNull: true },
    api_key_hash: { type: DataTypes.STRING(64), allowNull: true, unique: true },
    api_key_created_at: date(true),
    preferences: { type: DataTypes.JSON, allowNull: true },
    default_provider: { type: DataTypes.STRING(64), allowNull: true },
    default_model: { type: DataTypes.STRING(128), allowNull: true },
    last_login_at: date(true),
    created_at: createdAt,
    updated_at: updatedAt,
  });

  await qi.createTable('experiments', {
    id,
    name: { type: DataTypes.STRING(255), allowNull: false },
    description: { type: DataTypes.TEXT, allowNull: true },
    prompt: { type: DataTypes.TEXT, allowNull: false },
    provider: { type: DataTypes.STRING(64), allowNull: true },
    model: { type: DataTypes.STRING(128), allowNull: false },
    parameters: { type: DataTypes.JSON, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'pending' },
    user_id: fk('users', 'CASCADE'),
    response_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    tags: { type: DataTypes.JSON, allowNull: true },
    metadata: { type: DataTypes.JSON, allowNull: true },
    created_at: createdAt,
    updated_at: updatedAt,
  });
  await qi.addIndex('experiments', ['user_id', 'created_at']);
  await qi.addIndex('experiments', ['user_id', 'updated_at']);
  await qi.addIndex('experiments', ['created_at']);
  await qi.addIndex('experiments', ['updated_at']);
  await qi.addIndex('experiments', ['status']);
  await qi.addIndex('experiments', ['model']);
  await qi.addIndex('experiments', ['name']);
  await qi.addIndex('experiments', ['response_count']);

  await qi.createTable('batch_experiments', {
    id,
    name: { type: DataTypes.STRING(255), allowNull: true },
    description: { type: DataTypes.TEXT, allowNull: true },
    prompt: { type: DataTypes.TEXT, allowNull: true },
    provider: { type: DataTypes.STRING(64), allowNull: true },
    model: { type: DataTypes.STRING(128), allowNull: true },
    parameter_ranges: { type: DataTypes.JSON, allowNull: true },
    base_parameters: { type: DataTypes.JSON, allowNull: true },
    iterations_per_combination: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    total_combinations: { type: DataTypes.INTEGER, allowNull: true },
    completed_combinations: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    failed_combinations: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'queued' },
    priority: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'normal' },
    user_id: fk('users', 'CASCADE'),
    experiment_id: fk('experiments', 'SET NULL'),
    results_summary: { type: DataTypes.JSON, allowNull: true },
    insights: { type: DataTypes.JSON, allowNull: true },
    estimated_cost: { type: DataTypes.DECIMAL(12, 6), allowNull: true },
    estimated_completion: date(true),
    started_at: date(true),
    completed_at: date(true),
    created_at: createdAt,
    updated_at: updatedAt,
  });
  await qi.addIndex('batch_experiments', ['user_id', 'created_at']);
  await qi.addIndex('batch_experiments', ['status']);
  await qi.addIndex('batch_experiments', ['created_at']);

  await qi.createTable('responses', {
    id,
    experiment_id: fk('experiments', 'CASCADE'),
    batch_experiment_id: fk('batch_experiments', 'SET NULL'),
    combination_id: { type: DataTypes.INTEGER, allowNull: true },
    iteration: { type: DataTypes.INTEGER, allowNull: true },
    content: { type: DataTypes.TEXT, allowNull: false },
    provider: { type: DataTypes.STRING(64), allowNull: true },
    model: { type: DataTypes.STRING(128), allowNull: true },
    parameters: { type: DataTypes.JSON, allowNull: true },
    response_time: { type: DataTypes.FLOAT, allowNull: true },
    cost: { type: DataTypes.DECIMAL(10, 6), allowNull: true },
    token_count: { type: DataTypes.INTEGER, allowNull: true },
    prompt_tokens: { type: DataTypes.INTEGER, allowNull: true },
    completion_tokens: { type: DataTypes.INTEGER, allowNull: true },
    finish_reason: { type: DataTypes.STRING(32), allowNull: true },
    cached: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'pending' },
    error_message: { type: DataTypes.TEXT, allowNull: true },
    metadata: { type: DataTypes.JSON, allowNull: true },
    created_at: createdAt,
    updated_at: updatedAt,
  });
  await qi.addIndex('responses', ['experiment_id', 'created_at']);
  await qi.addIndex('responses', ['experiment_id', 'response_time']);
  await qi.addIndex('responses', ['batch_experiment_id', 'combination_id']);
  await qi.addIndex('responses', ['created_at']);
  await qi.addIndex('responses', ['model']);
  await qi.addIndex('responses', ['status']);

  await qi.createTable('quality_metrics', {
    id,
    // One current score set per response: re-scoring replaces it (calculation_method says how).
    response_id: { ...fk('responses', 'CASCADE', false), unique: true },
    overall_quality: { type: DataTypes.FLOAT, allowNull: true },
    coherence_score: { type: DataTypes.FLOAT, allowNull: true },
    creativity_score: { type: DataTypes.FLOAT, allowNull: true },
    readability_score: { type: DataTypes.FLOAT, allowNull: true },
    completeness_score: { type: DataTypes.FLOAT, allowNull: true },
    factual_accuracy: { type: DataTypes.FLOAT, allowNull: true },
    relevance_score: { type: DataTypes.FLOAT, allowNull: true },
    engagement_score: { type: DataTypes.FLOAT, allowNull: true },
    technical_depth: { type: DataTypes.FLOAT, allowNull: true },
    detailed_analysis: { type: DataTypes.JSON, allowNull: true },
    calculation_method: { type: DataTypes.STRING(32), allowNull: true },
    processing_time: { type: DataTypes.FLOAT, allowNull: true },
    created_at: createdAt,
  });
  await qi.addIndex('quality_metrics', ['overall_quality']);
  await qi.addIndex('quality_metrics', ['created_at']);

  await qi.createTable('datasets', {
    id,
    name: { type: DataTypes.STRING(255), allowNull: true },
    description: { type: DataTypes.TEXT, allowNull: true },
    category: { type: DataTypes.STRING(64), allowNull: true },
    user_id: fk('users', 'CASCADE'),
    public: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    prompt_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    metadata: { type: DataTypes.JSON, allowNull: true },
    created_at: createdAt,
    updated_at: updatedAt,
  });
  await qi.addIndex('datasets', ['user_id']);
  await qi.addIndex('datasets', ['category']);
  await qi.addIndex('datasets', ['public']);

  await qi.createTable('prompts', {
    id,
    dataset_id: fk('datasets', 'CASCADE'),
    text: { type: DataTypes.TEXT, allowNull: false },
    tags: { type: DataTypes.JSON, allowNull: true },
    difficulty: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'medium' },
    category: { type: DataTypes.STRING(64), allowNull: true },
    expected_length: { type: DataTypes.INTEGER, allowNull: true },
    metadata: { type: DataTypes.JSON, allowNull: true },
    created_at: createdAt,
  });
  await qi.addIndex('prompts', ['dataset_id']);
  await qi.addIndex('prompts', ['category']);
  await qi.addIndex('prompts', ['difficulty']);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const table of [
    'prompts',
    'datasets',
    'quality_metrics',
    'responses',
    'batch_experiments',
    'experiments',
    'users',
  ]) {
    await qi.dropTable(table);
  }
}
