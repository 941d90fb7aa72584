import type { QueryInterface } from 'sequelize';

/**
 * Drops a column in a `down()` migration. Sequelize's SQLite removeColumn rebuilds the whole
 * table, and dropping the old table fires ON DELETE actions on the rows that reference it
 * (responses would lose their batch or be deleted); SQLite ≥ 3.35 drops a column in place.
 */
export async function dropColumn(qi: QueryInterface, table: string, column: string): Promise<void> {
  if (qi.sequelize.getDialect() === 'sqlite') {
    const quote = (name: string) => qi.quoteIdentifier(name);
    await qi.sequelize.query(`ALTER TABLE ${quote(table)} DROP COLUMN ${quote(column)}`);
  } else {
    await qi.removeColumn(table, column);
  }
}
