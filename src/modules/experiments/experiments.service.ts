import { parseJsonValue } from '../../db/json-column.js';
import { ownerScope, type AuthContext } from '../../lib/auth-context.js';
import { NotFoundError } from '../../lib/errors.js';
import { paginate, type Pagination } from '../../lib/pagination.js';
import type { UsersRepository } from '../auth/auth.repository.js';
import { toResponseDto } from '../responses/response.dto.js';
import {
  toExperimentDetailDto,
  toExperimentDto,
  type ExperimentDetailDto,
  type ExperimentDto,
} from './experiment.dto.js';
import type { ExperimentsRepository } from './experiments.repository.js';
import type {
  CreateExperimentBody,
  ListExperimentsQuery,
  UpdateExperimentBody,
} from './experiments.schemas.js';
import { withDefaults, type PartialParameters } from './parameters.schema.js';

/** Where a new experiment's model comes from when the request names none. */
export interface ModelDefaults {
  provider: string;
  model: string;
}

export class ExperimentsService {
  constructor(
    private readonly experiments: ExperimentsRepository,
    private readonly users: UsersRepository,
    private readonly defaults: ModelDefaults,
  ) {}

  async list(
    auth: AuthContext,
    query: ListExperimentsQuery,
  ): Promise<{ experiments: ExperimentDto[]; pagination: Pagination }> {
    const { rows, total } = await this.experiments.list(ownerScope(auth), query);
    return {
      experiments: rows.map(toExperimentDto),
      pagination: paginate(query.page, query.limit, total),
    };
  }

  async get(auth: AuthContext, id: number, responsesLimit: number): Promise<ExperimentDetailDto> {
    const row = await this.experiments.findById(ownerScope(auth), id);
    if (!row) throw new NotFoundError('Experiment', id);
    const responses = await this.experiments.listResponses(id, responsesLimit);
    return toExperimentDetailDto(row, responses.map(toResponseDto));
  }

  /** Creates a pending experiment owned by the caller, filling unset parameters and model. */
  async create(auth: AuthContext, body: CreateExperimentBody): Promise<ExperimentDto> {
    const { provider, model } = await this.resolveModel(auth, body);
    const metadata =
      body.response_count === undefined
        ? (body.metadata ?? null)
        : { ...body.metadata, planned_response_count: body.response_count };
    const id = await this.experiments.create({
      name: body.name,
      description: body.description ?? null,
      prompt: body.prompt,
      provider,
      model,
      parameters: withDefaults(body.parameters),
      tags: body.tags ?? [],
      metadata,
      user_id: auth.userId,
    });
    return this.getSummary(auth, id);
  }

  /**
   * Applies a partial update; `parameters` merge into the current ones and `response_count`
   * goes to metadata.planned_response_count, as on create.
   */
  async update(auth: AuthContext, id: number, body: UpdateExperimentBody): Promise<ExperimentDto> {
    const current = await this.experiments.findById(ownerScope(auth), id, 'list');
    if (!current) throw new NotFoundError('Experiment', id);
    const { parameters, response_count, ...rest } = body;
    const changes = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    if (parameters) {
      changes.parameters = withDefaults(
        parameters,
        withDefaults(current.parameters as PartialParameters),
      );
    }
    if (response_count !== undefined) {
      const metadata = body.metadata ?? (parseJsonValue(current.metadata) as object | null);
      changes.metadata = { ...metadata, planned_response_count: response_count };
    }
    await this.experiments.update(id, changes);
    return this.getSummary(auth, id);
  }

  async remove(
    auth: AuthContext,
    id: number,
  ): Promise<{
    deleted_experiment_id: number;
    deleted_responses_count: number;
    deleted_metrics_count: number;
  }> {
    const current = await this.experiments.findById(ownerScope(auth), id, 'list');
    if (!current) throw new NotFoundError('Experiment', id);
    const removed = await this.experiments.deleteWithDependents(id);
    return {
      deleted_experiment_id: id,
      deleted_responses_count: removed.responses,
      deleted_metrics_count: removed.metrics,
    };
  }

  private async getSummary(auth: AuthContext, id: number): Promise<ExperimentDto> {
    const row = await this.experiments.findById(ownerScope(auth), id, 'list');
    if (!row) throw new NotFoundError('Experiment', id);
    return toExperimentDto(row);
  }

  /** Request's model, else the user's default (POST /api/models/switch), else the server's. */
  private async resolveModel(
    auth: AuthContext,
    body: CreateExperimentBody,
  ): Promise<{ provider: string | null; model: string }> {
    if (body.model) return { provider: body.provider ?? null, model: body.model };
    const user = await this.users.findById(auth.userId);
    if (user?.default_model) {
      return {
        provider: user.default_provider ?? body.provider ?? null,
        model: user.default_model,
      };
    }
    return { provider: body.provider ?? this.defaults.provider, model: this.defaults.model };
  }
}
