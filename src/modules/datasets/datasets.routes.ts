import express, { type RequestHandler } from 'express';
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../http/define-route.js';
import { inputGuards } from '../../http/input-guards.js';
import { PaginationSchema } from '../../lib/pagination.js';
import { IdParamSchema } from '../../lib/query-params.js';
import { toValidationError } from '../../lib/zod-errors.js';
import type { DatasetImportService } from './dataset-import.service.js';
import {
  ImportBodySchema,
  ImportQuerySchema,
  RAW_IMPORT_LIMIT,
  RAW_IMPORT_TYPES,
  RawImportMetaSchema,
  type ImportRequest,
} from './dataset-import.schemas.js';
import { datasetRunRoutes } from './dataset-run.routes.js';
import type { DatasetRunService } from './dataset-run.service.js';
import { DatasetDetailSchema, DatasetSchema, PromptSchema } from './datasets.dto.js';
import {
  AddPromptsBodySchema,
  CreateDatasetBodySchema,
  DatasetPromptParamsSchema,
  GetDatasetQuerySchema,
  ListDatasetsQuerySchema,
  UpdateDatasetBodySchema,
} from './datasets.schemas.js';
import type { DatasetsService } from './datasets.service.js';
import {
  SUGGESTION_RANKING,
  SuggestionSchema,
  SuggestQuerySchema,
  type PromptSuggestions,
} from './prompt-suggestions.js';

const tags = ['datasets'];

export interface DatasetServices {
  datasets: DatasetsService;
  imports: DatasetImportService;
  suggestions: PromptSuggestions;
  runs: DatasetRunService;
}

/** Reads CSV / JSON Lines bodies as text; JSON bodies are already parsed app-wide. */
const rawFileBody = express.text({ type: Object.keys(RAW_IMPORT_TYPES), limit: RAW_IMPORT_LIMIT });

export function datasetRoutes(
  services: DatasetServices,
  runLimiter?: RequestHandler,
): RouteDefinition[] {
  const { datasets, imports, suggestions } = services;
  return [
    defineRoute({
      method: 'get',
      path: '/datasets',
      summary: 'Public datasets (the shipped starter ones included) and your own, with categories',
      tags,
      request: { query: ListDatasetsQuerySchema },
      response: {
        status: 200,
        description: 'A page of datasets and every category in use',
        schema: z.object({
          datasets: z.array(DatasetSchema),
          categories: z.array(z.string()),
          pagination: PaginationSchema,
        }),
      },
      handler: async ({ auth, query }) => ({ data: await datasets.list(auth, query) }),
    }),
    defineRoute({
      method: 'post',
      path: '/datasets',
      summary: 'Create a dataset, optionally with its prompts',
      tags,
      request: { body: CreateDatasetBodySchema },
      response: {
        status: 201,
        description: 'Created',
        schema: z.object({ dataset: DatasetSchema }),
      },
      handler: async ({ auth, body }) => ({
        data: { dataset: await datasets.create(auth, body) },
        message: 'Dataset created successfully',
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/datasets/import',
      summary: 'Create a dataset from a CSV or JSON Lines file',
      description:
        'Either JSON `{name, category, format: "csv"|"jsonl", content, skip_invalid?}`, or the file itself as the body with Content-Type text/csv, application/x-ndjson or application/jsonl (text/plain needs ?format=) and the dataset fields in the query (?name=&category=&public=&skip_invalid=). CSV needs a header with a `text` (or `prompt`) column; `tags` (separated by ; | or ,), `difficulty`, `category`, `expected_length` are optional and other columns go to the prompt\'s metadata. JSONL: one object per line with the same keys. Any invalid row and nothing is imported: details.errors lists each problem with row, line, field and problem — unless skip_invalid=true, which imports the valid rows and reports the others. Raw bodies up to 10 MB, JSON bodies up to 1 MB, at most 5000 rows.',
      tags,
      // The file arrives here, after the app-wide guards: check it for NUL characters too.
      middleware: [rawFileBody, inputGuards],
      request: { query: ImportQuerySchema, body: ImportBodySchema },
      response: {
        status: 201,
        description: 'Imported',
        schema: z.object({
          dataset: DatasetSchema,
          imported: z.number().int(),
          skipped: z.number().int(),
          errors: z.array(z.record(z.string(), z.unknown())),
        }),
      },
      handler: async ({ auth, query, body, req }) => {
        let request: ImportRequest;
        if (typeof body === 'string') {
          const input = {
            ...query,
            format: query.format ?? RAW_IMPORT_TYPES[req.is(Object.keys(RAW_IMPORT_TYPES)) || ''],
          };
          const meta = RawImportMetaSchema.safeParse(input);
          if (!meta.success) throw toValidationError(meta.error, input, 'query parameters');
          request = { ...meta.data, content: body, skipInvalid: meta.data.skip_invalid };
        } else {
          request = { ...body, skipInvalid: body.skip_invalid || query.skip_invalid === true };
        }
        const result = await imports.import(auth, request);
        return {
          status: 201,
          data: result,
          message: `Imported ${result.imported} prompt${result.imported === 1 ? '' : 's'}${result.skipped ? `, skipped ${result.skipped} invalid row${result.skipped === 1 ? '' : 's'}` : ''}`,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/datasets/:id',
      summary: 'A dataset with a page of its prompts (filter by difficulty or tags)',
      tags,
      request: { params: IdParamSchema, query: GetDatasetQuerySchema },
      response: {
        status: 200,
        description: 'The dataset',
        schema: z.object({ dataset: DatasetDetailSchema }),
      },
      handler: async ({ auth, params, query }) => ({
        data: { dataset: await datasets.get(auth, params.id, query) },
      }),
    }),
    defineRoute({
      method: 'put',
      path: '/datasets/:id',
      summary: 'Update a dataset (owner or admin; starter datasets: admin only)',
      tags,
      request: { params: IdParamSchema, body: UpdateDatasetBodySchema },
      errors: { 403: "A starter dataset or another user's public dataset (FORBIDDEN)" },
      response: {
        status: 200,
        description: 'Updated',
        schema: z.object({ dataset: DatasetSchema }),
      },
      handler: async ({ auth, params, body }) => ({
        data: { dataset: await datasets.update(auth, params.id, body) },
        message: 'Dataset updated successfully',
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/datasets/:id',
      summary: 'Delete a dataset with its prompts (owner or admin; starter datasets: admin only)',
      tags,
      request: { params: IdParamSchema },
      errors: { 403: "A starter dataset or another user's public dataset (FORBIDDEN)" },
      response: {
        status: 200,
        description: 'Deleted',
        schema: z.object({
          deleted_dataset_id: z.number().int(),
          deleted_prompts_count: z.number().int(),
        }),
      },
      handler: async ({ auth, params }) => ({
        data: await datasets.remove(auth, params.id),
        message: 'Dataset deleted successfully',
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/datasets/:id/prompts',
      summary: 'Add prompts: { prompts: [...] } or a single { text, tags, difficulty }',
      tags,
      request: { params: IdParamSchema, body: AddPromptsBodySchema },
      errors: { 403: "A starter dataset or another user's public dataset (FORBIDDEN)" },
      response: {
        status: 201,
        description: 'Added',
        schema: z.object({ prompts: z.array(PromptSchema), prompt_count: z.number().int() }),
      },
      handler: async ({ auth, params, body }) => ({
        data: await datasets.addPrompts(auth, params.id, body),
        message: `Added ${body.length} prompt${body.length === 1 ? '' : 's'}`,
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/datasets/:id/prompts/:promptId',
      summary: 'Remove one prompt from a dataset',
      tags,
      request: { params: DatasetPromptParamsSchema },
      errors: { 403: "A starter dataset or another user's public dataset (FORBIDDEN)" },
      response: {
        status: 200,
        description: 'Removed',
        schema: z.object({ deleted_prompt_id: z.number().int(), prompt_count: z.number().int() }),
      },
      handler: async ({ auth, params }) => ({
        data: await datasets.removePrompt(auth, params.id, params.promptId),
        message: 'Prompt deleted successfully',
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/prompts/suggest',
      summary: 'Prompt suggestions for an experiment type, by match and by your past scores',
      description: SUGGESTION_RANKING,
      tags: ['datasets', 'prompts'],
      request: { query: SuggestQuerySchema },
      response: {
        status: 200,
        description: 'Ranked suggestions; `ranking` explains the order',
        schema: z.object({
          suggestions: z.array(SuggestionSchema),
          criteria: z.record(z.string(), z.unknown()),
          ranking: z.string(),
        }),
      },
      handler: async ({ auth, query }) => ({ data: await suggestions.suggest(auth, query) }),
    }),
    ...datasetRunRoutes(services.runs, runLimiter),
  ];
}
