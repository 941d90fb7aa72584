import { DataTypes, type QueryInterface } from 'sequelize';
import { dropColumn } from './drop-column.js';

/*
 * What running batch sweeps needs: the expanded parameter combinations (so every process
 * reads the same grid, whatever version of the expansion code it runs), an optional cost
 * budget with the reason a batch was paused or stopped, and one response row per
 * combination × iteration — the unique index is what makes a re-run job idempotent (NULLs
 * are distinct on every dialect, so ordinary responses are unaffected).
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('batch_experiments', 'combinations', {
    type: DataTypes.JSON,
    allowNull: true,
  });
  await qi.addColumn('batch_experiments', 'max_cost', {
    type: DataTypes.DECIMAL(12, 6),
    allowNull: true,
  });
  await qi.addColumn('batch_experiments', 'status_reason', {
    type: DataTypes.TEXT,
    allowNull: true,
  });
  await qi.addIndex('responses', ['batch_experiment_id', 'combination_id', 'iteration'], {
    unique: true,
    name: 'responses_batch_cell_unique',
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeIndex('responses', 'responses_batch_cell_unique');
  await dropColumn(qi, 'batch_experiments', 'status_reason');
  await dropColumn(qi, 'batch_experiments', 'max_cost');
  await dropColumn(qi, 'batch_experiments', 'combinations');
}
