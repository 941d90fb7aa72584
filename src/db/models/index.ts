import { DataTypes, type Model, type ModelStatic, type Sequelize } from 'sequelize';
import { decimalColumn, jsonColumn } from '../json-column.js';

/*
 * Model definitions mirror the migrations (the migrations are the source of the schema; these
 * never `sync`). Only repositories use them, and they return plain objects.
 */

export interface Models {
  User: ModelStatic<Model>;
  Experiment: ModelStatic<Model>;
  Response: ModelStatic<Model>;
  QualityMetric: ModelStatic<Model>;
  BatchExperiment: ModelStatic<Model>;
  Dataset: ModelStatic<Model>;
  Prompt: ModelStatic<Model>;
  /** Which batch ran which prompts of a dataset (datasets feature). */
  DatasetRun: ModelStatic<Model>;
}

const str = (length: number, allowNull = true) => ({ type: DataTypes.STRING(length), allowNull });
const int = (defaultValue?: number) =>
  defaultValue === undefined
    ? { type: DataTypes.INTEGER, allowNull: true }
    : { type: DataTypes.INTEGER, allowNull: false, defaultValue };
// Factories, not shared objects: Sequelize writes the field name into each attribute object.
const float = () => ({ type: DataTypes.FLOAT, allowNull: true });
const text = (allowNull = true) => ({ type: DataTypes.TEXT, allowNull });
// Declared explicitly so Sequelize writes milliseconds on MySQL/MariaDB (DATETIME(3)).
const timestamps = () => ({
  created_at: { type: DataTypes.DATE(3), allowNull: false },
  updated_at: { type: DataTypes.DATE(3), allowNull: false },
});
const createdOnly = () => ({ created_at: { type: DataTypes.DATE(3), allowNull: false } });
const oneOf = (values: string[], defaultValue: string) => ({
  type: DataTypes.STRING(16),
  allowNull: false,
  defaultValue,
  validate: { isIn: [values] },
});

export const USER_ROLES = ['admin', 'user'] as const;
export const EXPERIMENT_STATUSES = ['pending', 'running', 'completed', 'failed', 'paused'] as const;
export const RESPONSE_STATUSES = ['pending', 'generating', 'completed', 'failed'] as const;
/** `stopped`: cancelled by its owner; the cells already done are kept. */
export const BATCH_STATUSES = [
  'queued',
  'running',
  'paused',
  'completed',
  'failed',
  'stopped',
] as const;
export const BATCH_PRIORITIES = ['low', 'normal', 'high'] as const;
export const PROMPT_DIFFICULTIES = ['easy', 'medium', 'hard'] as const;

/** Defines the seven spec tables on a Sequelize instance, with their associations. */
export function defineModels(sequelize: Sequelize): Models {
  const parse = sequelize.getDialect() !== 'postgres';
  const json = (name: string, allowNull = true) => jsonColumn(name, parse, { allowNull });

  const User = sequelize.define(
    'users',
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      username: str(64, false),
      email: str(255, false),
      password_hash: str(255, false),
      full_name: str(255),
      role: oneOf([...USER_ROLES], 'user'),
      api_key: str(32),
      api_key_hash: str(64),
      api_key_created_at: { type: DataTypes.DATE(3), allowNull: true },
      preferences: json('preferences'),
      default_provider: str(64),
      default_model: str(128),
      last_login_at: { type: DataTypes.DATE(3), allowNull: true },
      ...timestamps(),
    },
    { tableName: 'users' },
  );

  const Experiment = sequelize.define(
    'experiments',
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      name: str(255, false),
      description: text(),
      prompt: text(false),
      provider: str(64),
      model: str(128, false),
      parameters: json('parameters', false),
      status: oneOf([...EXPERIMENT_STATUSES], 'pending'),
      user_id: int(),
      response_count: int(0),
      tags: json('tags'),
      metadata: json('metadata'),
      ...timestamps(),
    },
    { tableName: 'experiments' },
  );

  const BatchExperiment = sequelize.define(
    'batch_experiments',
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      name: str(255),
      description: text(),
      prompt: text(),
      provider: str(64),
      model: str(128),
      parameter_ranges: json('parameter_ranges'),
      base_parameters: json('base_parameters'),
      iterations_per_combination: int(1),
      total_combinations: int(),
      completed_combinations: int(0),
      failed_combinations: int(0),
      status: oneOf([...BATCH_STATUSES], 'queued'),
      priority: oneOf([...BATCH_PRIORITIES], 'normal'),
      user_id: int(),
      experiment_id: int(),
      results_summary: json('results_summary'),
      insights: json('insights'),
      estimated_cost: decimalColumn('estimated_cost', 12, 6),
      max_cost: decimalColumn('max_cost', 12, 6),
      status_reason: text(),
      combinations: json('combinations'),
      prompts: json('prompts'),
      notify: json('notify'),
      estimated_completion: { type: DataTypes.DATE(3), allowNull: true },
      started_at: { type: DataTypes.DATE(3), allowNull: true },
      completed_at: { type: DataTypes.DATE(3), allowNull: true },
      ...timestamps(),
    },
    { tableName: 'batch_experiments' },
  );

  const Response = sequelize.define(
    'responses',
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      experiment_id: int(),
      batch_experiment_id: int(),
      combination_id: int(),
      iteration: int(),
      content: text(false),
      provider: str(64),
      model: str(128),
      parameters: json('parameters'),
      response_time: float(),
      cost: decimalColumn('cost', 10, 6),
      token_count: int(),
      prompt_tokens: int(),
      completion_tokens: int(),
      finish_reason: str(32),
      cached: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      status: oneOf([...RESPONSE_STATUSES], 'pending'),
      error_message: text(),
      metadata: json('metadata'),
      ...timestamps(),
    },
    { tableName: 'responses' },
  );

  const QualityMetric = sequelize.define(
    'quality_metrics',
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      response_id: { type: DataTypes.INTEGER, allowNull: false },
      overall_quality: float(),
      coherence_score: float(),
      creativity_score: float(),
      readability_score: float(),
      completeness_score: float(),
      factual_accuracy: float(),
      relevance_score: float(),
      engagement_score: float(),
      technical_depth: float(),
      detailed_analysis: json('detailed_analysis'),
      calculation_method: str(32),
      processing_time: float(),
      metadata: json('metadata'),
      ...createdOnly(),
    },
    { tableName: 'quality_metrics', updatedAt: false },
  );

  const Dataset = sequelize.define(
    'datasets',
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      name: str(255),
      description: text(),
      category: str(64),
      user_id: int(),
      public: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      is_system: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      prompt_count: int(0),
      metadata: json('metadata'),
      ...timestamps(),
    },
    { tableName: 'datasets' },
  );

  const Prompt = sequelize.define(
    'prompts',
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      dataset_id: int(),
      text: text(false),
      tags: json('tags'),
      difficulty: oneOf([...PROMPT_DIFFICULTIES], 'medium'),
      category: str(64),
      expected_length: int(),
      metadata: json('metadata'),
      ...createdOnly(),
    },
    { tableName: 'prompts', updatedAt: false },
  );

  const DatasetRun = sequelize.define(
    'dataset_runs',
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      dataset_id: { type: DataTypes.INTEGER, allowNull: false },
      batch_experiment_id: { type: DataTypes.INTEGER, allowNull: false },
      user_id: int(),
      prompts: json('prompts', false),
      filters: json('filters'),
      ...createdOnly(),
    },
    { tableName: 'dataset_runs', updatedAt: false },
  );

  User.hasMany(Experiment, { foreignKey: 'user_id', onDelete: 'CASCADE' });
  Experiment.belongsTo(User, { foreignKey: 'user_id' });
  Experiment.hasMany(Response, {
    foreignKey: 'experiment_id',
    as: 'responses',
    onDelete: 'CASCADE',
  });
  Response.belongsTo(Experiment, { foreignKey: 'experiment_id', as: 'experiment' });
  Response.hasOne(QualityMetric, {
    foreignKey: 'response_id',
    as: 'quality_metrics',
    onDelete: 'CASCADE',
  });
  QualityMetric.belongsTo(Response, { foreignKey: 'response_id' });
  BatchExperiment.hasMany(Response, { foreignKey: 'batch_experiment_id' });
  User.hasMany(BatchExperiment, { foreignKey: 'user_id', onDelete: 'CASCADE' });
  User.hasMany(Dataset, { foreignKey: 'user_id', onDelete: 'CASCADE' });
  Dataset.hasMany(Prompt, { foreignKey: 'dataset_id', as: 'prompts', onDelete: 'CASCADE' });
  Prompt.belongsTo(Dataset, { foreignKey: 'dataset_id' });

  return {
    User,
    Experiment,
    Response,
    QualityMetric,
    BatchExperiment,
    Dataset,
    Prompt,
    DatasetRun,
  };
}
