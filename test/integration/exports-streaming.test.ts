import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ExportsRepository } from '../../src/modules/exports/exports.repository.js';
import { EXPORT_PAGE_SIZE } from '../../src/modules/exports/exports.service.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createExperiment, createUser, type TestUser } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const ROWS = 8000;
// 8000 × 4 KB = 32 MB: far more than socket and stream buffers hold, so a client that stops
// reading must stop the server's database reads too. Random text, so that zipping (xlsx)
// cannot shrink it below the buffers.
const content = () => randomBytes(3072).toString('base64');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(testDatabaseKinds())('export streaming on $name', (kind) => {
  let ctx: TestContext;
  let user: TestUser;
  let experimentId: number;
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    ctx = await createTestContext(kind);
    user = await createUser(ctx);
    experimentId = (await createExperiment(ctx, user)).id;
    for (let i = 0; i < ROWS; i += 500) {
      await ctx.db.models.Response.bulkCreate(
        Array.from({ length: 500 }, () => ({
          experiment_id: experimentId,
          content: content(),
          parameters: { temperature: 0.5 },
          status: 'completed',
        })),
      );
    }
    server = ctx.app.listen(0);
    port = (server.address() as AddressInfo).port;
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await ctx?.close();
  });

  /** Counts the pages the export reads and whether its reader was closed. */
  function watchPages() {
    const original = ExportsRepository.prototype.responsePages;
    const seen = { pages: 0, closed: false };
    vi.spyOn(ExportsRepository.prototype, 'responsePages').mockImplementation(function (
      this: ExportsRepository,
      ...args: Parameters<typeof original>
    ) {
      const inner = original.apply(this, args);
      return (async function* () {
        try {
          for await (const page of inner) {
            seen.pages += 1;
            yield page;
          }
        } finally {
          seen.closed = true;
        }
      })();
    });
    return seen;
  }

  it('when the whole export is read, then all pages are read once', async () => {
    const seen = watchPages();
    const res = await request(ctx.app)
      .get(`/api/export/${experimentId}?format=csv&template=basic`)
      .set(user.headers)
      .expect(200);
    expect(res.text.trim().split('\r\n')).toHaveLength(ROWS + 1);
    expect(seen).toEqual({ pages: Math.ceil(ROWS / EXPORT_PAGE_SIZE), closed: true });
  });

  it.each(['csv', 'json', 'xlsx'])(
    'when the client stops reading a %s export and disconnects, then the database reads stop and the server keeps serving',
    async (format) => {
      const seen = watchPages();
      await new Promise<void>((resolve, reject) => {
        const req = http.get(
          {
            port,
            path: `/api/export/${experimentId}?format=${format}`,
            headers: user.headers,
          },
          (res) => {
            expect(res.statusCode).toBe(200);
            res.once('data', () => {
              // Stop reading: backpressure must hold the server at the pages already read.
              res.pause();
              setTimeout(() => {
                req.destroy();
                resolve();
              }, 300);
            });
          },
        );
        req.on('error', (err) => {
          if (!req.destroyed) reject(err);
        });
      });
      for (let i = 0; i < 40 && !seen.closed; i++) await sleep(50);
      expect(seen.closed).toBe(true);
      // What was read fits in the socket and stream buffers: well under half of the rows.
      expect(seen.pages * EXPORT_PAGE_SIZE).toBeLessThanOrEqual(ROWS / 2);
      await request(ctx.app).get('/api/export/templates').set(user.headers).expect(200);
    },
  );

  it('when the database fails after streaming began, then the transfer is cut short (not a file that looks complete) and the process carries on', async () => {
    const original = ExportsRepository.prototype.responsePages;
    vi.spyOn(ExportsRepository.prototype, 'responsePages').mockImplementation(function (
      this: ExportsRepository,
      ...args: Parameters<typeof original>
    ) {
      const inner = original.apply(this, args);
      return (async function* () {
        const first = await inner.next();
        if (!first.done) yield first.value;
        await inner.return(undefined);
        throw new Error('simulated database failure mid-export');
      })();
    });
    for (const format of ['csv', 'json', 'xlsx']) {
      const outcome = await new Promise<{ status?: number; complete: boolean; bytes: number }>(
        (resolve) => {
          let bytes = 0;
          const req = http.get(
            { port, path: `/api/export/${experimentId}?format=${format}`, headers: user.headers },
            (res) => {
              res.on('data', (c: Buffer) => (bytes += c.length));
              res.on('close', () =>
                resolve({ status: res.statusCode, complete: res.complete, bytes }),
              );
            },
          );
          req.on('error', () => resolve({ complete: false, bytes }));
        },
      );
      expect(outcome.complete, format).toBe(false);
    }
    const ok = await request(ctx.app).get('/api/export/templates').set(user.headers).expect(200);
    expect(ok.body.success).toBe(true);
  });
});
