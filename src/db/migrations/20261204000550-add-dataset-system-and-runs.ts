import { DataTypes, type QueryInterface } from 'sequelize';
import { dropColumn } from './drop-column.js';

/*
 * What the dataset library needs beyond the spec's two tables:
 * - `datasets.is_system`: datasets shipped with the product (seeded by the next migration).
 *   Users may read and run them but only admins may change them; `created_by` shows "system".
 * - `dataset_runs`: which batch ran which prompts of which dataset. The prompts are copied
 *   (id, text, category, difficulty, tags) in the order the batch received them, so a run's
 *   per-prompt results stay readable after the dataset is edited.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('datasets', 'is_system', {
    type: DataTypes.BOOLEAN,
    allowNull: false,
    defaultValue: false,
  });
  await qi.addIndex('datasets', ['is_system']);
  await qi.createTable('dataset_runs', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
    dataset_id: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'datasets', key: 'id' },
      onDelete: 'CASCADE',
      onUpdate: 'CASCADE',
    },
    batch_experiment_id: {
      type: DataTypes.INTEGER,
      allowNull: false,
      unique: true,
      references: { model: 'batch_experiments', key: 'id' },
      onDelete: 'CASCADE',
      onUpdate: 'CASCADE',
    },
    user_id: {
      type: DataTypes.INTEGER,
      allowNull: true,
      references: { model: 'users', key: 'id' },
      onDelete: 'CASCADE',
      onUpdate: 'CASCADE',
    },
    prompts: { type: DataTypes.JSON, allowNull: false },
    filters: { type: DataTypes.JSON, allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('dataset_runs', ['dataset_id', 'created_at']);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('dataset_runs');
  await qi.removeIndex('datasets', ['is_system']);
  await dropColumn(qi, 'datasets', 'is_system');
}
