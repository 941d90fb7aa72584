import { DataTypes, type QueryInterface } from 'sequelize';
import { dropColumn } from './drop-column.js';

/*
 * Engine details that belong to a score set as a whole rather than to one dimension: judge
 * provider and model, stability spread across samples, weights used for overall_quality.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('quality_metrics', 'metadata', { type: DataTypes.JSON, allowNull: true });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await dropColumn(qi, 'quality_metrics', 'metadata');
}
