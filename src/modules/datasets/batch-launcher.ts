import type { AuthContext } from '../../lib/auth-context.js';
import {
  CreateBatchBodySchema,
  type CreateBatchBody,
} from '../batch-experiments/batch-experiments.schemas.js';
import type { BatchExperimentsService } from '../batch-experiments/batch-experiments.service.js';
import type { ParameterRanges } from '../batch-experiments/parameter-grid.js';
import type { PartialParameters } from '../experiments/parameters.schema.js';
import type { RunPrompt } from './dataset-runs.repository.js';

/** One batch that runs every prompt × parameter combination × iteration. */
export interface PromptSweep {
  name: string;
  description?: string | undefined;
  model?: string | undefined;
  provider?: string | undefined;
  /** In order: a cell's prompt is `prompts[combination.prompt_index ?? 0]`. */
  prompts: RunPrompt[];
  parameter_ranges: ParameterRanges;
  base_parameters?: PartialParameters | undefined;
  iterations_per_combination: number;
  priority: 'low' | 'normal' | 'high';
  max_cost?: number | undefined;
  notify?: { webhook_url?: string | undefined; email?: string | undefined } | undefined;
}

/** What the batch module answers on creation (its `CreatedBatchSchema`). */
export type CreatedBatch = Record<string, unknown> & { id: number };

/** The seam between dataset runs and the batch module. */
export interface BatchLauncher {
  /** Most prompts one batch can run. */
  readonly maxPromptsPerBatch: number;
  launch(auth: AuthContext, sweep: PromptSweep): Promise<CreatedBatch>;
}

/**
 * Whether the batch module takes a `prompts` list (each combination then carrying the
 * `prompt_index` of its prompt). Until it does, its runner sends `batch.prompt` to every cell,
 * so a batch can hold one prompt only; the check follows the batch schema, so the datasets
 * module needs no change when multi-prompt batches arrive.
 */
export const BATCHES_TAKE_PROMPTS = 'prompts' in CreateBatchBodySchema.shape;

/** Launches through BatchExperimentsService (one batch per dataset run). */
export class BatchServiceLauncher implements BatchLauncher {
  readonly maxPromptsPerBatch: number;

  constructor(
    private readonly batches: BatchExperimentsService,
    takesPrompts = BATCHES_TAKE_PROMPTS,
  ) {
    // With prompts, BATCH_MAX_CELLS (checked on prompts × combinations × iterations) bounds it.
    this.maxPromptsPerBatch = takesPrompts ? Number.MAX_SAFE_INTEGER : 1;
  }

  async launch(auth: AuthContext, sweep: PromptSweep): Promise<CreatedBatch> {
    const [first] = sweep.prompts;
    if (!first || sweep.prompts.length > this.maxPromptsPerBatch) {
      throw new RangeError(`A batch runs 1 to ${this.maxPromptsPerBatch} prompts`);
    }
    const body: CreateBatchBody & { prompts?: string[] } = {
      name: sweep.name,
      description: sweep.description,
      // The batch's display prompt (and its backing experiment's): the first one.
      prompt: first.text,
      model: sweep.model,
      provider: sweep.provider,
      parameter_ranges: sweep.parameter_ranges,
      base_parameters: sweep.base_parameters,
      iterations_per_combination: sweep.iterations_per_combination,
      priority: sweep.priority,
      max_cost: sweep.max_cost,
      notify: sweep.notify,
    };
    // One prompt needs no list: the batch is then an ordinary single-prompt sweep.
    if (sweep.prompts.length > 1) body.prompts = sweep.prompts.map((p) => p.text);
    return (await this.batches.create(auth, body)) as CreatedBatch;
  }
}
