import { Op, fn, col, where } from 'sequelize';
import type { Database } from '../../db/index.js';

/** A user row as stored (the password hash never leaves the auth module). */
export interface UserRow {
  id: number;
  username: string;
  email: string;
  password_hash: string;
  full_name: string | null;
  role: 'admin' | 'user';
  api_key: string | null;
  api_key_hash: string | null;
  api_key_created_at: Date | null;
  default_provider: string | null;
  default_model: string | null;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export class UsersRepository {
  constructor(private readonly db: Database) {}

  async findById(id: number): Promise<UserRow | undefined> {
    const row = await this.db.models.User.findByPk(id);
    return (row?.get({ plain: true }) as UserRow | undefined) ?? undefined;
  }

  async findByEmail(email: string): Promise<UserRow | undefined> {
    const row = await this.db.models.User.findOne({ where: { email: email.toLowerCase() } });
    return (row?.get({ plain: true }) as UserRow | undefined) ?? undefined;
  }

  /** Usernames are unique regardless of case on every dialect. */
  async findByUsername(username: string): Promise<UserRow | undefined> {
    const row = await this.db.models.User.findOne({
      where: where(fn('LOWER', col('username')), username.toLowerCase()),
    });
    return (row?.get({ plain: true }) as UserRow | undefined) ?? undefined;
  }

  async findByApiKeyHash(hash: string): Promise<UserRow | undefined> {
    const row = await this.db.models.User.findOne({ where: { api_key_hash: { [Op.eq]: hash } } });
    return (row?.get({ plain: true }) as UserRow | undefined) ?? undefined;
  }

  async create(input: {
    username: string;
    email: string;
    password_hash: string;
    full_name?: string | null;
    role?: 'admin' | 'user';
  }): Promise<UserRow> {
    const row = await this.db.models.User.create({ ...input, role: input.role ?? 'user' });
    return row.get({ plain: true }) as UserRow;
  }

  async update(id: number, changes: Partial<Omit<UserRow, 'id' | 'created_at'>>): Promise<void> {
    await this.db.models.User.update(changes, { where: { id } });
  }

  async count(): Promise<number> {
    return this.db.models.User.count();
  }
}
