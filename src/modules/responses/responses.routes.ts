import type { RequestHandler } from 'express';
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../http/define-route.js';
import { openSse, wantsEventStream } from '../../http/sse.js';
import { toAppError, errorEnvelope } from '../../http/error-handler.js';
import { PaginationSchema } from '../../lib/pagination.js';
import { IdParamSchema } from '../../lib/query-params.js';
import { GenerationService } from './generation.service.js';
import { ResponseSchema } from './response.dto.js';
import {
  ExperimentIdParamSchema,
  GenerateBodySchema,
  ListResponsesQuerySchema,
} from './responses.schemas.js';
import type { ResponsesService } from './responses.service.js';

const tags = ['responses'];

const OutcomeSchema = z.object({
  experiment_id: z.number().int(),
  responses: z.array(ResponseSchema),
  total_generated: z.number().int(),
  total_errors: z.number().int(),
  batch_summary: z.object({
    total_cost: z.number(),
    total_tokens: z.number().int(),
    average_response_time: z.number().nullable(),
  }),
});

const SummarySchema = z.object({
  total_responses: z.number().int(),
  average_quality: z.number().nullable(),
  total_cost: z.number(),
  total_tokens: z.number().int(),
});

export function responseRoutes(
  generation: GenerationService,
  responses: ResponsesService,
  generationLimiter: RequestHandler | undefined,
): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/responses/generate',
      summary:
        'Generate 1-20 responses for an experiment (JSON, or Server-Sent Events with Accept: text/event-stream)',
      description:
        'With `Accept: text/event-stream` the answer is an SSE stream: `started`, `delta` (token text while the ' +
        'provider streams), `response` (each stored response), `error` (a failed response), and a final ' +
        '`summary` with the same body as the JSON answer. Closing the connection cancels the remaining work.',
      tags,
      request: { body: GenerateBodySchema },
      middleware: generationLimiter ? [generationLimiter] : [],
      response: { status: 200, description: 'Generated responses', schema: OutcomeSchema },
      handler: async ({ auth, body, req, res }) => {
        if (!wantsEventStream(req)) {
          const run = await generation.generate(auth, body);
          GenerationService.assertAnySucceeded(run);
          return {
            data: run.outcome,
            message: `Generated ${run.outcome.total_generated} of ${body.count} responses`,
          };
        }
        const plan = await generation.prepare(auth, body);
        const sse = openSse(req, res);
        try {
          await generation.run(plan, {
            signal: sse.signal,
            stream: true,
            onEvent: (event) => {
              const { type, ...payload } = event;
              sse.send(type, type === 'summary' ? event.outcome : payload);
            },
          });
        } catch (err) {
          // Headers are already sent: an unexpected failure mid-run becomes a final error event.
          sse.send('error', errorEnvelope(toAppError(err), req.id).error);
        }
        sse.end();
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/responses/:id',
      summary: 'One response with its quality metrics and experiment',
      tags,
      request: { params: IdParamSchema },
      response: {
        status: 200,
        description: 'The response',
        schema: z.object({
          response: ResponseSchema.extend({
            experiment: z.object({ id: z.number().int(), name: z.string(), prompt: z.string() }),
          }),
        }),
      },
      handler: async ({ auth, params }) => ({
        data: { response: await responses.get(auth, params.id) },
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/experiments/:experimentId/responses',
      summary: "An experiment's responses, sortable and filterable by quality, with a summary",
      tags,
      request: { params: ExperimentIdParamSchema, query: ListResponsesQuerySchema },
      response: {
        status: 200,
        description: 'A page of responses',
        schema: z.object({
          experiment_id: z.number().int(),
          responses: z.array(ResponseSchema),
          summary: SummarySchema,
          pagination: PaginationSchema,
        }),
      },
      handler: async ({ auth, params, query }) => ({
        data: await responses.listForExperiment(auth, params.experimentId, query),
      }),
    }),
  ];
}
