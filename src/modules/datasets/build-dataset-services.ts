import type { Database } from '../../db/index.js';
import type { BatchExperimentsService } from '../batch-experiments/batch-experiments.service.js';
import { BatchServiceLauncher } from './batch-launcher.js';
import { DatasetImportService } from './dataset-import.service.js';
import { DatasetRunService, type DatasetRunSettings } from './dataset-run.service.js';
import { DatasetRunsRepository } from './dataset-runs.repository.js';
import type { DatasetServices } from './datasets.routes.js';
import { DatasetsRepository } from './datasets.repository.js';
import { DatasetsService } from './datasets.service.js';
import { PromptSuggestions } from './prompt-suggestions.js';
import { PromptSuggestionsRepository } from './prompt-suggestions.repository.js';

/** The datasets feature wired from the database and the batch service (for runs). */
export function buildDatasetServices(
  db: Database,
  batches: BatchExperimentsService,
  settings: DatasetRunSettings,
): DatasetServices {
  const repository = new DatasetsRepository(db);
  const datasets = new DatasetsService(repository);
  return {
    datasets,
    imports: new DatasetImportService(datasets),
    suggestions: new PromptSuggestions(new PromptSuggestionsRepository(db, repository)),
    runs: new DatasetRunService(
      datasets,
      new DatasetRunsRepository(db),
      batches,
      new BatchServiceLauncher(batches),
      settings,
    ),
  };
}
