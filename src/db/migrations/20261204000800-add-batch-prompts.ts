import { DataTypes, type QueryInterface } from 'sequelize';
import { dropColumn } from './drop-column.js';

/*
 * Several prompts in one batch (e.g. a dataset run): `prompts` lists them in order and each
 * stored combination names its prompt by `prompt_index`. Null for single-prompt batches,
 * which keep using `prompt`.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('batch_experiments', 'prompts', { type: DataTypes.JSON, allowNull: true });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await dropColumn(qi, 'batch_experiments', 'prompts');
}
