import type { RequestHandler } from 'express';
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../http/define-route.js';
import { IdParamSchema } from '../../lib/query-params.js';
import { writeBatchZip } from './batch-export.js';
import { writeSweep } from './batch-sweep-export.js';
import { streamDownload } from './download.js';
import { writeExperiment } from './experiment-export.js';
import {
  BatchExperimentExportQuerySchema,
  BatchExportBodySchema,
  ExperimentIdParamSchema,
  ExportQuerySchema,
  MAX_BATCH_EXPORT_IDS,
  resolveWindow,
} from './exports.schemas.js';
import type { ExportsService } from './exports.service.js';
import { downloadName } from './file-names.js';

const tags = ['exports'];

const TemplateSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  fields: z.array(z.string()).describe('Field names; "*" means every column'),
  columns: z.array(z.string()).describe('The columns this template yields'),
});

const ExperimentExportSchema = z.object({
  experiment: z
    .object({
      id: z.number().int(),
      name: z.string(),
      export_timestamp: z.string(),
      metadata: z.record(z.string(), z.unknown()),
    })
    .catchall(z.unknown()),
  responses: z.array(z.record(z.string(), z.unknown())),
});

const FILE_FORMATS =
  'format=json streams the document below (application/json); csv streams text/csv (UTF-8 with BOM, RFC 4180, one row per response, parameters and metrics flattened into columns); xlsx streams a workbook with Experiment summary, Responses and Metrics sheets. Sent as an attachment (Content-Disposition) named <experiment-name>-<date>.<ext>.';

const RATE_LIMIT_NOTE =
  'Counts towards the export limit (EXPORT_RATE_LIMIT_PER_HOUR, 20 per hour).';

export function exportRoutes(service: ExportsService, limiter?: RequestHandler): RouteDefinition[] {
  const middleware = limiter ? { middleware: [limiter] } : {};
  return [
    defineRoute({
      method: 'get',
      path: '/export/templates',
      summary: 'Export templates: named field lists that pick the columns of any export format',
      tags,
      response: {
        status: 200,
        description: 'Templates',
        schema: z.object({ templates: z.array(TemplateSchema) }),
      },
      handler: async () => ({ data: service.templates() }),
    }),
    defineRoute({
      method: 'get',
      path: '/export/batch-experiments/:id',
      summary: "A batch sweep's per-combination results as a file (json, csv or xlsx)",
      description: `json: { batch_experiment, results, analysis } as the results API computes them; csv: one row per combination; xlsx: Batch summary, Combinations and Iterations sheets. ${RATE_LIMIT_NOTE}`,
      tags,
      request: { params: IdParamSchema, query: BatchExperimentExportQuerySchema },
      ...middleware,
      response: {
        status: 200,
        description: 'The file, streamed as an attachment',
        schema: z.record(z.string(), z.unknown()),
      },
      handler: async ({ req, res, auth, params, query }) => {
        const plan = await service.sweep(auth, params.id);
        const name = downloadName(
          String(plan.batch.name ?? ''),
          query.format,
          `batch-${params.id}`,
        );
        await streamDownload(req, res, { name, type: query.format }, (sink, signal) =>
          writeSweep(query.format, plan, sink, signal),
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/export/batch',
      summary: 'Several experiments in one zip: a file per experiment, plus an analysis file',
      description: `Every id must be one of your experiments (admins: any); one unknown or foreign id answers 404 before anything is written. At most ${MAX_BATCH_EXPORT_IDS} ids. include_analysis adds analysis.<format>: per-experiment statistics (mean, sample std dev, best, worst, cost, tokens, latency, metric means, rank) and a comparison. ${RATE_LIMIT_NOTE}`,
      tags,
      request: { body: BatchExportBodySchema },
      ...middleware,
      response: {
        status: 200,
        description: 'application/zip, streamed as an attachment',
        envelope: false,
      },
      handler: async ({ req, res, auth, body }) => {
        const plans = await service.experiments(auth, body.experiment_ids, {
          template: body.template,
          includeResponses: body.include_responses,
          includeMetrics: body.include_metrics,
          window: {},
        });
        const analysis = body.include_analysis ? service.analysis(plans) : undefined;
        const name = downloadName(`experiments export`, 'zip', 'experiments-export');
        await streamDownload(req, res, { name, type: 'zip' }, (sink, signal) =>
          writeBatchZip(plans, body.format, analysis, sink, signal),
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/export/:experimentId',
      summary: 'Export an experiment with its responses and metrics (json, csv or xlsx)',
      description: `${FILE_FORMATS} include_responses=false leaves out the response content, include_metrics=false the quality metrics; date_from/date_to (or date_range) keep responses created in that window; template picks the columns (GET /api/export/templates). ${RATE_LIMIT_NOTE}`,
      tags,
      request: { params: ExperimentIdParamSchema, query: ExportQuerySchema },
      ...middleware,
      response: {
        status: 200,
        description: 'The export (JSON shown; CSV and XLSX are files)',
        schema: ExperimentExportSchema,
      },
      handler: async ({ req, res, auth, params, query }) => {
        const plan = await service.experiment(auth, params.experimentId, {
          template: query.template,
          includeResponses: query.include_responses,
          includeMetrics: query.include_metrics,
          window: resolveWindow(query),
        });
        const name = downloadName(
          plan.experiment.name,
          query.format,
          `experiment-${plan.experiment.id}`,
        );
        await streamDownload(req, res, { name, type: query.format }, (sink, signal) =>
          writeExperiment(query.format, plan, sink, signal),
        );
      },
    }),
  ];
}
