import { ownerScope, type AuthContext } from '../../lib/auth-context.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { toIso } from '../../lib/numbers.js';
import type { BatchExperimentsService } from '../batch-experiments/batch-experiments.service.js';
import { countCombinations, type ParameterRanges } from '../batch-experiments/parameter-grid.js';
import { withDefaults } from '../experiments/parameters.schema.js';
import type { BatchLauncher, CreatedBatch } from './batch-launcher.js';
import { foldRunResults, type RunResults } from './dataset-run-results.js';
import type { PromptFilter, RunDatasetBody } from './dataset-run.schemas.js';
import type { DatasetRunsRepository, RunRow } from './dataset-runs.repository.js';
import type { DatasetsService } from './datasets.service.js';

export interface DatasetRunSettings {
  /** Largest prompts × combinations × iterations one run may queue (BATCH_MAX_CELLS). */
  maxCells: number;
}

/**
 * Runs a dataset's prompts (all, or a filtered subset) against a model as ONE batch
 * experiment, so progress, results, WebSockets and exports are the batch module's; and reads a
 * run's results per prompt, per category and per difficulty.
 */
export class DatasetRunService {
  constructor(
    private readonly datasets: DatasetsService,
    private readonly runs: DatasetRunsRepository,
    private readonly batches: BatchExperimentsService,
    private readonly launcher: BatchLauncher,
    private readonly settings: DatasetRunSettings,
  ) {}

  async run(auth: AuthContext, datasetId: number, body: RunDatasetBody) {
    // Running reads the dataset only, so any dataset the caller can see may be run.
    const dataset = await this.datasets.findVisible(auth, datasetId);
    const filter: PromptFilter = {
      category: body.category,
      difficulty: body.difficulty,
      tags: body.tags,
      prompt_ids: body.prompt_ids,
      limit: body.limit,
    };
    if (body.prompt_ids) await this.checkPromptIds(datasetId, body.prompt_ids);
    const prompts = await this.runs.selectPrompts(datasetId, filter);
    if (prompts.length === 0) {
      throw new ValidationError(
        `No prompt of dataset ${datasetId} matches the selection; loosen category, difficulty or tags (GET /api/datasets/${datasetId} lists its prompts)`,
        {
          field: 'category',
          value: stripUndefined(filter),
          expected: 'A selection matching at least one prompt',
        },
      );
    }
    // Without ranges, one fixed point: the batch module sweeps at least one parameter.
    const ranges: ParameterRanges = body.parameter_ranges ?? {
      temperature: { values: [withDefaults(body.parameters).temperature] },
    };
    const combinations = countCombinations(ranges);
    const iterations = body.iterations_per_combination;
    const cells = prompts.length * combinations * iterations;
    if (cells > this.settings.maxCells) {
      throw new ValidationError(
        `This run is ${prompts.length} prompts × ${combinations} combinations × ${iterations} iterations = ${cells} cells; the maximum is ${this.settings.maxCells}. Select fewer prompts (limit, category, difficulty, tags) or narrow the ranges.`,
        { field: 'limit', value: cells, expected: `at most ${this.settings.maxCells} cells` },
      );
    }
    const batch = await this.launcher.launch(auth, {
      name: body.name ?? `${String(dataset.name ?? `Dataset ${datasetId}`)} run`.slice(0, 255),
      description: body.description ?? undefined,
      model: body.model,
      provider: body.provider,
      prompts,
      parameter_ranges: ranges,
      base_parameters: body.parameters,
      iterations_per_combination: iterations,
      priority: body.priority,
      max_cost: body.max_cost,
      notify: body.notify,
    });
    // The batch is queued already; should this insert fail, the batch still runs and stays
    // visible under /api/batch-experiments, only without its per-prompt view.
    const run = await this.runs.record({
      dataset_id: datasetId,
      batch_experiment_id: batch.id,
      user_id: auth.userId,
      prompts,
      filters: stripUndefined(filter),
    });
    return { run: { ...toRunDto(run), total_cells: cells }, batch_experiment: batch };
  }

  async list(auth: AuthContext, datasetId: number) {
    await this.datasets.findVisible(auth, datasetId);
    const runs = await this.runs.list(ownerScope(auth), datasetId);
    return { runs: runs.map(toRunDto) };
  }

  async results(
    auth: AuthContext,
    datasetId: number,
    batchId: number,
  ): Promise<Record<string, unknown> & RunResults> {
    await this.datasets.findVisible(auth, datasetId);
    const run = await this.runs.find(ownerScope(auth), datasetId, batchId);
    if (!run) throw new NotFoundError(`Run of batch ${batchId} on dataset`, datasetId);
    const batch = await this.batches.find(auth, batchId);
    const [dto, stats] = await Promise.all([
      this.batches.toDto(batch),
      this.runs.combinationStats(batchId),
    ]);
    // Convention shared with the batch module: a combination names its prompt by
    // `prompt_index`; batches from before multi-prompt support have one prompt (index 0).
    const combinations = batch.combinations ?? [];
    const promptIndexOf = (id: number) => Number(combinations[id - 1]?.prompt_index ?? 0);
    return {
      dataset_id: datasetId,
      batch_experiment_id: batchId,
      status: dto.status,
      progress: dto.progress,
      total_cells: dto.total_cells,
      ...foldRunResults(run.prompts, stats, promptIndexOf),
    };
  }

  private async checkPromptIds(datasetId: number, ids: number[]): Promise<void> {
    const found = await this.runs.selectPrompts(datasetId, { prompt_ids: ids });
    const present = new Set(found.map((p) => p.prompt_id));
    const missing = ids.filter((id) => !present.has(id));
    if (missing.length > 0) {
      throw new ValidationError(
        `Prompt${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not in dataset ${datasetId}`,
        { field: 'prompt_ids', value: missing, expected: `Ids of prompts of dataset ${datasetId}` },
      );
    }
  }
}

function toRunDto(run: RunRow) {
  return {
    dataset_id: run.dataset_id,
    batch_experiment_id: run.batch_experiment_id,
    user_id: run.user_id,
    prompt_count: run.prompts.length,
    prompts: run.prompts.map((p, i) => ({
      prompt_index: i,
      prompt_id: p.prompt_id,
      category: p.category,
      difficulty: p.difficulty,
      tags: p.tags,
    })),
    filters: run.filters,
    created_at: toIso(run.created_at) ?? '',
    links: {
      batch: `/api/batch-experiments/${run.batch_experiment_id}`,
      results: `/api/datasets/${run.dataset_id}/runs/${run.batch_experiment_id}/results`,
      websocket: `/ws/batch-experiments/${run.batch_experiment_id}`,
    },
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export type { CreatedBatch };
