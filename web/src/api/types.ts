/**
 * API types, taken from the server's own zod schemas and DTOs (type-only imports: nothing of
 * the server ends up in the bundle). Endpoints whose schema is an open record on the server
 * (analytics, batch results, comparisons) get narrow view types in ./views.ts.
 */
import type { z } from 'zod';
import type {
  PublicUser,
  RegisterBody,
  LoginBody,
  ApiKeySchema,
} from '../../../src/modules/auth/auth.schemas.js';
import type {
  ExperimentDto,
  ExperimentDetailDto,
} from '../../../src/modules/experiments/experiment.dto.js';
import type {
  CreateExperimentBody,
  UpdateExperimentBody,
} from '../../../src/modules/experiments/experiments.schemas.js';
import type { Parameters } from '../../../src/modules/experiments/parameters.schema.js';
import type {
  ResponseDto,
  QualityMetricsDto,
} from '../../../src/modules/responses/response.dto.js';
import type { GenerateBody } from '../../../src/modules/responses/responses.schemas.js';
import type { GenerationOutcome } from '../../../src/modules/responses/generation-events.js';
import type { ResponseMetricsDto } from '../../../src/modules/metrics/metrics.dto.js';
import type {
  BatchDto,
  BatchDetailDto,
  SweepEstimate,
} from '../../../src/modules/batch-experiments/batch.dto.js';
import type { CreateBatchBody } from '../../../src/modules/batch-experiments/batch-experiments.schemas.js';
import type { ModelsListSchema } from '../../../src/modules/models/models.schemas.js';
import type { DatasetDto, PromptDto } from '../../../src/modules/datasets/datasets.dto.js';
import type { PaginationSchema } from '../../../src/lib/pagination.js';

export type {
  PublicUser,
  RegisterBody,
  LoginBody,
  ExperimentDto,
  ExperimentDetailDto,
  CreateExperimentBody,
  UpdateExperimentBody,
  Parameters,
  ResponseDto,
  QualityMetricsDto,
  GenerateBody,
  GenerationOutcome,
  ResponseMetricsDto,
  BatchDto,
  BatchDetailDto,
  SweepEstimate,
  CreateBatchBody,
  DatasetDto,
  PromptDto,
};

export type Pagination = z.infer<typeof PaginationSchema>;
export type ModelsList = z.infer<typeof ModelsListSchema>;
export type ApiKey = z.infer<typeof ApiKeySchema>;

export interface Session {
  user: PublicUser;
  token: string;
  expires_in: number;
}
