import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/index.js';
import { createMigrator, migrateUp } from '../../src/db/migrator.js';
import { MIGRATIONS } from '../../src/db/migrations/index.js';
import { selectRows } from '../../src/db/raw-query.js';
import { loadConfig } from '../../src/config/index.js';
import {
  createScratchDatabase,
  testDatabaseKinds,
  type ScratchDatabase,
} from '../helpers/databases.js';

const SPEC_TABLES = [
  'users',
  'experiments',
  'responses',
  'quality_metrics',
  'batch_experiments',
  'datasets',
  'prompts',
];

describe.each(testDatabaseKinds())('database layer on $name', (kind) => {
  let scratch: ScratchDatabase;
  let db: Database;

  beforeAll(async () => {
    scratch = await createScratchDatabase(kind);
    db = openDatabase(loadConfig({ DATABASE_URL: scratch.url }).database);
  });
  afterAll(async () => {
    await db?.sequelize.close();
    await scratch?.drop();
  });

  async function tableNames(): Promise<string[]> {
    const tables = (await db.sequelize.getQueryInterface().showAllTables()) as unknown[];
    return tables.map((t) => (typeof t === 'string' ? t : (t as { tableName: string }).tableName));
  }

  it('when migrated up, down and up again, then every spec table exists with its columns', async () => {
    expect(await migrateUp(db.sequelize)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await tableNames()).toEqual(expect.arrayContaining(SPEC_TABLES));

    await createMigrator(db.sequelize).down({ to: 0 });
    expect(await tableNames()).not.toEqual(expect.arrayContaining(['experiments']));

    await migrateUp(db.sequelize);
    expect(await migrateUp(db.sequelize)).toEqual([]);
    const responses = await db.sequelize.getQueryInterface().describeTable('responses');
    expect(Object.keys(responses)).toEqual(
      expect.arrayContaining([
        'id',
        'experiment_id',
        'content',
        'model',
        'parameters',
        'response_time',
        'cost',
        'token_count',
        'status',
        'error_message',
        'metadata',
        'created_at',
        'updated_at',
        'batch_experiment_id',
        'combination_id',
        'iteration',
      ]),
    );
    const users = await db.sequelize.getQueryInterface().describeTable('users');
    expect(Object.keys(users)).toEqual(
      expect.arrayContaining([
        'api_key',
        'api_key_hash',
        'default_provider',
        'default_model',
        'preferences',
        'role',
      ]),
    );
  });

  it('when JSON, DECIMAL and dates are stored, then they read back as objects, numbers and UTC dates — also through raw queries', async () => {
    const { User, Experiment, Response } = db.models;
    const user = await User.create({
      username: 'json_user',
      email: 'json@example.com',
      password_hash: 'x',
      preferences: { theme: 'dark' },
    });
    const experiment = await Experiment.create({
      name: 'JSON',
      prompt: 'p',
      model: 'm',
      parameters: { temperature: 0.8, stop: ['\n'] },
      tags: ['a', 'b'],
      user_id: user.get('id'),
    });
    await Response.create({
      experiment_id: experiment.get('id'),
      content: 'c',
      cost: 0.012345,
      parameters: { top_p: 0.9 },
    });

    const viaModel = (await Experiment.findByPk(experiment.get('id') as number))!.get({
      plain: true,
    });
    expect(viaModel.parameters).toEqual({ temperature: 0.8, stop: ['\n'] });
    expect(viaModel.tags).toEqual(['a', 'b']);
    expect(viaModel.created_at).toBeInstanceOf(Date);
    const response = (await Response.findOne({ where: { experiment_id: experiment.get('id') } }))!;
    expect(response.get('cost')).toBe(0.012345);

    const [raw] = await selectRows(
      db,
      'SELECT e.parameters, e.tags, e.created_at, r.cost, (SELECT COUNT(*) FROM responses) AS n FROM experiments e JOIN responses r ON r.experiment_id = e.id WHERE e.id = :id',
      {
        replacements: { id: experiment.get('id') },
        json: ['parameters', 'tags'],
        dates: ['created_at'],
        numbers: ['cost', 'n'],
      },
    );
    expect(raw).toEqual({
      parameters: { temperature: 0.8, stop: ['\n'] },
      tags: ['a', 'b'],
      created_at: viaModel.created_at,
      cost: 0.012345,
      n: 1,
    });
    expect(JSON.stringify(raw!.created_at)).toMatch(
      /^"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"$/,
    );
  });

  it('when an experiment row is deleted, then the database cascades to its responses and their metrics', async () => {
    const { User, Experiment, Response, QualityMetric } = db.models;
    const user = await User.create({
      username: 'cascade',
      email: 'cascade@example.com',
      password_hash: 'x',
    });
    const experiment = await Experiment.create({
      name: 'c',
      prompt: 'p',
      model: 'm',
      parameters: {},
      user_id: user.get('id'),
    });
    const response = await Response.create({ experiment_id: experiment.get('id'), content: 'c' });
    await QualityMetric.create({ response_id: response.get('id'), overall_quality: 70 });

    await db.sequelize.query('DELETE FROM experiments WHERE id = :id', {
      replacements: { id: experiment.get('id') },
    });

    expect(await Response.count({ where: { id: response.get('id') as number } })).toBe(0);
    expect(
      await QualityMetric.count({ where: { response_id: response.get('id') as number } }),
    ).toBe(0);
  });

  it('when a status outside the allowed values is written, then the model rejects it', async () => {
    await expect(
      db.models.Experiment.create({
        name: 'x',
        prompt: 'p',
        model: 'm',
        parameters: {},
        status: 'exploded',
      }),
    ).rejects.toThrow(/isIn/);
  });
});

describe.each(testDatabaseKinds())('down migrations keep data on $name', (kind) => {
  let scratch: ScratchDatabase;
  let db: Database;

  beforeAll(async () => {
    scratch = await createScratchDatabase(kind);
    db = openDatabase(loadConfig({ DATABASE_URL: scratch.url }).database);
  });
  afterAll(async () => {
    await db?.sequelize.close();
    await scratch?.drop();
  });

  it('when migrations after the batch tables are undone, then batch responses keep their rows and links', async () => {
    await migrateUp(db.sequelize);
    const u = await db.models.User.create({
      username: `down${Date.now()}`,
      email: `down${Date.now()}@example.com`,
      password_hash: 'x',
    });
    const e = await db.models.Experiment.create({
      user_id: u.get('id'),
      name: 'e',
      prompt: 'p',
      model: 'mock-balanced',
      parameters: {},
    });
    const b = await db.models.BatchExperiment.create({
      user_id: u.get('id'),
      experiment_id: e.get('id'),
      name: 'b',
      prompt: 'p',
      model: 'mock-balanced',
      parameter_ranges: {},
      total_combinations: 1,
    });
    const r = await db.models.Response.create({
      experiment_id: e.get('id'),
      batch_experiment_id: b.get('id'),
      combination_id: 1,
      iteration: 1,
      content: 'kept',
    });
    // Undo every migration after the batch execution columns: dropping columns of
    // batch_experiments must not rebuild it (SQLite would fire ON DELETE on responses).
    await createMigrator(db.sequelize).down({ to: '20261204000400-add-batch-notify' });
    const rows = await selectRows<{ id: number; batch_experiment_id: number | null }>(
      db,
      'SELECT id, batch_experiment_id FROM responses WHERE id = :id',
      { replacements: { id: r.get('id') }, numbers: ['batch_experiment_id'] },
    );
    expect(rows).toEqual([{ id: r.get('id'), batch_experiment_id: b.get('id') }]);
    await migrateUp(db.sequelize);
  });
});
