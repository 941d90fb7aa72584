/** Serving the built web app from the API process: caching, SPA fallback, and what stays JSON. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/lib/logger.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const INDEX =
  '<!doctype html><html><body><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script></body></html>';
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('static web app', () => {
  let ctx: TestContext;
  let built: string;
  let empty: string;
  let app: Express;
  let unbuilt: Express;

  beforeAll(async () => {
    ctx = await createTestContext({ name: 'sqlite' });
    built = mkdtempSync(join(tmpdir(), 'lqa-web-test-'));
    mkdirSync(join(built, 'assets'));
    writeFileSync(join(built, 'index.html'), INDEX);
    writeFileSync(join(built, 'assets', 'index-abc123.js'), 'console.log("app")');
    empty = mkdtempSync(join(tmpdir(), 'lqa-web-empty-'));
    const deps = {
      config: ctx.config,
      db: ctx.db,
      logger: createLogger('silent'),
      services: ctx.services,
    };
    app = createApp({ ...deps, webDir: built });
    unbuilt = createApp({ ...deps, webDir: empty });
  });

  afterAll(async () => {
    await ctx?.close();
    rmSync(built, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  });

  it('when / is requested, then index.html is served and never cached', async () => {
    const res = await request(app).get('/');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.text).toBe(INDEX);
  });

  it('when index.html is requested by name, then it is not cached either', async () => {
    const res = await request(app).get('/index.html');

    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('when a hashed asset is requested, then it is served with a year-long immutable cache', async () => {
    const res = await request(app).get('/assets/index-abc123.js');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('when a browser navigates to a client-side route, then index.html answers (SPA fallback)', async () => {
    const res = await request(app).get('/experiments/42/edit').set('Accept', HTML);

    expect(res.status).toBe(200);
    expect(res.text).toBe(INDEX);
  });

  it('when an unknown /api path is requested, even by a browser, then the API 404 envelope answers', async () => {
    const res = await request(app).get('/api/no-such-thing').set('Accept', HTML);

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('when a missing asset or a non-browser client asks for an unknown path, then the 404 envelope answers', async () => {
    const asset = await request(app).get('/assets/gone-123.js').set('Accept', HTML);
    const script = await request(app).get('/not-a-page');

    expect(asset.status).toBe(404);
    expect(script.status).toBe(404);
    expect(script.body.error.code).toBe('NOT_FOUND');
  });

  it('when the page is served, then the CSP lets it load its scripts and open WebSockets to this origin', async () => {
    const res = await request(app).get('/');

    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' ws: wss:");
  });

  it('when the app was never built, then / explains how to build it and other pages keep the 404', async () => {
    const root = await request(unbuilt).get('/');
    const page = await request(unbuilt).get('/experiments').set('Accept', HTML);

    expect(root.status).toBe(200);
    expect(root.text).toContain('npm run build');
    expect(page.status).toBe(404);
  });
});
