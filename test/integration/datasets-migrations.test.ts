import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as systemAndRuns from '../../src/db/migrations/20261204000550-add-dataset-system-and-runs.js';
import * as seedStarter from '../../src/db/migrations/20261204000600-seed-starter-datasets.js';
import { STARTER_DATASETS } from '../../src/db/seed-data/starter-datasets/index.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createDataset, createUser } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

describe.each(testDatabaseKinds())('dataset migrations on $name', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(kind);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const tables = async () =>
    (await ctx.db.sequelize.getQueryInterface().showAllTables()).map((t: any) =>
      typeof t === 'string' ? t : t.tableName,
    );

  it("when the two dataset migrations are reverted, then starter rows, is_system and dataset_runs go and users' datasets stay; up restores them", async () => {
    const qi = ctx.db.sequelize.getQueryInterface();
    const user = await createUser(ctx);
    const own = await createDataset(ctx, user, { prompts: [{ text: 'Keep me' }] });
    const starterPrompts = STARTER_DATASETS.reduce((n, d) => n + d.prompts.length, 0);
    expect(await ctx.db.models.Prompt.count()).toBe(starterPrompts + 1);

    await seedStarter.down({ context: qi });
    await systemAndRuns.down({ context: qi });
    expect(Object.keys(await qi.describeTable('datasets'))).not.toContain('is_system');
    expect(await tables()).not.toContain('dataset_runs');
    const [rows] = await ctx.db.sequelize.query('SELECT id FROM datasets');
    expect((rows as any[]).map((r) => Number(r.id))).toEqual([own.id]);
    expect(await ctx.db.models.Prompt.count()).toBe(1);

    await systemAndRuns.up({ context: qi });
    await seedStarter.up({ context: qi });
    expect(await tables()).toContain('dataset_runs');
    expect(await ctx.db.models.Dataset.count({ where: { is_system: true } })).toBe(4);
    expect(await ctx.db.models.Prompt.count()).toBe(starterPrompts + 1);
  });

  it('when the starter data is checked, then every prompt has a difficulty, tags and a sensible length, and none repeats', () => {
    const texts = new Set<string>();
    for (const dataset of STARTER_DATASETS) {
      expect(dataset.prompts.length).toBeGreaterThanOrEqual(25);
      expect(dataset.prompts.length).toBeLessThanOrEqual(40);
      const difficulties = new Set(dataset.prompts.map((p) => p.difficulty));
      expect([...difficulties].sort()).toEqual(['easy', 'hard', 'medium']);
      for (const p of dataset.prompts) {
        expect(p.text.length).toBeGreaterThan(10);
        expect(p.tags.length).toBeGreaterThan(0);
        expect(p.tags.every((t) => t === t.toLowerCase())).toBe(true);
        expect(texts.has(p.text)).toBe(false);
        texts.add(p.text);
      }
    }
  });
});
