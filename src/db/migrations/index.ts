import type { QueryInterface } from 'sequelize';
import * as createCoreTables from './20261204000000-create-core-tables.js';
import * as usernameCaseInsensitive from './20261204000100-add-username-case-insensitive-unique.js';
import * as qualityMetricsMetadata from './20261204000200-add-quality-metrics-metadata.js';
import * as batchExecution from './20261204000300-add-batch-execution.js';
import * as batchNotify from './20261204000400-add-batch-notify.js';
import * as analyticsIndexes from './20261204000500-add-analytics-indexes.js';
import * as datasetSystemAndRuns from './20261204000550-add-dataset-system-and-runs.js';
import * as seedStarterDatasets from './20261204000600-seed-starter-datasets.js';
import * as exportKeysetIndex from './20261204000700-add-responses-experiment-keyset-index.js';
import * as batchPrompts from './20261204000800-add-batch-prompts.js';
import * as auditLog from './20261205000100-create-audit-log.js';
import * as analyticsRollups from './20261205000200-create-analytics-rollups.js';
import * as batchStatusIndex from './20261205000300-responses-batch-status-index.js';

export interface Migration {
  name: string;
  up: (params: { context: QueryInterface }) => Promise<void>;
  down: (params: { context: QueryInterface }) => Promise<void>;
}

/**
 * Every migration, in order. Listed explicitly (not globbed) so the same list runs from the
 * TypeScript sources under tests and from the compiled build in production.
 */
export const MIGRATIONS: Migration[] = [
  { name: '20261204000000-create-core-tables', ...createCoreTables },
  { name: '20261204000100-add-username-case-insensitive-unique', ...usernameCaseInsensitive },
  { name: '20261204000200-add-quality-metrics-metadata', ...qualityMetricsMetadata },
  { name: '20261204000300-add-batch-execution', ...batchExecution },
  { name: '20261204000400-add-batch-notify', ...batchNotify },
  { name: '20261204000500-add-analytics-indexes', ...analyticsIndexes },
  { name: '20261204000550-add-dataset-system-and-runs', ...datasetSystemAndRuns },
  { name: '20261204000600-seed-starter-datasets', ...seedStarterDatasets },
  { name: '20261204000700-add-responses-experiment-keyset-index', ...exportKeysetIndex },
  { name: '20261204000800-add-batch-prompts', ...batchPrompts },
  { name: '20261205000100-create-audit-log', ...auditLog },
  { name: '20261205000200-create-analytics-rollups', ...analyticsRollups },
  { name: '20261205000300-responses-batch-status-index', ...batchStatusIndex },
];
