import type { Transaction } from 'sequelize';
import { Op } from 'sequelize';
import type { Database } from '../../db/index.js';
import { selectRows } from '../../db/raw-query.js';
import type { OwnerScope } from '../../lib/auth-context.js';
import { offsetFor } from '../../lib/pagination.js';
import { searchAny } from '../../db/text-search.js';
import { jsonArrayContainsAny, sqlBool } from './dataset-sql.js';
import type { GetDatasetQuery, ListDatasetsQuery, PromptInput } from './datasets.schemas.js';
import { writeTransaction } from '../../db/write-transaction.js';

export type DatasetRow = Record<string, unknown> & {
  id: number;
  user_id: number | null;
  is_system: unknown;
  public: unknown;
};

export interface NewDataset {
  name: string;
  description: string | null;
  category: string;
  public: boolean;
  metadata: Record<string, unknown> | null;
  user_id: number;
}

/** Rows inserted per statement: keeps big imports under every driver's parameter limit. */
const INSERT_CHUNK = 500;

const DATASET_COLUMNS = `d.id, d.name, d.description, d.category, d.user_id, d.public, d.is_system,
  d.prompt_count, d.metadata, d.created_at, d.updated_at, u.username AS owner_username`;
const PROMPT_COLUMNS = `p.id, p.dataset_id, p.text, p.tags, p.difficulty,
  COALESCE(p.category, d.category) AS category, p.expected_length, p.metadata, p.created_at`;
const ROW_TYPES = { json: ['metadata'], dates: ['created_at', 'updated_at'] };

/** Datasets and their prompts. Writes run in transactions and keep `prompt_count` exact. */
export class DatasetsRepository {
  constructor(private readonly db: Database) {}

  /** Who may read: admins everything; others public datasets and their own. */
  visibleSql(scope: OwnerScope, alias = 'd'): string {
    if (scope.isAdmin) return '1 = 1';
    return `(${alias}.public = ${sqlBool(this.db, true)} OR ${alias}.user_id = ${Number(scope.userId)})`;
  }

  async list(
    scope: OwnerScope,
    q: ListDatasetsQuery,
  ): Promise<{ rows: DatasetRow[]; total: number }> {
    const where = [this.visibleSql(scope)];
    const replacements: Record<string, unknown> = {};
    if (q.owner === 'me') where.push(`d.user_id = ${Number(scope.userId)}`);
    if (q.owner === 'system') where.push(`d.is_system = ${sqlBool(this.db, true)}`);
    if (q.category) {
      where.push('d.category = :category');
      replacements.category = q.category;
    }
    if (q.search) where.push(searchAny(this.db, ['d.name', 'd.description'], q.search));
    const whereSql = where.join(' AND ');
    const dir = q.order === 'asc' ? 'ASC' : 'DESC';
    const sortSql = q.sort === 'name' ? 'LOWER(d.name)' : `d.${q.sort}`;
    const [rows, [count]] = await Promise.all([
      selectRows<DatasetRow>(
        this.db,
        `SELECT ${DATASET_COLUMNS} FROM datasets d LEFT JOIN users u ON u.id = d.user_id
          WHERE ${whereSql} ORDER BY ${sortSql} ${dir}, d.id ${dir}
          LIMIT ${q.limit} OFFSET ${offsetFor(q.page, q.limit)}`,
        { replacements, ...ROW_TYPES },
      ),
      selectRows<{ n: number }>(this.db, `SELECT COUNT(*) AS n FROM datasets d WHERE ${whereSql}`, {
        replacements,
        numbers: ['n'],
      }),
    ]);
    return { rows, total: count?.n ?? 0 };
  }

  /** Distinct categories of the datasets the caller can see. */
  async categories(scope: OwnerScope): Promise<string[]> {
    const rows = await selectRows<{ category: string }>(
      this.db,
      `SELECT DISTINCT d.category FROM datasets d
        WHERE ${this.visibleSql(scope)} AND d.category IS NOT NULL`,
    );
    return rows.map((r) => r.category);
  }

  async findVisible(scope: OwnerScope, id: number): Promise<DatasetRow | undefined> {
    const [row] = await selectRows<DatasetRow>(
      this.db,
      `SELECT ${DATASET_COLUMNS} FROM datasets d LEFT JOIN users u ON u.id = d.user_id
        WHERE d.id = :id AND ${this.visibleSql(scope)}`,
      { replacements: { id }, ...ROW_TYPES },
    );
    return row;
  }

  /** A page of a dataset's prompts (oldest first), optionally by difficulty and tags. */
  async listPrompts(
    datasetId: number,
    q: Pick<GetDatasetQuery, 'page' | 'limit' | 'difficulty' | 'tags'>,
  ): Promise<{ rows: Record<string, unknown>[]; total: number }> {
    const where = ['p.dataset_id = :datasetId'];
    if (q.difficulty) where.push('p.difficulty = :difficulty');
    if (q.tags?.length) where.push(jsonArrayContainsAny(this.db, 'p.tags', q.tags));
    const whereSql = where.join(' AND ');
    const replacements = { datasetId, difficulty: q.difficulty ?? null };
    const [rows, [count]] = await Promise.all([
      selectRows(
        this.db,
        `SELECT ${PROMPT_COLUMNS} FROM prompts p JOIN datasets d ON d.id = p.dataset_id
          WHERE ${whereSql} ORDER BY p.id ASC
          LIMIT ${q.limit} OFFSET ${offsetFor(q.page, q.limit)}`,
        { replacements, json: ['tags', 'metadata'], dates: ['created_at'] },
      ),
      selectRows<{ n: number }>(this.db, `SELECT COUNT(*) AS n FROM prompts p WHERE ${whereSql}`, {
        replacements,
        numbers: ['n'],
      }),
    ]);
    return { rows, total: count?.n ?? 0 };
  }

  /** Prompts of a dataset by id, in id order, shaped like listPrompts' rows. */
  async promptsByIds(datasetId: number, ids: number[]): Promise<Record<string, unknown>[]> {
    if (ids.length === 0) return [];
    return selectRows(
      this.db,
      `SELECT ${PROMPT_COLUMNS} FROM prompts p JOIN datasets d ON d.id = p.dataset_id
        WHERE p.dataset_id = :datasetId AND p.id IN (:ids) ORDER BY p.id ASC`,
      { replacements: { datasetId, ids }, json: ['tags', 'metadata'], dates: ['created_at'] },
    );
  }

  /** Creates a dataset with its prompts in one transaction; returns its id. */
  async create(input: NewDataset, prompts: PromptInput[]): Promise<number> {
    return this.write(async (transaction) => {
      const row = await this.db.models.Dataset.create(
        { ...input, is_system: false, prompt_count: 0 },
        { transaction },
      );
      const id = row.get('id') as number;
      await this.insertPrompts(id, prompts, transaction);
      await this.recount(id, transaction);
      return id;
    });
  }

  async update(id: number, changes: Record<string, unknown>): Promise<void> {
    await this.db.models.Dataset.update(changes, { where: { id } });
  }

  /** Deletes a dataset with its prompts and run records; returns how many prompts went. */
  async delete(id: number): Promise<{ prompts: number }> {
    const { Dataset, Prompt, DatasetRun } = this.db.models;
    return this.write(async (transaction) => {
      const prompts = await Prompt.destroy({ where: { dataset_id: id }, transaction });
      await DatasetRun.destroy({ where: { dataset_id: id }, transaction });
      await Dataset.destroy({ where: { id }, transaction });
      return { prompts };
    });
  }

  /** Appends prompts; returns the new prompts' ids (in input order) and the new count. */
  async addPrompts(
    id: number,
    prompts: PromptInput[],
  ): Promise<{ ids: number[]; promptCount: number }> {
    return this.write(async (transaction) => {
      await this.lock(id, transaction);
      const ids = await this.insertPrompts(id, prompts, transaction);
      return { ids, promptCount: await this.recount(id, transaction) };
    });
  }

  /** Removes one prompt of the dataset; `undefined` when the dataset has no such prompt. */
  async deletePrompt(id: number, promptId: number): Promise<{ promptCount: number } | undefined> {
    return this.write(async (transaction) => {
      await this.lock(id, transaction);
      const removed = await this.db.models.Prompt.destroy({
        where: { id: promptId, dataset_id: id },
        transaction,
      });
      if (removed === 0) return undefined;
      return { promptCount: await this.recount(id, transaction) };
    });
  }

  /** Prompts by id within one dataset (to check ids a client sent). */
  async existingPromptIds(datasetId: number, ids: number[]): Promise<Set<number>> {
    const rows = await this.db.models.Prompt.findAll({
      attributes: ['id'],
      where: { dataset_id: datasetId, id: { [Op.in]: ids } },
      raw: true,
    });
    return new Set(rows.map((r) => Number((r as unknown as { id: number }).id)));
  }

  /** A write transaction (queued on SQLite: see writeTransaction). */
  private write<T>(fn: (transaction: Transaction) => Promise<T>): Promise<T> {
    return writeTransaction(this.db, fn);
  }

  /**
   * Serializes writers of one dataset (row lock on PostgreSQL/MariaDB; SQLite has one writer),
   * so concurrent adds and deletes cannot leave `prompt_count` behind the rows.
   */
  private async lock(id: number, transaction: Transaction): Promise<void> {
    await this.db.models.Dataset.findByPk(id, {
      attributes: ['id'],
      transaction,
      lock: transaction.LOCK.UPDATE,
    });
  }

  private async insertPrompts(
    datasetId: number,
    prompts: PromptInput[],
    transaction: Transaction,
  ): Promise<number[]> {
    const ids: number[] = [];
    for (let start = 0; start < prompts.length; start += INSERT_CHUNK) {
      const chunk = prompts.slice(start, start + INSERT_CHUNK).map((p) => ({
        dataset_id: datasetId,
        text: p.text,
        tags: p.tags,
        difficulty: p.difficulty,
        // Unset: the prompt follows its dataset's category, even if that changes later.
        category: p.category ?? null,
        expected_length: p.expected_length ?? null,
        metadata: p.metadata ?? null,
      }));
      // One at a time on MariaDB/SQLite would be slow; bulkCreate returns ids only on
      // PostgreSQL, so elsewhere the ids are read back in insertion order.
      const created = await this.db.models.Prompt.bulkCreate(chunk, { transaction });
      const direct = created.map((r) => r.get('id') as number | null);
      if (direct.every((v) => typeof v === 'number' && v > 0)) ids.push(...(direct as number[]));
      else ids.push(...(await this.lastIds(datasetId, chunk.length, transaction)));
    }
    return ids;
  }

  private async lastIds(datasetId: number, n: number, transaction: Transaction): Promise<number[]> {
    const rows = await this.db.models.Prompt.findAll({
      attributes: ['id'],
      where: { dataset_id: datasetId },
      order: [['id', 'DESC']],
      limit: n,
      transaction,
      raw: true,
    });
    return rows.map((r) => Number((r as unknown as { id: number }).id)).reverse();
  }

  private async recount(id: number, transaction: Transaction): Promise<number> {
    const count = await this.db.models.Prompt.count({ where: { dataset_id: id }, transaction });
    await this.db.models.Dataset.update({ prompt_count: count }, { where: { id }, transaction });
    return count;
  }
}
