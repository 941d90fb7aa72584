import { DataTypes, type QueryInterface } from 'sequelize';
import { dropColumn } from './drop-column.js';

/*
 * Batch completion notifications: the optional `notify` targets of a batch
 * (`{ webhook_url?, email? }`), read when the batch reaches a final status.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('batch_experiments', 'notify', { type: DataTypes.JSON, allowNull: true });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await dropColumn(qi, 'batch_experiments', 'notify');
}
