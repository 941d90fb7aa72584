import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as auditMigration from '../../src/db/migrations/20261205000100-create-audit-log.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createExperiment, createUser, type TestUser } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

type Entry = {
  id: number;
  user_id: number | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  request_id: string | null;
  ip: string | null;
  changes: { fields: string[]; [key: string]: unknown } | null;
  created_at: string;
};

describe.each(testDatabaseKinds())('audit trail on $name', (kind) => {
  let ctx: TestContext;
  let admin: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext(kind);
    admin = await createUser(ctx, { role: 'admin' });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const audit = async (query: Record<string, string | number> = {}) => {
    const res = await request(ctx.app).get('/api/admin/audit').query(query).set(admin.headers);
    expect(res.status).toBe(200);
    return res.body.data as { entries: Entry[]; pagination: Record<string, unknown> };
  };
  const entriesOf = async (userId: number) =>
    (await audit({ user_id: userId, limit: 100 })).entries.reverse();

  it('when a user changes experiments, batches, datasets and their account, then each success is one entry with actor, action, resource, request id, IP and field names', async () => {
    const user = await createUser(ctx, { password: 'first-secret-password' });
    const api = () => request(ctx.app);

    const created = await api()
      .post('/api/experiments')
      .set(user.headers)
      .send({ name: 'Audited', prompt: 'Say hi', tags: ['a'] });
    const experimentId = created.body.data.experiment.id as number;
    const updated = await api()
      .put(`/api/experiments/${experimentId}`)
      .set(user.headers)
      .send({ description: 'changed', parameters: { temperature: 0.5 } });
    const batch = await api()
      .post('/api/batch-experiments')
      .set(user.headers)
      .send({ name: 'B', prompt: 'Say hi', parameter_ranges: { top_p: { values: [1] } } });
    const batchId = batch.body.data.batch_experiment.id as number;
    const control = [];
    for (const action of ['pause', 'resume', 'stop']) {
      control.push(
        await api()
          .post(`/api/batch-experiments/${batchId}/control`)
          .set(user.headers)
          .send({ action }),
      );
    }
    const dataset = await api()
      .post('/api/datasets')
      .set(user.headers)
      .send({ name: 'D', category: 'qa', prompts: [{ text: 'What is 2+2?' }] });
    const datasetId = dataset.body.data.dataset.id as number;
    const datasetUpdate = await api()
      .put(`/api/datasets/${datasetId}`)
      .set(user.headers)
      .send({ name: 'D2' });
    const datasetDelete = await api().delete(`/api/datasets/${datasetId}`).set(user.headers);
    const keyCreated = await api().post('/api/auth/api-key').set(user.headers);
    const keyRevoked = await api().delete('/api/auth/api-key').set(user.headers);
    // Nothing left to revoke: a success that changed nothing is not an entry.
    await api().delete('/api/auth/api-key').set(user.headers).expect(200);
    const password = await api()
      .put('/api/auth/password')
      .set(user.headers)
      .send({ current_password: 'first-secret-password', new_password: 'second-secret-password' });
    const deleted = await api().delete(`/api/experiments/${experimentId}`).set(user.headers);
    const all = [created, updated, batch, ...control, dataset, datasetUpdate, datasetDelete];
    for (const res of [...all, keyCreated, keyRevoked, password, deleted]) {
      expect(res.status).toBeLessThan(300);
    }

    const entries = await entriesOf(user.id);

    expect(entries.map((e) => [e.resource_type, e.action, e.resource_id])).toEqual([
      ['user', 'register', String(user.id)],
      ['experiment', 'create', String(experimentId)],
      ['experiment', 'update', String(experimentId)],
      ['batch_experiment', 'create', String(batchId)],
      ['batch_experiment', 'pause', String(batchId)],
      ['batch_experiment', 'resume', String(batchId)],
      ['batch_experiment', 'stop', String(batchId)],
      ['dataset', 'create', String(datasetId)],
      ['dataset', 'update', String(datasetId)],
      ['dataset', 'delete', String(datasetId)],
      ['user', 'api_key_create', String(user.id)],
      ['user', 'api_key_revoke', String(user.id)],
      ['user', 'password_change', String(user.id)],
      ['experiment', 'delete', String(experimentId)],
    ]);
    for (const entry of entries) {
      expect(entry.user_id).toBe(user.id);
      expect(entry.request_id).toMatch(/^req_[0-9a-f]{32}$/);
      expect(entry.ip).toMatch(/127\.0\.0\.1|::1/);
      expect(new Date(entry.created_at).toISOString()).toBe(entry.created_at);
    }
    // The request id is the one the client saw in X-Request-Id.
    expect(entries[1]!.request_id).toBe(created.headers['x-request-id']);
    expect(entries[2]!.request_id).toBe(updated.headers['x-request-id']);
    expect(entries[1]!.changes!.fields).toEqual(['name', 'prompt', 'tags']);
    expect(entries[2]!.changes!.fields).toEqual(['description', 'parameters']);
    expect(entries[8]!.changes!.fields).toEqual(['name']);
    expect(entries[12]!.changes!.fields).toEqual(['password']);
    // Field names only: no value a user sent, and never a secret.
    const stored = JSON.stringify(entries);
    for (const value of ['first-secret-password', 'second-secret-password', 'changed', 'D2']) {
      expect(stored).not.toContain(value);
    }
    expect(stored).not.toContain(keyCreated.body.data.api_key);
  });

  it('when requests fail (validation, foreign or missing resource, conflict, wrong password), then nothing is recorded', async () => {
    const owner = await createUser(ctx);
    const intruder = await createUser(ctx);
    const experiment = await createExperiment(ctx, owner);
    const before = await entriesOf(intruder.id);

    const failures = [
      await request(ctx.app).post('/api/experiments').set(intruder.headers).send({ name: '' }),
      await request(ctx.app)
        .put(`/api/experiments/${experiment.id}`)
        .set(intruder.headers)
        .send({ name: 'stolen' }),
      await request(ctx.app).delete(`/api/experiments/${experiment.id}`).set(intruder.headers),
      await request(ctx.app).delete('/api/datasets/999999').set(intruder.headers),
      await request(ctx.app)
        .put('/api/auth/password')
        .set(intruder.headers)
        .send({ current_password: 'not-my-password', new_password: 'whatever-long' }),
      await request(ctx.app)
        .post('/api/auth/register')
        .send({ username: intruder.username, email: intruder.email, password: 'another-one' }),
    ];

    expect(failures.map((r) => r.status)).toEqual([400, 404, 404, 404, 400, 409]);
    expect(await entriesOf(intruder.id)).toEqual(before);
  });

  it('when the trail is filtered by user, resource type, action and dates, then only matching entries come back, paginated', async () => {
    const user = await createUser(ctx);
    for (let i = 0; i < 3; i++) await createExperiment(ctx, user, { name: `E${i}` });
    const start = new Date(Date.now() - 60_000).toISOString();

    const byUser = await audit({ user_id: user.id, resource_type: 'experiment', limit: 2 });
    const secondPage = await audit({
      user_id: user.id,
      resource_type: 'experiment',
      limit: 2,
      page: 2,
    });
    const registrations = await audit({ user_id: user.id, action: 'register' });
    const inRange = await audit({ user_id: user.id, from: start, to: new Date().toISOString() });
    const future = await audit({ user_id: user.id, from: '2999-01-01' });
    const past = await audit({ user_id: user.id, to: '2000-01-01' });

    expect(byUser.entries).toHaveLength(2);
    expect(byUser.pagination).toEqual({
      current_page: 1,
      total_pages: 2,
      total_items: 3,
      per_page: 2,
      has_next: true,
      has_prev: false,
    });
    expect(secondPage.entries).toHaveLength(1);
    expect(secondPage.pagination).toMatchObject({ current_page: 2, has_next: false });
    // Newest first, no entry twice.
    const ids = [...byUser.entries, ...secondPage.entries].map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    for (const entry of [...byUser.entries, ...secondPage.entries]) {
      expect(entry).toMatchObject({ user_id: user.id, resource_type: 'experiment' });
    }
    expect(registrations.entries.map((e) => e.action)).toEqual(['register']);
    expect(inRange.pagination.total_items).toBe(4);
    expect(future.entries).toEqual([]);
    expect(past.entries).toEqual([]);
  });

  it('when a non-admin or an anonymous caller reads the trail, or a filter is invalid, then 403, 401 and 400', async () => {
    const user = await createUser(ctx);

    const asUser = await request(ctx.app).get('/api/admin/audit').set(user.headers);
    const anonymous = await request(ctx.app).get('/api/admin/audit');
    const badFilter = await request(ctx.app)
      .get('/api/admin/audit?resource_type=planet&from=yesterday')
      .set(admin.headers);
    const docs = await request(ctx.app).get('/api/openapi.json');

    expect(asUser.status).toBe(403);
    expect(asUser.body.error.code).toBe('FORBIDDEN');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHORIZED');
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error.code).toBe('VALIDATION_ERROR');
    expect(docs.body.paths['/api/admin/audit'].get.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'user_id' }),
        expect.objectContaining({ name: 'resource_type' }),
        expect.objectContaining({ name: 'from' }),
      ]),
    );
  });

  it('when the audit migration is reverted and applied again, then the table goes and comes back', async () => {
    const qi = ctx.db.sequelize.getQueryInterface();
    const tables = async () =>
      (await qi.showAllTables()).map((t) => (typeof t === 'string' ? t : String(t)));

    await auditMigration.down({ context: qi });
    const afterDown = await tables();
    await auditMigration.up({ context: qi });
    const afterUp = await tables();
    await createExperiment(ctx, admin);

    expect(afterDown).not.toContain('audit_logs');
    expect(afterUp).toContain('audit_logs');
    expect((await audit({ user_id: admin.id })).entries[0]).toMatchObject({
      action: 'create',
      resource_type: 'experiment',
    });
  });
});
