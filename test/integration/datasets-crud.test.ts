import request, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createDataset, createUser, type TestUser } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

/** Asserts the spec's error envelope and returns its `error` block. */
function expectError(res: Response, status: number, code: string): Record<string, any> {
  expect(res.status, res.text).toBe(status);
  expect(res.body.success).toBe(false);
  expect(res.body.error).toMatchObject({
    code,
    message: expect.any(String),
    timestamp: expect.any(String),
    request_id: res.headers['x-request-id'],
  });
  return res.body.error;
}

const STARTER = ['creative', 'technical', 'analytical', 'conversational'];

describe.each(testDatabaseKinds())('datasets CRUD and permissions on $name', (kind) => {
  let ctx: TestContext;
  let owner: TestUser;
  let stranger: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext(kind);
    owner = await createUser(ctx);
    stranger = await createUser(ctx);
    admin = await createUser(ctx, { role: 'admin' });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const storedCount = async (datasetId: number) => ({
    column: (await ctx.db.models.Dataset.findByPk(datasetId))?.get('prompt_count') as number,
    rows: await ctx.db.models.Prompt.count({ where: { dataset_id: datasetId } }),
  });

  const systemDataset = async (category: string) => {
    const res = await request(ctx.app)
      .get(`/api/datasets?owner=system&category=${category}`)
      .set(owner.headers)
      .expect(200);
    return res.body.data.datasets[0] as Record<string, any>;
  };

  describe('starter datasets', () => {
    it('when the database is migrated, then four public system datasets of 25-40 prompts each exist, one per category', async () => {
      const res = await request(ctx.app)
        .get('/api/datasets?owner=system&limit=100')
        .set(owner.headers)
        .expect(200);
      const { datasets, categories } = res.body.data;
      expect(datasets.map((d: any) => d.category).sort()).toEqual([...STARTER].sort());
      expect(categories.slice(0, 4)).toEqual(STARTER);
      for (const d of datasets) {
        expect(d).toMatchObject({
          created_by: 'system',
          public: true,
          is_system: true,
          user_id: null,
        });
        expect(d.prompt_count).toBeGreaterThanOrEqual(25);
        expect(d.prompt_count).toBeLessThanOrEqual(40);
        expect(await storedCount(d.id)).toEqual({ column: d.prompt_count, rows: d.prompt_count });
      }
    });

    it('when a starter dataset is read, then its prompts carry difficulty, tags and the dataset category, paginated', async () => {
      const creative = await systemDataset('creative');
      const page1 = await request(ctx.app)
        .get(`/api/datasets/${creative.id}?limit=10`)
        .set(owner.headers)
        .expect(200);
      const dataset = page1.body.data.dataset;
      expect(dataset.prompts).toHaveLength(10);
      expect(dataset.prompts_pagination).toMatchObject({
        current_page: 1,
        per_page: 10,
        total_items: creative.prompt_count,
        total_pages: Math.ceil(creative.prompt_count / 10),
        has_next: true,
      });
      for (const p of dataset.prompts) {
        expect(['easy', 'medium', 'hard']).toContain(p.difficulty);
        expect(p.tags.length).toBeGreaterThan(0);
        expect(p.category).toBe('creative');
        expect(p.text.length).toBeGreaterThan(20);
      }
      const page2 = await request(ctx.app)
        .get(`/api/datasets/${creative.id}?limit=10&page=2`)
        .set(owner.headers)
        .expect(200);
      const ids1 = dataset.prompts.map((p: any) => p.id);
      const ids2 = page2.body.data.dataset.prompts.map((p: any) => p.id);
      expect(Math.min(...ids2)).toBeGreaterThan(Math.max(...ids1));
      // Every difficulty occurs in each starter dataset, and filtering by one returns only it.
      const hard = await request(ctx.app)
        .get(`/api/datasets/${creative.id}?difficulty=hard&limit=200`)
        .set(owner.headers)
        .expect(200);
      expect(hard.body.data.dataset.prompts.length).toBeGreaterThan(0);
      expect(hard.body.data.dataset.prompts.every((p: any) => p.difficulty === 'hard')).toBe(true);
      expect(hard.body.data.dataset.prompts_pagination.total_items).toBe(
        hard.body.data.dataset.prompts.length,
      );
    });

    it('when a user changes a starter dataset, then 403 FORBIDDEN and nothing changes; an admin may', async () => {
      const technical = await systemDataset('technical');
      const put = await request(ctx.app)
        .put(`/api/datasets/${technical.id}`)
        .set(owner.headers)
        .send({ name: 'Mine now' });
      expect(expectError(put, 403, 'FORBIDDEN').message).toMatch(/starter dataset/);
      expectError(
        await request(ctx.app).delete(`/api/datasets/${technical.id}`).set(owner.headers),
        403,
        'FORBIDDEN',
      );
      expectError(
        await request(ctx.app)
          .post(`/api/datasets/${technical.id}/prompts`)
          .set(owner.headers)
          .send({ text: 'Sneaky' }),
        403,
        'FORBIDDEN',
      );
      const before = await storedCount(technical.id);
      expect((await ctx.db.models.Dataset.findByPk(technical.id))?.get('name')).toBe(
        technical.name,
      );

      const byAdmin = await request(ctx.app)
        .put(`/api/datasets/${technical.id}`)
        .set(admin.headers)
        .send({ description: 'Curated by the admin' })
        .expect(200);
      expect(byAdmin.body.data.dataset).toMatchObject({
        id: technical.id,
        description: 'Curated by the admin',
        is_system: true,
        created_by: 'system',
      });
      expect(await storedCount(technical.id)).toEqual(before);
    });
  });

  describe('create and read', () => {
    it('when a dataset is created with prompts, then it is stored with an exact prompt_count and the prompts inherit its category', async () => {
      const res = await request(ctx.app)
        .post('/api/datasets')
        .set(owner.headers)
        .send({
          name: 'Technical Documentation Prompts',
          description: 'Prompts for testing technical writing capabilities',
          category: 'technical',
          prompts: [
            {
              text: 'Explain quantum computing in simple terms',
              tags: ['Quantum', 'explanation', 'simple', 'quantum'],
              difficulty: 'medium',
            },
            { text: 'Write a README for a CLI', category: 'creative', expected_length: 300 },
          ],
          public: false,
        })
        .expect(201);
      const dataset = res.body.data.dataset;
      expect(dataset).toMatchObject({
        name: 'Technical Documentation Prompts',
        category: 'technical',
        prompt_count: 2,
        public: false,
        is_system: false,
        user_id: owner.id,
        created_by: owner.username,
      });
      expect(await storedCount(dataset.id)).toEqual({ column: 2, rows: 2 });
      const detail = await request(ctx.app)
        .get(`/api/datasets/${dataset.id}`)
        .set(owner.headers)
        .expect(200);
      expect(detail.body.data.dataset.prompts).toEqual([
        expect.objectContaining({
          text: 'Explain quantum computing in simple terms',
          tags: ['quantum', 'explanation', 'simple'],
          difficulty: 'medium',
          category: 'technical',
          expected_length: null,
        }),
        expect.objectContaining({
          text: 'Write a README for a CLI',
          tags: [],
          difficulty: 'medium',
          category: 'creative',
          expected_length: 300,
        }),
      ]);
    });

    it('when prompts are invalid, then 400 VALIDATION_ERROR names the prompt and field, and nothing is stored', async () => {
      const before = await ctx.db.models.Dataset.count();
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ tags: ['x'] }, 'prompts.0.text'],
        [{ text: '   ' }, 'prompts.0.text'],
        [{ text: 'ok', difficulty: 'extreme' }, 'prompts.0.difficulty'],
        [{ text: 'ok', tags: 'not-a-list' }, 'prompts.0.tags'],
      ];
      for (const [prompt, path] of cases) {
        const res = await request(ctx.app)
          .post('/api/datasets')
          .set(owner.headers)
          .send({ name: 'Bad', category: 'technical', prompts: [prompt] });
        const error = expectError(res, 400, 'VALIDATION_ERROR');
        expect(error.details.errors.map((e: any) => e.path)).toContain(path);
      }
      const noCategory = await request(ctx.app)
        .post('/api/datasets')
        .set(owner.headers)
        .send({ name: 'No category' });
      expect(expectError(noCategory, 400, 'VALIDATION_ERROR').details.field).toBe('category');
      expect(await ctx.db.models.Dataset.count()).toBe(before);
    });

    it('when listing, then the caller sees public datasets and their own, filtered by category and search, paginated', async () => {
      const me = await createUser(ctx);
      const other = await createUser(ctx);
      const mine = await createDataset(ctx, me, { name: 'Zebra riddles', category: 'riddles' });
      await createDataset(ctx, other, { name: 'Zebra secrets', category: 'riddles' });
      const shared = await createDataset(ctx, other, {
        name: 'Zebra shared',
        description: 'Énigmes partagées',
        category: 'riddles',
        public: true,
      });
      const res = await request(ctx.app)
        .get('/api/datasets?category=riddles&sort=name')
        .set(me.headers)
        .expect(200);
      expect(res.body.data.datasets.map((d: any) => d.id)).toEqual([mine.id, shared.id]);
      expect(res.body.data.categories).toContain('riddles');
      expect(res.body.data.pagination).toMatchObject({ total_items: 2, current_page: 1 });

      const accents = await request(ctx.app)
        .get(`/api/datasets?search=${encodeURIComponent('ÉNIGMES')}`)
        .set(me.headers)
        .expect(200);
      expect(accents.body.data.datasets.map((d: any) => d.id)).toEqual([shared.id]);
      const search = await request(ctx.app)
        .get('/api/datasets?search=ZEBRA%20SH')
        .set(me.headers)
        .expect(200);
      expect(search.body.data.datasets.map((d: any) => d.id)).toEqual([shared.id]);
      const own = await request(ctx.app).get('/api/datasets?owner=me').set(me.headers).expect(200);
      expect(own.body.data.datasets.map((d: any) => d.id)).toEqual([mine.id]);
      const paged = await request(ctx.app)
        .get('/api/datasets?limit=2&page=2&category=riddles')
        .set(me.headers)
        .expect(200);
      expect(paged.body.data.datasets).toEqual([]);
      expect(paged.body.data.pagination).toMatchObject({ total_items: 2, has_prev: true });
      const all = await request(ctx.app)
        .get('/api/datasets?limit=100')
        .set(admin.headers)
        .expect(200);
      expect(all.body.data.pagination.total_items).toBe(await ctx.db.models.Dataset.count());
    });
  });

  describe('ownership', () => {
    it('when another user reads or changes a private dataset, then 404 exactly as for a missing id', async () => {
      const dataset = await createDataset(ctx, owner, {
        prompts: [{ text: 'Private prompt' }],
      });
      for (const call of [
        request(ctx.app).get(`/api/datasets/${dataset.id}`),
        request(ctx.app).put(`/api/datasets/${dataset.id}`).send({ name: 'x' }),
        request(ctx.app).delete(`/api/datasets/${dataset.id}`),
        request(ctx.app).post(`/api/datasets/${dataset.id}/prompts`).send({ text: 'x' }),
        request(ctx.app).post(`/api/datasets/${dataset.id}/run`).send({}),
      ]) {
        const error = expectError(await call.set(stranger.headers), 404, 'NOT_FOUND');
        expect(error.message).toBe(`Dataset ${dataset.id} not found`);
      }
      expect(await storedCount(dataset.id)).toEqual({ column: 1, rows: 1 });
    });

    it('when another user changes a public dataset, then 403; the owner and an admin may, and DELETE removes its prompts', async () => {
      const dataset = await createDataset(ctx, owner, {
        public: true,
        prompts: [{ text: 'One' }, { text: 'Two' }],
      });
      await request(ctx.app).get(`/api/datasets/${dataset.id}`).set(stranger.headers).expect(200);
      const put = await request(ctx.app)
        .put(`/api/datasets/${dataset.id}`)
        .set(stranger.headers)
        .send({ name: 'Taken' });
      expect(expectError(put, 403, 'FORBIDDEN').message).toMatch(/only its owner/);

      const renamed = await request(ctx.app)
        .put(`/api/datasets/${dataset.id}`)
        .set(owner.headers)
        .send({ name: 'Renamed', category: 'analytical', public: false })
        .expect(200);
      expect(renamed.body.data.dataset).toMatchObject({
        name: 'Renamed',
        category: 'analytical',
        public: false,
        prompt_count: 2,
      });
      // Prompts without their own category follow the dataset's.
      const detail = await request(ctx.app)
        .get(`/api/datasets/${dataset.id}`)
        .set(owner.headers)
        .expect(200);
      expect(detail.body.data.dataset.prompts.map((p: any) => p.category)).toEqual([
        'analytical',
        'analytical',
      ]);
      expectError(
        await request(ctx.app).put(`/api/datasets/${dataset.id}`).set(owner.headers).send({}),
        400,
        'VALIDATION_ERROR',
      );

      const deleted = await request(ctx.app)
        .delete(`/api/datasets/${dataset.id}`)
        .set(admin.headers)
        .expect(200);
      expect(deleted.body.data).toEqual({
        deleted_dataset_id: dataset.id,
        deleted_prompts_count: 2,
      });
      expect(await ctx.db.models.Dataset.findByPk(dataset.id)).toBeNull();
      expect(await storedCount(dataset.id)).toEqual({ column: undefined, rows: 0 });
    });
  });

  describe('prompts', () => {
    it('when prompts are added and removed, then prompt_count follows the rows', async () => {
      const dataset = await createDataset(ctx, owner, { prompts: [{ text: 'First' }] });
      const added = await request(ctx.app)
        .post(`/api/datasets/${dataset.id}/prompts`)
        .set(owner.headers)
        .send({
          prompts: [
            { text: 'Second', difficulty: 'hard', tags: ['a'] },
            { text: 'Third', difficulty: 'easy' },
          ],
        })
        .expect(201);
      expect(added.body.data.prompt_count).toBe(3);
      expect(added.body.data.prompts.map((p: any) => [p.text, p.difficulty, p.tags])).toEqual([
        ['Second', 'hard', ['a']],
        ['Third', 'easy', []],
      ]);
      const single = await request(ctx.app)
        .post(`/api/datasets/${dataset.id}/prompts`)
        .set(owner.headers)
        .send({ text: 'Fourth' })
        .expect(201);
      expect(single.body.data.prompt_count).toBe(4);
      expect(await storedCount(dataset.id)).toEqual({ column: 4, rows: 4 });

      const victim = added.body.data.prompts[0].id;
      const removed = await request(ctx.app)
        .delete(`/api/datasets/${dataset.id}/prompts/${victim}`)
        .set(owner.headers)
        .expect(200);
      expect(removed.body.data).toEqual({ deleted_prompt_id: victim, prompt_count: 3 });
      expect(await storedCount(dataset.id)).toEqual({ column: 3, rows: 3 });
      expectError(
        await request(ctx.app)
          .delete(`/api/datasets/${dataset.id}/prompts/${victim}`)
          .set(owner.headers),
        404,
        'NOT_FOUND',
      );
      // A prompt of another dataset is not this dataset's to delete.
      const other = await createDataset(ctx, owner, { prompts: [{ text: 'Elsewhere' }] });
      const otherPrompt = (await ctx.db.models.Prompt.findOne({
        where: { dataset_id: other.id },
      }))!;
      expectError(
        await request(ctx.app)
          .delete(`/api/datasets/${dataset.id}/prompts/${otherPrompt.get('id')}`)
          .set(owner.headers),
        404,
        'NOT_FOUND',
      );
      expect(await storedCount(other.id)).toEqual({ column: 1, rows: 1 });
      expectError(
        await request(ctx.app)
          .post(`/api/datasets/${dataset.id}/prompts`)
          .set(owner.headers)
          .send({ prompts: [] }),
        400,
        'VALIDATION_ERROR',
      );
    });

    it('when prompts are added concurrently, then prompt_count equals the rows', async () => {
      const dataset = await createDataset(ctx, owner);
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          request(ctx.app)
            .post(`/api/datasets/${dataset.id}/prompts`)
            .set(owner.headers)
            .send({ prompts: [{ text: `A${i}` }, { text: `B${i}` }] })
            .expect(201),
        ),
      );
      expect(await storedCount(dataset.id)).toEqual({ column: 16, rows: 16 });
    });
  });
});
