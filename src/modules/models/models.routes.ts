import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../http/define-route.js';
import {
  ConnectionTestSchema,
  ModelsListSchema,
  SwitchModelBodySchema,
  TestConnectionQuerySchema,
} from './models.schemas.js';
import type { ModelsService } from './models.service.js';

const tags = ['models'];

export function modelRoutes(models: ModelsService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/models',
      summary: 'Providers and their models, with status, context window, price and capabilities',
      tags,
      response: { status: 200, description: 'Providers and models', schema: ModelsListSchema },
      handler: async ({ auth }) => ({ data: await models.list(auth) }),
    }),
    defineRoute({
      method: 'post',
      path: '/models/switch',
      summary: 'Set your default provider and model (used by experiments that name none)',
      tags,
      request: { body: SwitchModelBodySchema },
      response: {
        status: 200,
        description: 'Saved',
        schema: z.object({ current_provider: z.string(), current_model: z.string() }),
      },
      handler: async ({ auth, body }) => ({
        data: await models.switch(auth, body),
        message: `Switched to ${body.provider}:${body.model}`,
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/models/test-connection',
      summary: 'A timed round trip to a provider (default: your current one)',
      tags,
      request: { query: TestConnectionQuerySchema },
      response: {
        status: 200,
        description: 'Connection test result',
        schema: ConnectionTestSchema,
      },
      handler: async ({ auth, query }) => ({
        data: await models.testConnection(auth, query.provider),
      }),
    }),
  ];
}
