import { DataTypes, type QueryInterface } from 'sequelize';

/*
 * Several prompts in one batch (e.g. a dataset run): `prompts` lists them in order and each
 * stored combination names its prompt by `prompt_index`. Null for single-prompt batches,
 * which keep using `prompt`.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('batch_experiments', 'prompts', { type: DataTypes.JSON, allowNull: true });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  if (qi.sequelize.getDialect() === 'sqlite') {
    // Sequelize's SQLite removeColumn rebuilds the table, and dropping the old one would
    // cascade to every batch's responses; SQLite ≥ 3.35 drops a column in place.
    await qi.sequelize.query('ALTER TABLE batch_experiments DROP COLUMN prompts');
  } else {
    await qi.removeColumn('batch_experiments', 'prompts');
  }
}
