import request, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import {
  createExperiment,
  createUser,
  insertResponse,
  type TestUser,
} from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

/** Asserts the spec's error envelope and returns its `error` block. */
function expectError(res: Response, status: number, code: string): Record<string, any> {
  expect(res.status).toBe(status);
  expect(res.body.success).toBe(false);
  expect(res.body.error).toMatchObject({
    code,
    message: expect.any(String),
    timestamp: expect.any(String),
    request_id: res.headers['x-request-id'],
  });
  return res.body.error;
}

const ids = (res: Response): number[] => res.body.data.experiments.map((e: any) => e.id);

describe.each(testDatabaseKinds())('GET /api/experiments on $name', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(kind);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const list = (user: TestUser, query: Record<string, string | number> = {}) =>
    request(ctx.app).get('/api/experiments').query(query).set(user.headers);

  /** Sets timestamps directly: rows made in quick succession may share a millisecond. */
  async function setTimes(id: number, times: { created_at?: string; updated_at?: string }) {
    const values = Object.fromEntries(
      Object.entries(times).map(([column, iso]) => [column, new Date(iso)]),
    );
    // Straight to the table: Model.update would stamp updated_at itself. Sequelize types the
    // last argument as string[], but at run time it takes the attribute definitions, which
    // make every dialect store the date exactly as the models write it (milliseconds too).
    const columns = ctx.db.models.Experiment.getAttributes() as unknown as string[];
    await ctx.db.sequelize
      .getQueryInterface()
      .bulkUpdate('experiments', values, { id }, {}, columns);
  }

  /** `count` experiments with strictly increasing created_at; returns their ids oldest first. */
  async function arrangeSeries(user: TestUser, count: number): Promise<number[]> {
    const created: number[] = [];
    for (let i = 0; i < count; i++) {
      const experiment = await createExperiment(ctx, user, { name: `Series ${i}` });
      await setTimes(experiment.id, {
        created_at: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
      });
      created.push(experiment.id);
    }
    return created;
  }

  describe('pagination', () => {
    it('when there are more items than one page, then the pagination block is exact on every page', async () => {
      // Arrange
      const user = await createUser(ctx);
      const created = await arrangeSeries(user, 5);
      const newestFirst = [...created].reverse();

      // Act
      const page1 = await list(user, { limit: 2, page: 1 });
      const page2 = await list(user, { limit: 2, page: 2 });
      const page3 = await list(user, { limit: 2, page: 3 });

      // Assert
      expect(page1.status).toBe(200);
      expect(page1.body.success).toBe(true);
      expect(page1.body.data.pagination).toEqual({
        current_page: 1,
        total_pages: 3,
        total_items: 5,
        per_page: 2,
        has_next: true,
        has_prev: false,
      });
      expect(page2.body.data.pagination).toEqual({
        current_page: 2,
        total_pages: 3,
        total_items: 5,
        per_page: 2,
        has_next: true,
        has_prev: true,
      });
      expect(page3.body.data.pagination).toEqual({
        current_page: 3,
        total_pages: 3,
        total_items: 5,
        per_page: 2,
        has_next: false,
        has_prev: true,
      });
      expect([...ids(page1), ...ids(page2), ...ids(page3)]).toEqual(newestFirst);
    });

    it('when no page or limit is given, then page 1 of 10 sorted newest first', async () => {
      // Arrange
      const user = await createUser(ctx);
      const created = await arrangeSeries(user, 12);

      // Act
      const res = await list(user);

      // Assert
      expect(res.status).toBe(200);
      expect(res.body.data.pagination).toEqual({
        current_page: 1,
        total_pages: 2,
        total_items: 12,
        per_page: 10,
        has_next: true,
        has_prev: false,
      });
      expect(ids(res)).toEqual([...created].reverse().slice(0, 10));
    });

    it('when the page is beyond the end, then the list is empty and the totals stay real', async () => {
      // Arrange
      const user = await createUser(ctx);
      await arrangeSeries(user, 3);

      // Act
      const res = await list(user, { limit: 2, page: 5 });

      // Assert
      expect(res.status).toBe(200);
      expect(res.body.data.experiments).toEqual([]);
      expect(res.body.data.pagination).toEqual({
        current_page: 5,
        total_pages: 2,
        total_items: 3,
        per_page: 2,
        has_next: false,
        has_prev: true,
      });
    });

    it('when the user has no experiments, then an empty first page with zero totals', async () => {
      // Arrange
      const user = await createUser(ctx);

      // Act
      const res = await list(user);

      // Assert
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({
        experiments: [],
        pagination: {
          current_page: 1,
          total_pages: 0,
          total_items: 0,
          per_page: 10,
          has_next: false,
          has_prev: false,
        },
      });
    });

    it('when limit is 100, then it is accepted', async () => {
      // Arrange
      const user = await createUser(ctx);
      await arrangeSeries(user, 2);

      // Act
      const res = await list(user, { limit: 100 });

      // Assert
      expect(res.status).toBe(200);
      expect(res.body.data.pagination).toMatchObject({ per_page: 100, total_pages: 1 });
      expect(res.body.data.experiments).toHaveLength(2);
    });

    it('when page and limit are blank, then their defaults apply', async () => {
      // Arrange
      const user = await createUser(ctx);

      // Act
      const res = await request(ctx.app).get('/api/experiments?page=&limit=').set(user.headers);

      // Assert
      expect(res.status).toBe(200);
      expect(res.body.data.pagination).toMatchObject({ current_page: 1, per_page: 10 });
    });

    it.each([
      ['limit', '101'],
      ['limit', '0'],
      ['limit', '2.5'],
      ['limit', 'ten'],
      ['page', '0'],
      ['page', '-1'],
      ['page', 'first'],
    ])('when %s is %s, then 400 VALIDATION_ERROR names it', async (field, value) => {
      // Arrange
      const user = await createUser(ctx);

      // Act
      const res = await list(user, { [field]: value });

      // Assert
      const error = expectError(res, 400, 'VALIDATION_ERROR');
      expect(error.details).toMatchObject({ field, value });
    });

    it('when limit is 101, then the expected range is stated', async () => {
      // Arrange
      const user = await createUser(ctx);

      // Act
      const res = await list(user, { limit: 101 });

      // Assert
      const error = expectError(res, 400, 'VALIDATION_ERROR');
      expect(error.details).toMatchObject({
        field: 'limit',
        value: '101',
        expected: 'An integer between 1 and 100',
      });
    });
  });

  describe('sorting', () => {
    /**
     * Four experiments whose order differs on every sort field:
     *   A alpha   model-c running   created 01-03 updated 02-01 responses 2 avg 60
     *   B Bravo   model-a completed created 01-01 updated 02-04 responses 3 avg 90
     *   C charlie model-d pending   created 01-04 updated 02-02 responses 0 avg null
     *   D delta   model-b failed    created 01-02 updated 02-03 responses 1 avg 75
     */
    async function arrangeSortable(user: TestUser) {
      const spec = {
        A: ['alpha', 'model-c', 'running', '2024-01-03', '2024-02-01', [50, 70]],
        B: ['Bravo', 'model-a', 'completed', '2024-01-01', '2024-02-04', [90, null, null]],
        C: ['charlie', 'model-d', 'pending', '2024-01-04', '2024-02-02', []],
        D: ['delta', 'model-b', 'failed', '2024-01-02', '2024-02-03', [75]],
      } as const;
      const byKey: Record<string, number> = {};
      for (const [key, [name, model, status, created, updated, qualities]] of Object.entries(
        spec,
      )) {
        const experiment = await createExperiment(ctx, user, { name, model });
        for (const quality of qualities) {
          await insertResponse(ctx, experiment.id, quality === null ? {} : { quality });
        }
        await ctx.db.models.Experiment.update({ status }, { where: { id: experiment.id } });
        await setTimes(experiment.id, {
          created_at: `${created}T00:00:00.000Z`,
          updated_at: `${updated}T00:00:00.000Z`,
        });
        byKey[key] = experiment.id;
      }
      return (keys: string) => [...keys].map((k) => byKey[k]);
    }

    it.each([
      ['created_at', 'asc', 'BDAC'],
      ['created_at', 'desc', 'CADB'],
      ['updated_at', 'asc', 'ACDB'],
      ['updated_at', 'desc', 'BDCA'],
      ['name', 'asc', 'ABCD'],
      ['name', 'desc', 'DCBA'],
      ['status', 'asc', 'BDCA'],
      ['status', 'desc', 'ACDB'],
      ['model', 'asc', 'BDAC'],
      ['model', 'desc', 'CADB'],
      ['response_count', 'asc', 'CDAB'],
      ['response_count', 'desc', 'BADC'],
      ['average_quality', 'asc', 'ADBC'],
      ['average_quality', 'desc', 'BDAC'],
    ])('when sorted by %s %s, then the order is %s', async (sort, order, expected) => {
      // Arrange
      const user = await createUser(ctx);
      const idsOf = await arrangeSortable(user);

      // Act
      const res = await list(user, { sort, order });

      // Assert
      expect(res.status).toBe(200);
      expect(ids(res)).toEqual(idsOf(expected));
    });

    it('when sorted by average_quality, then unscored experiments come last in both directions and across pages', async () => {
      // Arrange
      const user = await createUser(ctx);
      const idsOf = await arrangeSortable(user);

      // Act
      const ascFirst = await list(user, { sort: 'average_quality', order: 'asc', limit: 3 });
      const ascLast = await list(user, {
        sort: 'average_quality',
        order: 'asc',
        limit: 3,
        page: 2,
      });
      const descLast = await list(user, {
        sort: 'average_quality',
        order: 'desc',
        limit: 3,
        page: 2,
      });

      // Assert
      expect(ids(ascFirst)).toEqual(idsOf('ADB'));
      expect(ids(ascLast)).toEqual(idsOf('C'));
      expect(ids(descLast)).toEqual(idsOf('C'));
      expect(ascLast.body.data.experiments[0].average_quality).toBeNull();
    });

    it('when no sort is given, then newest created first', async () => {
      // Arrange
      const user = await createUser(ctx);
      const idsOf = await arrangeSortable(user);

      // Act
      const res = await list(user);

      // Assert
      expect(ids(res)).toEqual(idsOf('CADB'));
    });

    it('when only the order is given, then created_at in that order', async () => {
      // Arrange
      const user = await createUser(ctx);
      const idsOf = await arrangeSortable(user);

      // Act
      const res = await list(user, { order: 'asc' });

      // Assert
      expect(ids(res)).toEqual(idsOf('BDAC'));
    });

    it('when sort and order are in capitals, then they are accepted', async () => {
      // Arrange
      const user = await createUser(ctx);
      const idsOf = await arrangeSortable(user);

      // Act
      const res = await list(user, { sort: 'NAME', order: 'ASC' });

      // Assert
      expect(res.status).toBe(200);
      expect(ids(res)).toEqual(idsOf('ABCD'));
    });

    it('when two experiments share a created_at, then the newer id breaks the tie in the sort direction', async () => {
      // Arrange
      const user = await createUser(ctx);
      const first = await createExperiment(ctx, user);
      const second = await createExperiment(ctx, user);
      for (const id of [first.id, second.id]) {
        await setTimes(id, { created_at: '2024-05-05T05:05:05.005Z' });
      }

      // Act
      const desc = await list(user, { sort: 'created_at', order: 'desc' });
      const asc = await list(user, { sort: 'created_at', order: 'asc' });

      // Assert
      expect(ids(desc)).toEqual([second.id, first.id]);
      expect(ids(asc)).toEqual([first.id, second.id]);
    });

    it.each([
      ['sort', 'password_hash'],
      ['sort', 'id; DROP TABLE experiments'],
      ['sort', 'best_quality'],
      ['order', 'sideways'],
    ])(
      'when %s is %s, then 400 VALIDATION_ERROR lists the allowed values',
      async (field, value) => {
        // Arrange
        const user = await createUser(ctx);

        // Act
        const res = await list(user, { [field]: value });

        // Assert
        const error = expectError(res, 400, 'VALIDATION_ERROR');
        expect(error.details).toMatchObject({ field, value });
        expect(error.details.expected).toMatch(/^One of: /);
        // The value never reached SQL: the table is still there.
        await expect(ctx.db.models.Experiment.count()).resolves.toEqual(expect.any(Number));
      },
    );
  });

  describe('search', () => {
    it('when searching in capitals, then name, description and prompt match case-insensitively', async () => {
      // Arrange
      const user = await createUser(ctx);
      const inName = await createExperiment(ctx, user, {
        name: 'Deep Neural study',
        prompt: 'Say hi',
      });
      const inDescription = await createExperiment(ctx, user, {
        name: 'Second',
        description: 'All about NeUrAl things',
        prompt: 'Say hi',
      });
      const inPrompt = await createExperiment(ctx, user, {
        name: 'Third',
        prompt: 'explain neural networks',
      });
      await createExperiment(ctx, user, { name: 'Unrelated', prompt: 'Write a haiku' });

      // Act
      const upper = await list(user, { search: 'NEURAL', sort: 'name', order: 'asc' });
      const lower = await list(user, { search: 'neural', sort: 'name', order: 'asc' });

      // Assert
      const expected = [inName.id, inDescription.id, inPrompt.id];
      expect(ids(upper)).toEqual(expected);
      expect(ids(lower)).toEqual(expected);
      expect(upper.body.data.pagination.total_items).toBe(3);
    });

    it('when the text has non-ASCII capitals, then the search still ignores case', async () => {
      // Arrange
      const user = await createUser(ctx);
      const match = await createExperiment(ctx, user, { name: 'ÉCOLE Über', prompt: 'p' });

      // Act
      const lower = await list(user, { search: 'école' });
      const upper = await list(user, { search: 'ÜBER' });

      // Assert
      expect(ids(lower)).toEqual([match.id]);
      expect(ids(upper)).toEqual([match.id]);
    });

    it('when the search has surrounding spaces, then they are ignored', async () => {
      // Arrange
      const user = await createUser(ctx);
      const match = await createExperiment(ctx, user, { name: 'Tokenizer', prompt: 'x' });
      await createExperiment(ctx, user, { name: 'Other', prompt: 'y' });

      // Act
      const res = await list(user, { search: '  tokenizer  ' });

      // Assert
      expect(ids(res)).toEqual([match.id]);
    });

    it.each([
      ['%', 'Score 100% sure', 'Score 1005 sure', '100%'],
      ['_', 'snake_case naming', 'snakeXcase naming', 'e_c'],
      ['!', 'Wow! results', 'Wow results', 'wow!'],
      ['a backslash', 'path C:\\temp here', 'path C:temp here', 'c:\\t'],
      ['a quote', "O'Brien report", 'OBrien report', "o'brien"],
      ['*', 'Rated 5* hotel', 'Rated 5 star hotel', '5*'],
      ['?', 'Why? Because', 'Whyz Because', 'why?'],
      ['brackets', 'Array [0] item', 'Array 0 item', '[0]'],
      ['a caret class', 'Pick [^a] here', 'Pick b here', '[^a]'],
    ])(
      'when the search contains %s, then it matches literally',
      async (_label, matching, lookalike, search) => {
        // Arrange
        const user = await createUser(ctx);
        const match = await createExperiment(ctx, user, { name: matching, prompt: 'p' });
        await createExperiment(ctx, user, { name: lookalike, prompt: 'p' });

        // Act
        const res = await list(user, { search });

        // Assert
        expect(res.status).toBe(200);
        expect(ids(res)).toEqual([match.id]);
        expect(res.body.data.pagination.total_items).toBe(1);
      },
    );

    it('when a wildcard alone is searched, then only names containing it match', async () => {
      // Arrange
      const user = await createUser(ctx);
      await createExperiment(ctx, user, { name: 'Plain', prompt: 'p' });

      // Act
      const percent = await list(user, { search: '%' });
      const underscore = await list(user, { search: '_' });

      // Assert
      expect(ids(percent)).toEqual([]);
      expect(ids(underscore)).toEqual([]);
    });

    it('when nothing matches, then an empty list with zero totals', async () => {
      // Arrange
      const user = await createUser(ctx);
      await createExperiment(ctx, user, { name: 'Something', prompt: 'p' });

      // Act
      const res = await list(user, { search: 'nomatch' });

      // Assert
      expect(res.status).toBe(200);
      expect(res.body.data.experiments).toEqual([]);
      expect(res.body.data.pagination).toMatchObject({ total_items: 0, total_pages: 0 });
    });

    it('when the search is longer than 200 characters, then 400 VALIDATION_ERROR', async () => {
      // Arrange
      const user = await createUser(ctx);

      // Act
      const res = await list(user, { search: 'x'.repeat(201) });

      // Assert
      expect(expectError(res, 400, 'VALIDATION_ERROR').details.field).toBe('search');
    });
  });

  describe('filters', () => {
    it('when filtering by model, then only that exact model', async () => {
      // Arrange
      const user = await createUser(ctx);
      const gpt4 = await createExperiment(ctx, user, { model: 'gpt-4' });
      await createExperiment(ctx, user, { model: 'gpt-4o' });
      await createExperiment(ctx, user, { model: 'claude-3' });

      // Act
      const res = await list(user, { model: 'gpt-4' });

      // Assert
      expect(ids(res)).toEqual([gpt4.id]);
      expect(res.body.data.pagination.total_items).toBe(1);
    });

    it('when filtering by status, then only experiments in that status', async () => {
      // Arrange
      const user = await createUser(ctx);
      const done = await createExperiment(ctx, user);
      await createExperiment(ctx, user);
      await ctx.db.models.Experiment.update({ status: 'completed' }, { where: { id: done.id } });

      // Act
      const res = await list(user, { status: 'completed' });
      const capitals = await list(user, { status: 'COMPLETED' });
      const pending = await list(user, { status: 'pending' });

      // Assert
      expect(ids(res)).toEqual([done.id]);
      expect(ids(capitals)).toEqual([done.id]);
      expect(pending.body.data.experiments).toHaveLength(1);
      expect(pending.body.data.experiments[0].status).toBe('pending');
    });

    it('when a filter is repeated, then 400 VALIDATION_ERROR rather than a silent pick', async () => {
      // Arrange
      const user = await createUser(ctx);

      // Act
      const status = await request(ctx.app)
        .get('/api/experiments?status=pending&status=running')
        .set(user.headers);
      const model = await request(ctx.app)
        .get('/api/experiments?model=a&model=b')
        .set(user.headers);

      // Assert
      expect(expectError(status, 400, 'VALIDATION_ERROR').details.field).toBe('status');
      expect(expectError(model, 400, 'VALIDATION_ERROR').details.field).toBe('model');
    });

    it('when the status is unknown, then 400 VALIDATION_ERROR names it', async () => {
      // Arrange
      const user = await createUser(ctx);

      // Act
      const res = await list(user, { status: 'archived' });

      // Assert
      expect(expectError(res, 400, 'VALIDATION_ERROR').details).toMatchObject({
        field: 'status',
        value: 'archived',
      });
    });

    it('when filtering by tag, then only experiments holding exactly that tag', async () => {
      // Arrange
      const user = await createUser(ctx);
      const tagged = await createExperiment(ctx, user, { tags: ['creative', 'writing'] });
      await createExperiment(ctx, user, { tags: ['creative-writing'] });
      await createExperiment(ctx, user, { tags: ['technical'] });
      await createExperiment(ctx, user);
      const quoted = await createExperiment(ctx, user, { tags: ["o'clock"] });

      // Act
      const creative = await list(user, { tag: 'creative' });
      const writing = await list(user, { tag: 'writing' });
      const missing = await list(user, { tag: 'missing' });
      const withQuote = await list(user, { tag: "o'clock" });

      // Assert
      expect(ids(creative)).toEqual([tagged.id]);
      expect(ids(writing)).toEqual([tagged.id]);
      expect(ids(missing)).toEqual([]);
      expect(ids(withQuote)).toEqual([quoted.id]);
    });

    describe('dates', () => {
      /** X on the 29th at noon, Y at the last millisecond of the 30th, Z at midnight on the 31st. */
      async function arrangeDated(user: TestUser) {
        const made: Record<'X' | 'Y' | 'Z', number> = { X: 0, Y: 0, Z: 0 };
        const times = {
          X: '2024-10-29T12:00:00.000Z',
          Y: '2024-10-30T23:59:59.999Z',
          Z: '2024-10-31T00:00:00.000Z',
        };
        for (const key of ['X', 'Y', 'Z'] as const) {
          made[key] = (await createExperiment(ctx, user)).id;
          await setTimes(made[key], { created_at: times[key] });
        }
        return made;
      }

      it('when the timestamps are set directly, then the list shows them back', async () => {
        // Arrange
        const user = await createUser(ctx);
        const { X } = await arrangeDated(user);
        await setTimes(X, { updated_at: '2024-11-01T08:00:00.123Z' });

        // Act
        const res = await list(user, { order: 'asc', limit: 1 });

        // Assert
        expect(res.body.data.experiments[0]).toMatchObject({
          id: X,
          created_at: '2024-10-29T12:00:00.000Z',
          updated_at: '2024-11-01T08:00:00.123Z',
        });
      });

      it.each([
        [{ date_to: '2024-10-30' }, 'XY'],
        [{ date_from: '2024-10-30' }, 'YZ'],
        [{ date_from: '2024-10-30', date_to: '2024-10-30' }, 'Y'],
        [{ date_from: '2024-10-29', date_to: '2024-10-31' }, 'XYZ'],
        [{ date_to: '2024-10-29T12:00:00.000Z' }, 'X'],
        [{ date_to: '2024-10-29T11:59:59.999Z' }, 'none'],
        [{ date_from: '2024-10-31T00:00:00Z' }, 'Z'],
        [{ date_from: '2024-10-30T23:59:59.999Z', date_to: '2024-10-30T23:59:59.999Z' }, 'Y'],
        [{ date_from: '2024-10-30T02:00:00+02:00', date_to: '2024-10-31T01:59:59.999+02:00' }, 'Y'],
        [{ date_from: '2024-10-29T13:00+0100', date_to: '2024-10-29T12:00Z' }, 'X'],
        [{ date_from: '  2024-10-31  ' }, 'Z'],
        [{ date_from: '2024-11-01' }, 'none'],
      ])('when filtering with %o, then the experiments are %s', async (query, expected) => {
        // Arrange
        const user = await createUser(ctx);
        const made = await arrangeDated(user);

        // Act
        const res = await list(user, { ...query, order: 'asc' });

        // Assert
        expect(res.status).toBe(200);
        const keys = expected === 'none' ? [] : [...expected];
        expect(ids(res)).toEqual(keys.map((k) => made[k as 'X' | 'Y' | 'Z']));
        expect(res.body.data.pagination.total_items).toBe(keys.length);
      });

      it.each([
        [{ date_from: '2024-10-31', date_to: '2024-10-30' }],
        [{ date_from: '2024-10-30T10:00:00.001Z', date_to: '2024-10-30T10:00:00Z' }],
      ])(
        'when date_from is after date_to (%o), then 400 VALIDATION_ERROR names date_from',
        async (query) => {
          // Arrange
          const user = await createUser(ctx);

          // Act
          const res = await list(user, query);

          // Assert
          expect(expectError(res, 400, 'VALIDATION_ERROR').details.field).toBe('date_from');
        },
      );

      it.each([
        ['date_from', 'yesterday'],
        ['date_from', '30/10/2024'],
        ['date_from', '2024-10-30junk'],
        ['date_to', '2024-13-01'],
        ['date_to', '2024-02-31'],
        ['date_to', '2024-10-30T25:00:00Z'],
        ['date_to', '20241030'],
      ])('when %s is %s, then 400 VALIDATION_ERROR names it', async (field, value) => {
        // Arrange
        const user = await createUser(ctx);

        // Act
        const res = await list(user, { [field]: value });

        // Assert
        const error = expectError(res, 400, 'VALIDATION_ERROR');
        expect(error.details).toMatchObject({ field, value });
        expect(error.details.expected).toMatch(/ISO 8601/);
      });

      it('when a date-time has no offset, then it is read as UTC whatever the server time zone', async () => {
        // Arrange
        const user = await createUser(ctx);
        const made = await arrangeDated(user);
        const previous = process.env.TZ;
        process.env.TZ = 'America/New_York';

        // Act
        let res: Response;
        try {
          // Read as UTC, 10:00 is before X (12:00Z); read as New York time it would be 14:00Z.
          res = await list(user, { date_from: '2024-10-29T10:00:00', order: 'asc' });
        } finally {
          if (previous === undefined) delete process.env.TZ;
          else process.env.TZ = previous;
        }

        // Assert
        expect(res.status).toBe(200);
        expect(ids(res)).toEqual([made.X, made.Y, made.Z]);
      });
    });

    it('when filters, search and pagination combine, then totals count only the matches', async () => {
      // Arrange
      const user = await createUser(ctx);
      const matches: number[] = [];
      for (let i = 0; i < 3; i++) {
        const e = await createExperiment(ctx, user, {
          name: `Summarise report ${i}`,
          model: 'gpt-4',
          tags: ['summary'],
        });
        await setTimes(e.id, { created_at: `2024-03-0${i + 1}T00:00:00.000Z` });
        matches.push(e.id);
      }
      await createExperiment(ctx, user, {
        name: 'Summarise other',
        model: 'claude-3',
        tags: ['summary'],
      });
      await createExperiment(ctx, user, { name: 'Translate', model: 'gpt-4', tags: ['summary'] });
      await createExperiment(ctx, user, { name: 'Summarise untagged', model: 'gpt-4' });

      // Act
      const res = await list(user, {
        search: 'summarise',
        model: 'gpt-4',
        tag: 'summary',
        status: 'pending',
        limit: 2,
        page: 2,
        sort: 'created_at',
        order: 'desc',
      });

      // Assert
      expect(res.status).toBe(200);
      expect(ids(res)).toEqual([matches[0]]);
      expect(res.body.data.pagination).toEqual({
        current_page: 2,
        total_pages: 2,
        total_items: 3,
        per_page: 2,
        has_next: false,
        has_prev: true,
      });
    });
  });

  describe('items', () => {
    it('when experiments have responses, then each item carries every spec field with computed aggregates', async () => {
      // Arrange
      const user = await createUser(ctx);
      const scored = await createExperiment(ctx, user, {
        name: 'Creative Writing Analysis',
        description: 'Testing optimal parameters',
        prompt: 'Write a creative short story...',
        model: 'gpt-4',
        parameters: { temperature: 0.8, top_p: 0.9 },
        tags: ['creative', 'writing'],
      });
      await insertResponse(ctx, scored.id, { quality: 80, cost: 0.001 });
      await insertResponse(ctx, scored.id, { quality: 91, cost: 0.002 });
      await insertResponse(ctx, scored.id, { cost: 0.0005 });
      const empty = await createExperiment(ctx, user);
      await setTimes(scored.id, { created_at: '2024-10-29T10:00:00.000Z' });
      await setTimes(empty.id, { created_at: '2024-10-30T10:00:00.000Z' });

      // Act
      const res = await list(user, { order: 'asc' });

      // Assert
      expect(res.status).toBe(200);
      const [first, second] = res.body.data.experiments;
      for (const field of [
        'id',
        'name',
        'description',
        'prompt',
        'model',
        'parameters',
        'status',
        'response_count',
        'average_quality',
        'best_quality',
        'total_cost',
        'created_at',
        'updated_at',
        'tags',
        'user_id',
      ]) {
        expect(first).toHaveProperty(field);
      }
      expect(first).toMatchObject({
        id: scored.id,
        name: 'Creative Writing Analysis',
        description: 'Testing optimal parameters',
        prompt: 'Write a creative short story...',
        model: 'gpt-4',
        parameters: {
          temperature: 0.8,
          top_p: 0.9,
          max_tokens: 1000,
          frequency_penalty: 0,
          presence_penalty: 0,
        },
        status: 'pending',
        response_count: 3,
        average_quality: 85.5,
        best_quality: 91,
        total_cost: 0.0035,
        created_at: '2024-10-29T10:00:00.000Z',
        tags: ['creative', 'writing'],
        user_id: user.id,
      });
      expect(new Date(first.updated_at).toISOString()).toBe(first.updated_at);
      expect(second).toMatchObject({
        id: empty.id,
        response_count: 0,
        average_quality: null,
        best_quality: null,
        total_cost: 0,
      });
      // The list carries no embedded responses; those come with GET /api/experiments/:id.
      expect(first).not.toHaveProperty('responses');
    });
  });
});
