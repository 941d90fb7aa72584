import { ownerScope, type AuthContext } from '../../lib/auth-context.js';
import { NotFoundError } from '../../lib/errors.js';
import { paginate, type Pagination } from '../../lib/pagination.js';
import type { ExperimentsRepository } from '../experiments/experiments.repository.js';
import { toResponseDto, type ResponseDto } from './response.dto.js';
import type { ResponseSummary, ResponsesRepository } from './responses.repository.js';
import type { ListResponsesQuery } from './responses.schemas.js';

export type ResponseDetailDto = ResponseDto & {
  experiment: { id: number; name: string; prompt: string };
};

/** Reading stored responses; generation lives in GenerationService. */
export class ResponsesService {
  constructor(
    private readonly responses: ResponsesRepository,
    private readonly experiments: ExperimentsRepository,
  ) {}

  async get(auth: AuthContext, id: number): Promise<ResponseDetailDto> {
    const row = await this.responses.findForOwner(ownerScope(auth), id);
    if (!row) throw new NotFoundError('Response', id);
    const experiment = row.experiment as { id: number; name: string; prompt: string };
    return {
      ...toResponseDto(row),
      experiment: { id: experiment.id, name: experiment.name, prompt: experiment.prompt },
    };
  }

  async listForExperiment(
    auth: AuthContext,
    experimentId: number,
    query: ListResponsesQuery,
  ): Promise<{
    experiment_id: number;
    responses: ResponseDto[];
    summary: ResponseSummary;
    pagination: Pagination;
  }> {
    const experiment = await this.experiments.findById(ownerScope(auth), experimentId, 'list');
    if (!experiment) throw new NotFoundError('Experiment', experimentId);
    const [{ rows, total }, summary] = await Promise.all([
      this.responses.listForExperiment(experimentId, query),
      this.responses.summarize(experimentId, query),
    ]);
    return {
      experiment_id: experimentId,
      responses: rows.map(toResponseDto),
      summary,
      pagination: paginate(query.page, query.limit, total),
    };
  }
}
