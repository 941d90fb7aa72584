import type { QueryInterface } from 'sequelize';

/*
 * Usernames are unique regardless of case. The service checks first, but only the database
 * can settle two registrations racing with "Ada" and "ada". MariaDB/MySQL already compare
 * case-insensitively under their default collation; PostgreSQL gets an index on LOWER(username)
 * and SQLite one with COLLATE NOCASE (an expression index there would break Sequelize's
 * table introspection, which later SQLite migrations rely on).
 */
const INDEX = 'users_username_lower_unique';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const dialect = qi.sequelize.getDialect();
  if (dialect === 'mysql') return;
  const key = dialect === 'sqlite' ? 'username COLLATE NOCASE' : 'LOWER(username)';
  await qi.sequelize.query(`CREATE UNIQUE INDEX ${INDEX} ON users (${key})`);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  if (qi.sequelize.getDialect() === 'mysql') return;
  await qi.sequelize.query(`DROP INDEX ${INDEX}`);
}
