import type { AuthContext } from '../../lib/auth-context.js';
import type { CreateBatchBody } from '../batch-experiments/batch-experiments.schemas.js';
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
  launch(auth: AuthContext, sweep: PromptSweep): Promise<CreatedBatch>;
}

/** Launches through BatchExperimentsService (one multi-prompt batch per dataset run). */
export class BatchServiceLauncher implements BatchLauncher {
  constructor(private readonly batches: BatchExperimentsService) {}

  async launch(auth: AuthContext, sweep: PromptSweep): Promise<CreatedBatch> {
    const [first] = sweep.prompts;
    if (!first) throw new RangeError('A batch runs at least one prompt');
    const body: CreateBatchBody = {
      name: sweep.name,
      description: sweep.description,
      // The batch's display prompt (and its backing experiment's): the first one.
      prompt: first.text,
      // One prompt is an ordinary batch; several make a multi-prompt one (`prompt_index`).
      ...(sweep.prompts.length > 1 ? { prompts: sweep.prompts.map((p) => p.text) } : {}),
      model: sweep.model,
      provider: sweep.provider,
      parameter_ranges: sweep.parameter_ranges,
      base_parameters: sweep.base_parameters,
      iterations_per_combination: sweep.iterations_per_combination,
      priority: sweep.priority,
      max_cost: sweep.max_cost,
      notify: sweep.notify,
    };
    return (await this.batches.create(auth, body)) as CreatedBatch;
  }
}
