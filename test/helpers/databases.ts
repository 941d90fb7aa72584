import { randomBytes } from 'node:crypto';
import { Sequelize } from 'sequelize';
import type { Config } from '../../src/config/index.js';

/** A database kind the integration suites run against. */
export interface TestDatabaseKind {
  name: 'sqlite' | 'postgres' | 'mariadb';
  /** Server URL whose credentials may create databases; absent for SQLite. */
  baseUrl?: string;
}

/**
 * SQLite always; PostgreSQL and MariaDB when `TEST_POSTGRES_URL` / `TEST_MARIADB_URL` are set
 * (`.ci/run` sets both, so CI covers all three).
 */
export function testDatabaseKinds(): TestDatabaseKind[] {
  const kinds: TestDatabaseKind[] = [{ name: 'sqlite' }];
  if (process.env.TEST_POSTGRES_URL)
    kinds.push({ name: 'postgres', baseUrl: process.env.TEST_POSTGRES_URL });
  if (process.env.TEST_MARIADB_URL)
    kinds.push({ name: 'mariadb', baseUrl: process.env.TEST_MARIADB_URL });
  return kinds;
}

export interface ScratchDatabase {
  /** The DATABASE_URL of the new, empty database. */
  url: string;
  drop: () => Promise<void>;
}

function withDatabase(baseUrl: string, name: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates an empty database of the given kind for one test file; `drop` removes it. */
export async function createScratchDatabase(kind: TestDatabaseKind): Promise<ScratchDatabase> {
  const name = `lqa_t_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  if (kind.name === 'sqlite') {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'lqa-test-'));
    return {
      url: `sqlite:${join(dir, `${name}.sqlite`)}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const admin = new Sequelize(kind.baseUrl!.replace(/^mariadb:/, 'mysql:'), { logging: false });
  const quote = kind.name === 'postgres' ? `"${name}"` : `\`${name}\``;
  await admin.query(`CREATE DATABASE ${quote}`);
  await admin.close();
  return {
    url: withDatabase(kind.baseUrl!, name),
    drop: async () => {
      const dropper = new Sequelize(kind.baseUrl!.replace(/^mariadb:/, 'mysql:'), {
        logging: false,
      });
      await dropper.query(
        kind.name === 'postgres'
          ? `DROP DATABASE IF EXISTS ${quote} WITH (FORCE)`
          : `DROP DATABASE IF EXISTS ${quote}`,
      );
      await dropper.close();
    },
  };
}

export type { Config };
