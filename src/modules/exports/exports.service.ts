import { ownerScope, type AuthContext } from '../../lib/auth-context.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import type { BatchExperimentsRepository } from '../batch-experiments/batch-experiments.repository.js';
import type { BatchExperimentsService } from '../batch-experiments/batch-experiments.service.js';
import { combinationParameters } from '../batch-experiments/batch-plan.js';
import { summarizeCombinations } from '../batch-experiments/batch-stats.js';
import { analyzeBatch, emptyAggregates, type BatchAnalysis } from './batch-analysis.js';
import type { SweepExportPlan } from './batch-sweep-export.js';
import type { ExperimentExportPlan } from './experiment-export.js';
import type { ExperimentRecord, ExportsRepository } from './exports.repository.js';
import type { DateWindow } from './exports.schemas.js';
import {
  DEFAULT_TEMPLATE,
  describeTemplates,
  selectColumns,
  type TemplateId,
} from './templates.js';

export interface ExportOptions {
  template?: TemplateId | undefined;
  includeResponses: boolean;
  includeMetrics: boolean;
  window: DateWindow;
}

export interface ExportSettings {
  /** Responses read per database round trip (keyset page). */
  pageSize: number;
}

/**
 * Rows per keyset page. A page that outlives two scavenges is promoted to V8's old space, and
 * the old space only shrinks at its next mark-compact, so the peak heap follows the page size
 * far more than the page count: on a 100,000-response export (in-process, heap peak), 1,000
 * rows per page peaked at ~260 MB, 250 at ~180–240 MB, 100 at ~85–95 MB (CSV, JSON and XLSX
 * alike), in the same or less time — 1,000 keyset reads cost less than the garbage.
 */
export const EXPORT_PAGE_SIZE = 100;

/**
 * Prepares exports: checks access and reads what is small (the experiment, its aggregates),
 * and hands back plans whose responses are read page by page only while a writer pulls them.
 * Nothing here knows about HTTP; the routes choose the writer and the sink.
 */
export class ExportsService {
  constructor(
    private readonly exports: ExportsRepository,
    private readonly batches: BatchExperimentsService,
    private readonly batchCells: BatchExperimentsRepository,
    private readonly settings: ExportSettings = { pageSize: EXPORT_PAGE_SIZE },
  ) {}

  templates() {
    return { templates: describeTemplates() };
  }

  /** One experiment's export plan; 404 when it does not exist or belongs to someone else. */
  async experiment(
    auth: AuthContext,
    id: number,
    options: ExportOptions,
  ): Promise<ExperimentExportPlan> {
    const [plan] = await this.experiments(auth, [id], options);
    return plan!;
  }

  /**
   * Plans for several experiments, in the order asked. Every id must be visible to the caller:
   * one foreign or unknown id fails the whole request (404) before anything is written.
   */
  async experiments(
    auth: AuthContext,
    ids: number[],
    options: ExportOptions,
  ): Promise<ExperimentExportPlan[]> {
    const found = await this.exports.findExperiments(ownerScope(auth), ids);
    const missing = ids.filter((id) => !found.some((e) => e.id === id));
    if (missing.length === 1) throw new NotFoundError('Experiment', missing[0]);
    if (missing.length > 1) {
      throw new AppError('NOT_FOUND', 404, `Experiments ${missing.join(', ')} not found`, {
        resource: 'Experiment',
        ids: missing,
      });
    }
    const aggregates = await this.exports.aggregates(ids, options.window);
    const selection = selectColumns(options.template ?? DEFAULT_TEMPLATE, {
      responses: options.includeResponses,
      metrics: options.includeMetrics,
    });
    const exportedAt = new Date();
    const needsContent = selection.columns.some((c) => c.group === 'content');
    return found.map((experiment) => ({
      experiment,
      aggregates: aggregates.get(experiment.id) ?? emptyAggregates(),
      selection,
      window: options.window,
      include: { responses: options.includeResponses, metrics: options.includeMetrics },
      exportedAt,
      pages: (signal?: AbortSignal, read?: { content: boolean }) =>
        this.exports.responsePages(experiment.id, options.window, {
          pageSize: this.settings.pageSize,
          withContent: needsContent && read?.content !== false,
          ...(signal ? { signal } : {}),
        }),
    }));
  }

  /** Summary statistics per experiment and a comparison, for a batch export's analysis file. */
  analysis(plans: ExperimentExportPlan[]): BatchAnalysis {
    const experiments: ExperimentRecord[] = plans.map((p) => p.experiment);
    return analyzeBatch(experiments, new Map(plans.map((p) => [p.experiment.id, p.aggregates])));
  }

  /** A batch sweep's per-combination results; 404 like the batch API for foreign batches. */
  async sweep(auth: AuthContext, id: number): Promise<SweepExportPlan> {
    const batch = await this.batches.find(auth, id);
    const cells = await this.batchCells.cells(id);
    return {
      batch,
      cells,
      summaries: summarizeCombinations(cells, combinationParameters(batch)),
      exportedAt: new Date(),
    };
  }
}
