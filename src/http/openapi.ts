import {
  OpenAPIRegistry,
  OpenApiGeneratorV3,
  extendZodWithOpenApi,
} from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// Lets the registry attach component ids to zod schemas (`.openapi()`).
extendZodWithOpenApi(z);
import type { RouteDefinition } from './define-route.js';

/** The spec's error envelope, documented once and referenced by every operation. */
export const ErrorEnvelopeSchema = z.object({
  success: z.literal(false),
  error: z.object({
    code: z.string().describe('UPPER_SNAKE error code, e.g. VALIDATION_ERROR'),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
    timestamp: z.string().describe('ISO 8601 UTC'),
    request_id: z.string(),
  }),
});

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'Invalid input (VALIDATION_ERROR)',
  '401': 'Missing or invalid credentials (UNAUTHORIZED)',
  '404': 'Not found, or owned by another user (NOT_FOUND)',
  '429': 'Too many requests (RATE_LIMITED)',
  '500': 'Unexpected failure (INTERNAL_ERROR / DATABASE_ERROR)',
};

function toOpenApiPath(path: string): string {
  return `/api${path.replace(/:([A-Za-z_]+)/g, '{$1}')}`;
}

/** Builds the OpenAPI 3.0 document from the same route definitions the app mounts. */
export function buildOpenApiDocument(
  routes: RouteDefinition[],
  info: { title: string; version: string; description: string },
): ReturnType<OpenApiGeneratorV3['generateDocument']> {
  const registry = new OpenAPIRegistry();
  const errorRef = registry.register('ErrorEnvelope', ErrorEnvelopeSchema);
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  registry.registerComponent('securitySchemes', 'apiKeyAuth', {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
  });

  for (const route of routes) {
    const success =
      route.response.envelope === false
        ? (route.response.schema ?? z.unknown())
        : route.response.schema
          ? z.object({
              success: z.literal(true),
              data: route.response.schema,
              message: z.string().optional(),
            })
          : z.object({ success: z.literal(true), message: z.string().optional() });
    const documented: Record<string, string> = {
      ...Object.fromEntries(
        Object.entries(ERROR_RESPONSES).filter(
          ([status]) => route.auth !== false || status !== '401',
        ),
      ),
      // The 1 MB JSON limit applies to every route that takes a body.
      ...(route.request?.body
        ? { '413': 'Request body larger than 1 MB (PAYLOAD_TOO_LARGE)' }
        : {}),
      // Last, so a public route can still declare its own 401 (login).
      ...route.errors,
    };
    const errors = Object.fromEntries(
      Object.entries(documented).map(([status, description]) => [
        status,
        { description, content: { 'application/json': { schema: errorRef } } },
      ]),
    );
    registry.registerPath({
      method: route.method,
      path: toOpenApiPath(route.path),
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags,
      ...(route.auth === false ? {} : { security: [{ bearerAuth: [] }, { apiKeyAuth: [] }] }),
      request: {
        ...(route.request?.params ? { params: route.request.params } : {}),
        ...(route.request?.query ? { query: route.request.query } : {}),
        ...(route.request?.body
          ? {
              body: {
                required: true,
                content: { 'application/json': { schema: route.request.body } },
              },
            }
          : {}),
      },
      responses: {
        [String(route.response.status)]: {
          description: route.response.description,
          content: { 'application/json': { schema: success } },
        },
        ...errors,
      },
    });
  }

  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info,
    servers: [{ url: '/' }],
  });
}
