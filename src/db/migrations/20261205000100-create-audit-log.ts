import { DataTypes, type QueryInterface } from 'sequelize';

/*
 * The audit trail (issue 9, the spec's "audit trails for data changes"): one row per
 * successful create, update or delete of an experiment, batch (control actions included),
 * dataset or user. `user_id` is a plain column, not a foreign key: the trail must outlive the
 * accounts it mentions. `changes` holds the names of the fields a request set, never values.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('audit_logs', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
    user_id: { type: DataTypes.INTEGER, allowNull: true },
    action: { type: DataTypes.STRING(32), allowNull: false },
    resource_type: { type: DataTypes.STRING(32), allowNull: false },
    resource_id: { type: DataTypes.STRING(64), allowNull: true },
    request_id: { type: DataTypes.STRING(128), allowNull: true },
    ip: { type: DataTypes.STRING(64), allowNull: true },
    changes: { type: DataTypes.JSON, allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  // The admin list reads newest first, optionally for one user or one resource type.
  await qi.addIndex('audit_logs', ['created_at'], { name: 'audit_logs_created_at' });
  await qi.addIndex('audit_logs', ['user_id', 'created_at'], { name: 'audit_logs_user_created' });
  await qi.addIndex('audit_logs', ['resource_type', 'created_at'], {
    name: 'audit_logs_resource_created',
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('audit_logs');
}
