import SwaggerParser from '@apidevtools/swagger-parser';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

// The documents are built from route definitions only; the database kind does not matter.
describe('API documentation (on sqlite)', () => {
  let ctx: TestContext;
  let openapi: Record<string, any>;
  let overview: Record<string, any>;

  beforeAll(async () => {
    ctx = await createTestContext({ name: 'sqlite' });
    openapi = (await request(ctx.app).get('/api/openapi.json').expect(200)).body;
    overview = (await request(ctx.app).get('/api/docs').expect(200)).body;
  });
  afterAll(async () => {
    await ctx?.close();
  });

  describe('GET /api/docs', () => {
    it('when requested, then it answers the spec shape: title, version, description and endpoints', async () => {
      const res = await request(ctx.app).get('/api/docs');

      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({
        title: 'LLM Response Quality Analyzer API',
        version: ctx.config.version,
        description: expect.stringMatching(/quality/i),
        endpoints: {
          experiments: 'Experiment management',
          auth: expect.any(String),
          system: expect.any(String),
        },
        openapi: '/api/openapi.json',
        ui: '/api/docs/ui',
      });
      // The bare document of the spec, not wrapped in { success, data }.
      expect(res.body).not.toHaveProperty('success');
    });

    it('when requested, then every listed route exists in the OpenAPI document with the same auth requirement', () => {
      const routes = overview.routes as {
        method: string;
        path: string;
        summary: string;
        auth: boolean;
      }[];
      expect(routes.length).toBeGreaterThanOrEqual(10);

      for (const route of routes) {
        const path = route.path.replace(/:([A-Za-z_]+)/g, '{$1}');
        const operation = openapi.paths[path]?.[route.method.toLowerCase()];
        expect(operation, `${route.method} ${route.path}`).toBeDefined();
        expect(operation.summary).toBe(route.summary);
        expect(Boolean(operation.security), `${route.method} ${route.path}`).toBe(route.auth);
      }
    });

    it('when requested, then each endpoints section names a tag that some route actually carries', () => {
      const tags = new Set(
        Object.values(openapi.paths).flatMap((item: any) =>
          METHODS.flatMap((m) => (item[m]?.tags as string[] | undefined) ?? []),
        ),
      );

      for (const section of Object.keys(overview.endpoints)) expect(tags).toContain(section);
    });
  });

  describe('GET /api/openapi.json', () => {
    it('when validated with swagger-parser, then it is a valid OpenAPI 3 document', async () => {
      const validated = await SwaggerParser.validate(structuredClone(openapi) as any);

      expect(validated).toBeDefined();
      expect(openapi.openapi).toMatch(/^3\.\d+\.\d+$/);
      expect(openapi.info).toMatchObject({
        title: 'LLM Response Quality Analyzer API',
        version: ctx.config.version,
      });
    });

    it('when read, then it documents the experiments, auth and system paths with their methods', () => {
      const methodsOf = (path: string) =>
        METHODS.filter((m) => openapi.paths[path]?.[m] !== undefined);

      expect(methodsOf('/api/experiments')).toEqual(['get', 'post']);
      expect(methodsOf('/api/experiments/{id}')).toEqual(['get', 'put', 'delete']);
      expect(methodsOf('/api/auth/register')).toEqual(['post']);
      expect(methodsOf('/api/auth/login')).toEqual(['post']);
      expect(methodsOf('/api/auth/me')).toEqual(['get']);
      expect(methodsOf('/api/auth/api-key')).toEqual(['post', 'delete']);
      expect(methodsOf('/api/auth/password')).toEqual(['put']);
      expect(methodsOf('/api/admin/audit')).toEqual(['get']);
      expect(methodsOf('/api/health')).toEqual(['get']);
      expect(methodsOf('/api/docs')).toEqual(['get']);
      expect(methodsOf('/api/openapi.json')).toEqual(['get']);
      // Express-style ":id" never leaks into the document.
      expect(Object.keys(openapi.paths).join(' ')).not.toContain(':');
    });

    it('when read, then bearer and API-key security schemes exist and protected operations require one of them', () => {
      expect(openapi.components.securitySchemes).toEqual({
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      });
      const listExperiments = openapi.paths['/api/experiments'].get;
      const register = openapi.paths['/api/auth/register'].post;
      const health = openapi.paths['/api/health'].get;

      expect(listExperiments.security).toEqual([{ bearerAuth: [] }, { apiKeyAuth: [] }]);
      expect(listExperiments.responses['401']).toBeDefined();
      for (const publicOperation of [register, health]) {
        expect(publicOperation.security).toBeUndefined();
        expect(publicOperation.responses['401']).toBeUndefined();
      }
    });

    it('when read, then request bodies carry the validation rules (e.g. password of at least 8)', () => {
      const register =
        openapi.paths['/api/auth/register'].post.requestBody.content['application/json'].schema;
      const login =
        openapi.paths['/api/auth/login'].post.responses['200'].content['application/json'].schema;

      expect(register.required).toEqual(expect.arrayContaining(['username', 'email', 'password']));
      expect(register.properties.password.minLength).toBe(8);
      expect(login.properties.data.required).toEqual(
        expect.arrayContaining(['user', 'token', 'expires_in']),
      );
      const idParam = openapi.paths['/api/experiments/{id}'].get.parameters.find(
        (p: any) => p.name === 'id',
      );
      expect(idParam).toMatchObject({ in: 'path', required: true });
    });

    it('when read, then errors reference the shared ErrorEnvelope schema', () => {
      const envelope = openapi.components.schemas.ErrorEnvelope;
      const notFound = openapi.paths['/api/experiments/{id}'].get.responses['404'];

      expect(envelope.properties.error.required).toEqual(
        expect.arrayContaining(['code', 'message', 'timestamp', 'request_id']),
      );
      expect(notFound.content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/ErrorEnvelope',
      });
    });

    it('when a route can answer CONFLICT, PAYLOAD_TOO_LARGE or a login failure, then the document says so', () => {
      const register = openapi.paths['/api/auth/register'].post.responses;
      const login = openapi.paths['/api/auth/login'].post;
      const create = openapi.paths['/api/experiments'].post.responses;
      const list = openapi.paths['/api/experiments'].get.responses;

      expect(register['409']).toBeDefined();
      expect(register['413']).toBeDefined();
      expect(create['413']).toBeDefined();
      expect(list['413']).toBeUndefined();
      // Login is public, yet wrong credentials answer 401.
      expect(login.security).toBeUndefined();
      expect(login.responses['401'].content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/ErrorEnvelope',
      });
    });
  });

  describe('Swagger UI', () => {
    it('when /api/docs/ui/ is requested, then Swagger UI HTML is served', async () => {
      const res = await request(ctx.app).get('/api/docs/ui/');

      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('<title>Swagger UI</title>');
      expect(res.text).toContain('swagger-ui');
    });

    it('when /api/docs/ui is requested without the slash, then it redirects to /api/docs/ui/', async () => {
      const res = await request(ctx.app).get('/api/docs/ui');

      expect(res.status).toBe(301);
      expect(res.headers.location).toBe('/api/docs/ui/');
    });

    it('when the UI loads its assets, then the init script embeds this API and the CSS is served', async () => {
      const init = await request(ctx.app).get('/api/docs/ui/swagger-ui-init.js');
      const css = await request(ctx.app).get('/api/docs/ui/swagger-ui.css');

      expect(init.status).toBe(200);
      expect(init.headers['content-type']).toMatch(/javascript/);
      expect(init.text).toContain('/api/experiments/{id}');
      expect(css.status).toBe(200);
      expect(css.headers['content-type']).toMatch(/^text\/css/);
    });
  });
});
