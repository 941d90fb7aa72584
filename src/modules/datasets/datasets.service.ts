import { ownerScope, type AuthContext } from '../../lib/auth-context.js';
import { ForbiddenError, NotFoundError } from '../../lib/errors.js';
import { paginate, type Pagination } from '../../lib/pagination.js';
import { toDatasetDto, toPromptDto, type DatasetDto, type PromptDto } from './datasets.dto.js';
import type { DatasetRow, DatasetsRepository } from './datasets.repository.js';
import {
  STANDARD_CATEGORIES,
  type CreateDatasetBody,
  type GetDatasetQuery,
  type ListDatasetsQuery,
  type PromptInput,
  type UpdateDatasetBody,
} from './datasets.schemas.js';

const isTrue = (v: unknown) => v === true || v === 1 || v === '1' || v === 't' || v === 'true';

/**
 * The prompt library: everyone reads public datasets (the shipped starter ones included) and
 * their own; only the owner or an admin changes a dataset, and shipped system datasets only an
 * admin. A dataset the caller cannot read is reported as not found, never as forbidden.
 */
export class DatasetsService {
  constructor(private readonly datasets: DatasetsRepository) {}

  async list(
    auth: AuthContext,
    query: ListDatasetsQuery,
  ): Promise<{ datasets: DatasetDto[]; categories: string[]; pagination: Pagination }> {
    const scope = ownerScope(auth);
    const [{ rows, total }, used] = await Promise.all([
      this.datasets.list(scope, query),
      this.datasets.categories(scope),
    ]);
    // The spec's four always come first, then any other category in use, alphabetically.
    const extra = used.filter((c) => !STANDARD_CATEGORIES.includes(c)).sort();
    return {
      datasets: rows.map(toDatasetDto),
      categories: [...STANDARD_CATEGORIES, ...extra],
      pagination: paginate(query.page, query.limit, total),
    };
  }

  async get(
    auth: AuthContext,
    id: number,
    query: GetDatasetQuery,
  ): Promise<DatasetDto & { prompts: PromptDto[]; prompts_pagination: Pagination }> {
    const row = await this.findVisible(auth, id);
    const { rows, total } = await this.datasets.listPrompts(id, query);
    return {
      ...toDatasetDto(row),
      prompts: rows.map(toPromptDto),
      prompts_pagination: paginate(query.page, query.limit, total),
    };
  }

  async create(auth: AuthContext, body: CreateDatasetBody): Promise<DatasetDto> {
    const id = await this.datasets.create(
      {
        name: body.name,
        description: body.description ?? null,
        category: body.category,
        public: body.public,
        metadata: body.metadata ?? null,
        user_id: auth.userId,
      },
      body.prompts,
    );
    return toDatasetDto((await this.datasets.findVisible(ownerScope(auth), id))!);
  }

  async update(auth: AuthContext, id: number, body: UpdateDatasetBody): Promise<DatasetDto> {
    await this.findWritable(auth, id);
    const changes = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    await this.datasets.update(id, changes);
    return toDatasetDto((await this.datasets.findVisible(ownerScope(auth), id))!);
  }

  async remove(
    auth: AuthContext,
    id: number,
  ): Promise<{ deleted_dataset_id: number; deleted_prompts_count: number }> {
    await this.findWritable(auth, id);
    const { prompts } = await this.datasets.delete(id);
    return { deleted_dataset_id: id, deleted_prompts_count: prompts };
  }

  async addPrompts(
    auth: AuthContext,
    id: number,
    prompts: PromptInput[],
  ): Promise<{ prompts: PromptDto[]; prompt_count: number }> {
    await this.findWritable(auth, id);
    const { ids, promptCount } = await this.datasets.addPrompts(id, prompts);
    const rows = await this.datasets.promptsByIds(id, ids);
    return {
      prompts: rows.map(toPromptDto),
      prompt_count: promptCount,
    };
  }

  async removePrompt(
    auth: AuthContext,
    id: number,
    promptId: number,
  ): Promise<{ deleted_prompt_id: number; prompt_count: number }> {
    await this.findWritable(auth, id);
    const result = await this.datasets.deletePrompt(id, promptId);
    if (!result) throw new NotFoundError(`Prompt ${promptId} of dataset`, id);
    return { deleted_prompt_id: promptId, prompt_count: result.promptCount };
  }

  /** The dataset if the caller may read it; 404 otherwise. */
  async findVisible(auth: AuthContext, id: number): Promise<DatasetRow> {
    const row = await this.datasets.findVisible(ownerScope(auth), id);
    if (!row) throw new NotFoundError('Dataset', id);
    return row;
  }

  /** The dataset if the caller may change it: 404 when unreadable, 403 when read-only. */
  private async findWritable(auth: AuthContext, id: number): Promise<DatasetRow> {
    const row = await this.findVisible(auth, id);
    if (auth.role === 'admin') return row;
    if (isTrue(row.is_system)) {
      throw new ForbiddenError(
        `Dataset ${id} is a starter dataset shipped with the product and cannot be changed; create your own dataset (POST /api/datasets) or import a copy instead`,
      );
    }
    if (row.user_id !== null && Number(row.user_id) !== auth.userId) {
      throw new ForbiddenError(
        `Dataset ${id} is another user's public dataset: you can read and run it, but only its owner can change it`,
      );
    }
    return row;
  }
}
