/**
 * The bench accounts: `bench` (the one the load bench authenticates as, known password) and
 * `bench_other`, which owns a tenth of the experiments so ownership filters have real work.
 */
import type { Database } from '../src/db/index.js';
import { generateApiKey } from '../src/modules/auth/api-keys.js';
import { hashPassword } from '../src/modules/auth/passwords.js';

export const BENCH_USERNAME = 'bench';
export const BENCH_EMAIL = 'bench@example.com';
export const BENCH_PASSWORD = 'bench-password-123';
export const OTHER_USERNAME = 'bench_other';

export interface BenchUsers {
  benchUserId: number;
  otherUserId: number;
  /** A fresh API key for `bench` (the previous one stops working). */
  apiKey: string;
}

async function ensureUser(db: Database, username: string, email: string): Promise<number> {
  const existing = await db.models.User.findOne({ where: { username } });
  if (existing) return existing.get('id') as number;
  const created = await db.models.User.create({
    username,
    email,
    password_hash: await hashPassword(BENCH_PASSWORD),
    full_name: `Bench ${username}`,
    role: 'user',
  });
  return created.get('id') as number;
}

export async function ensureBenchUsers(db: Database): Promise<BenchUsers> {
  const benchUserId = await ensureUser(db, BENCH_USERNAME, BENCH_EMAIL);
  const otherUserId = await ensureUser(db, OTHER_USERNAME, 'bench_other@example.com');
  const { key, hash, displayPrefix } = generateApiKey();
  await db.models.User.update(
    { api_key: displayPrefix, api_key_hash: hash, api_key_created_at: new Date() },
    { where: { id: benchUserId } },
  );
  return { benchUserId, otherUserId, apiKey: key };
}

/** Ids of the bench accounts that exist (none on a fresh database). */
export async function benchUserIds(db: Database): Promise<number[]> {
  const rows = await db.models.User.findAll({
    where: { username: [BENCH_USERNAME, OTHER_USERNAME] },
    attributes: ['id'],
    raw: true,
  });
  return rows.map((r) => Number((r as unknown as { id: number }).id));
}
