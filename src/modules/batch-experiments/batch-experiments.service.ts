import { ownerScope, type AuthContext } from '../../lib/auth-context.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { round } from '../../lib/numbers.js';
import { paginate, type Pagination } from '../../lib/pagination.js';
import type { ProviderRegistry, ResolvedModel } from '../../llm/registry.js';
import { resolveUsableModel } from '../models/resolve-usable-model.js';
import type { ExperimentsRepository } from '../experiments/experiments.repository.js';
import { withDefaults } from '../experiments/parameters.schema.js';
import type { BatchExperimentsRepository, BatchRow } from './batch-experiments.repository.js';
import type {
  CreateBatchBody,
  EstimateBatchBody,
  ListBatchesQuery,
} from './batch-experiments.schemas.js';
import { estimateCost, estimateSeconds } from './batch-estimates.js';
import { computeCounts, humanDuration } from './batch-progress.js';
import { combinationParameters, ranges } from './batch-plan.js';
import type { BatchRunner } from './batch-runner.js';
import { batchInsights, resultsSummary, summarizeCombinations } from './batch-stats.js';
import { toBatchDto, type BatchDetailDto, type BatchDto, type SweepEstimate } from './batch.dto.js';
import {
  countCombinations,
  expandCombinations,
  sweptParameters,
  type Combination,
} from './parameter-grid.js';
import type { Parameters } from '../experiments/parameters.schema.js';

export interface BatchSettings {
  /** Largest combinations × iterations accepted. */
  maxCells: number;
  /** Cells run at once (for the duration estimate). */
  concurrency: number;
  /** Seconds per cell assumed when this model has no measured latency yet. */
  fallbackSecondsPerCell: (providerId: string) => number;
  /** Whether SMTP is configured, so `notify.email` can be honoured. */
  emailEnabled?: boolean;
}

/** Batch sweeps: create (and queue), list, read with progress and statistics. */
export class BatchExperimentsService {
  constructor(
    private readonly batches: BatchExperimentsRepository,
    private readonly experiments: ExperimentsRepository,
    private readonly registry: ProviderRegistry,
    private readonly runner: BatchRunner,
    private readonly settings: BatchSettings,
  ) {}

  /**
   * What a sweep would be — its cells, grid, price and duration — after the same checks as a
   * creation (cell limit, usable model, email possible), writing nothing.
   */
  async estimate(body: EstimateBatchBody): Promise<SweepEstimate> {
    const design = await this.design(body);
    return {
      provider: design.resolved.providerId,
      model: design.resolved.model,
      total_combinations: design.combinations.length,
      iterations_per_combination: body.iterations_per_combination,
      total_cells: design.combinations.length * body.iterations_per_combination,
      max_cells: this.settings.maxCells,
      estimated_cost: round(design.estimatedCost, 6) ?? 0,
      estimated_duration: humanDuration(design.seconds),
      estimated_duration_seconds: Math.round(design.seconds),
      parameter_combinations: this.listed(design.combinations, body),
    };
  }

  private async design(body: EstimateBatchBody) {
    const iterations = body.iterations_per_combination;
    const promptCount = body.prompts?.length;
    const combinationCount = countCombinations(body.parameter_ranges) * (promptCount ?? 1);
    const cells = combinationCount * iterations;
    if (cells > this.settings.maxCells) {
      throw new ValidationError(
        `This sweep has ${combinationCount} combinations${promptCount ? ` (${promptCount} prompts × parameter settings)` : ''} × ${iterations} iterations = ${cells} cells; the maximum is ${this.settings.maxCells}. Narrow the ranges, use larger steps${promptCount ? ', fewer prompts' : ''} or fewer iterations.`,
        {
          field: 'parameter_ranges',
          value: cells,
          expected: `at most ${this.settings.maxCells} combinations × iterations`,
        },
      );
    }
    if (body.notify?.email !== undefined && !this.settings.emailEnabled) {
      throw new ValidationError(
        'email notifications need SMTP_URL on the server; use notify.webhook_url or ask the operator to configure SMTP_URL and SMTP_FROM',
        {
          field: 'notify.email',
          value: body.notify.email,
          expected: 'SMTP configured on the server',
        },
      );
    }
    const resolved = this.resolve(body.model ?? this.registry.defaults.model, body.provider);
    const base = withDefaults(body.base_parameters);
    const combinations = expandCombinations(body.parameter_ranges, base, promptCount);
    // Every prompt runs the same parameter grid: price the grid once per prompt.
    const grid = expandCombinations(body.parameter_ranges, base);
    const estimatedCost = (body.prompts ?? [body.prompt]).reduce(
      (sum, prompt) =>
        sum +
        estimateCost(
          this.registry.catalog,
          resolved.providerId,
          resolved.model,
          prompt,
          grid,
          iterations,
        ),
      0,
    );
    const perCell =
      (await this.batches.measuredLatencySeconds(resolved.providerId, resolved.model)) ??
      this.settings.fallbackSecondsPerCell(resolved.providerId);
    const seconds = estimateSeconds(cells, perCell, this.settings.concurrency);
    return { resolved, base, combinations, estimatedCost, seconds };
  }

  /** The grid as the API lists it: each combination's id, prompt and swept values. */
  private listed(combinations: Combination[], body: EstimateBatchBody) {
    return combinations.map((c) => ({
      combination_id: c.combination_id,
      ...(c.prompt_index !== undefined ? { prompt_index: c.prompt_index } : {}),
      ...sweptParameters(c, body.parameter_ranges),
    }));
  }

  async create(auth: AuthContext, body: CreateBatchBody) {
    const iterations = body.iterations_per_combination;
    const { resolved, base, combinations, estimatedCost, seconds } = await this.design(body);

    // The backing experiment: batch responses hang off it, so experiment views show them.
    const experimentId = await this.experiments.create({
      name: body.name,
      description: body.description ?? null,
      prompt: body.prompt,
      provider: resolved.providerId,
      model: resolved.model,
      parameters: base,
      tags: ['batch'],
      metadata: { batch: true },
      user_id: auth.userId,
    });
    const id = await this.batches.create({
      name: body.name,
      description: body.description ?? null,
      prompt: body.prompt,
      provider: resolved.providerId,
      model: resolved.model,
      parameter_ranges: body.parameter_ranges,
      base_parameters: base,
      combinations,
      prompts: body.prompts ?? null,
      iterations_per_combination: iterations,
      total_combinations: combinations.length,
      status: 'queued',
      priority: body.priority,
      user_id: auth.userId,
      experiment_id: experimentId,
      estimated_cost: estimatedCost,
      max_cost: body.max_cost ?? null,
      notify: body.notify ?? null,
      estimated_completion: new Date(Date.now() + seconds * 1000),
    });
    await this.experiments.update(experimentId, { metadata: { batch: true, batch_id: id } });
    const row = (await this.batches.findForJob(id))!;
    await this.runner.enqueueUnfinished(row);
    const dto = await this.toDto(row);
    return {
      ...dto,
      estimated_duration: humanDuration(seconds),
      parameter_combinations: this.listed(combinations, body),
    };
  }

  async list(
    auth: AuthContext,
    query: ListBatchesQuery,
  ): Promise<{ batch_experiments: BatchDto[]; pagination: Pagination }> {
    const { rows, total } = await this.batches.list(ownerScope(auth), query);
    return {
      batch_experiments: await Promise.all(rows.map((r) => this.toDto(r))),
      pagination: paginate(query.page, query.limit, total),
    };
  }

  async get(auth: AuthContext, id: number): Promise<BatchDetailDto> {
    const row = await this.find(auth, id);
    const dto = await this.toDto(row);
    const finalized = row.results_summary !== null && row.results_summary !== undefined;
    let summary = row.results_summary as Record<string, unknown> | null;
    let insights = (row.insights as string[] | null) ?? [];
    if (!finalized) {
      // Still running (or paused/stopped): the statistics of the cells so far.
      const cells = await this.batches.cells(id);
      const summaries = summarizeCombinations(cells, combinationParameters(row));
      summary = cells.length ? { ...resultsSummary(cells, summaries) } : null;
      insights = cells.length ? batchInsights(cells, summaries) : [];
    }
    // The combination worked most recently; none once the batch has ended.
    const active = ['queued', 'running', 'paused'].includes(row.status);
    const currentId = active ? await this.batches.latestCombinationId(id) : undefined;
    const current = currentId ? row.combinations?.[currentId - 1] : undefined;
    return {
      ...dto,
      estimated_completion: this.estimatedCompletion(row, dto),
      current_combination: current
        ? sweptParameters(current as unknown as Parameters, ranges(row))
        : null,
      results_summary: summary,
      insights,
    };
  }

  /** The batch if the caller may see it; 404 otherwise (also for other users' batches). */
  async find(auth: AuthContext, id: number): Promise<BatchRow> {
    const row = await this.batches.findById(ownerScope(auth), id);
    if (!row) throw new NotFoundError('Batch experiment', id);
    return row;
  }

  async toDto(row: BatchRow): Promise<BatchDto> {
    const [cellCounts, spent] = await Promise.all([
      this.batches.cellCounts(row.id),
      this.batches.spentCost(row.id),
    ]);
    const counts = computeCounts(
      row.combinations?.length ?? 0,
      row.iterations_per_combination,
      cellCounts,
    );
    return toBatchDto(row, counts, spent);
  }

  /** While running, extrapolated from the pace so far; otherwise as stored. */
  private estimatedCompletion(row: BatchRow, dto: BatchDto): string | null {
    if (row.status === 'completed' || row.status === 'failed') return dto.completed_at;
    const done = dto.completed_cells + dto.failed_cells;
    if (row.status !== 'running' || !dto.started_at || done === 0) return dto.estimated_completion;
    const elapsed = Date.now() - Date.parse(dto.started_at);
    const remaining = dto.total_cells - done;
    return new Date(Date.now() + (elapsed / done) * remaining).toISOString();
  }

  private resolve(model: string, provider: string | undefined): ResolvedModel {
    return resolveUsableModel(this.registry, model, provider);
  }
}
