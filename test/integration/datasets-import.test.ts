import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createUser, type TestUser } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const GOOD_CSV = [
  'text,tags,difficulty,expected_length,source',
  'Explain TCP slow start,networking;performance,hard,300,book',
  '"Write a haiku, about rain",poetry|nature,easy,,',
  '"A prompt that spans',
  'two lines",,medium,,',
  '',
  'Summarise the CAP theorem,"[""distributed"",""theory""]",MEDIUM,250,wiki',
].join('\n');

describe.each(testDatabaseKinds())('dataset import on $name', (kind) => {
  let ctx: TestContext;
  let user: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext(kind);
    user = await createUser(ctx);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const promptsOf = async (datasetId: number) =>
    (
      await request(ctx.app)
        .get(`/api/datasets/${datasetId}?limit=200`)
        .set(user.headers)
        .expect(200)
    ).body.data.dataset;
  const datasetCount = () => ctx.db.models.Dataset.count();

  it('when a valid CSV is uploaded raw, then every row becomes a prompt with its tags, difficulty and extra columns', async () => {
    const res = await request(ctx.app)
      .post('/api/datasets/import?name=Networking%20set&category=technical&public=true')
      .set(user.headers)
      .set('Content-Type', 'text/csv')
      .send(GOOD_CSV)
      .expect(201);
    expect(res.body.data).toMatchObject({ imported: 4, skipped: 0, errors: [] });
    expect(res.body.data.dataset).toMatchObject({
      name: 'Networking set',
      category: 'technical',
      public: true,
      prompt_count: 4,
    });
    const dataset = await promptsOf(res.body.data.dataset.id);
    expect(
      dataset.prompts.map((p: any) => [
        p.text,
        p.tags,
        p.difficulty,
        p.expected_length,
        p.metadata,
      ]),
    ).toEqual([
      ['Explain TCP slow start', ['networking', 'performance'], 'hard', 300, { source: 'book' }],
      ['Write a haiku, about rain', ['poetry', 'nature'], 'easy', null, null],
      ['A prompt that spans\ntwo lines', [], 'medium', null, null],
      ['Summarise the CAP theorem', ['distributed', 'theory'], 'medium', 250, { source: 'wiki' }],
    ]);
    expect(await ctx.db.models.Prompt.count({ where: { dataset_id: dataset.id } })).toBe(4);
  });

  it('when some CSV rows are invalid, then 400 lists each with row, line and field, and nothing is written', async () => {
    const before = await datasetCount();
    const csv = [
      'prompt,difficulty,expected_length',
      'Fine prompt,easy,100',
      ',medium,10',
      'Bad difficulty,impossible,10',
      '"Multi',
      'line",hard,ten',
      'Too,many,cells,here',
    ].join('\n');
    const res = await request(ctx.app)
      .post('/api/datasets/import?name=Broken&category=technical')
      .set(user.headers)
      .set('Content-Type', 'text/csv')
      .send(csv);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.message).toMatch(/^4 of 5 rows are invalid, so nothing was imported/);
    expect(res.body.error.details).toMatchObject({
      total_rows: 5,
      invalid_rows: 4,
      error_count: 4,
      errors_truncated: false,
    });
    expect(res.body.error.details.errors.map((e: any) => [e.row, e.line, e.field])).toEqual([
      [2, 3, 'text'],
      [3, 4, 'difficulty'],
      [4, 5, 'expected_length'],
      [5, 7, 'row'],
    ]);
    expect(res.body.error.details.errors[1].problem).toBe('One of: easy, medium, hard');
    expect(res.body.error.details.errors[3].problem).toMatch(/4 cells but the header has 3/);
    expect(await datasetCount()).toBe(before);
  });

  it('when skip_invalid=true, then the valid rows are imported and the invalid ones reported', async () => {
    const csv = ['text,difficulty', 'Good one,easy', 'Bad one,nope', 'Good two,hard'].join('\n');
    const res = await request(ctx.app)
      .post('/api/datasets/import?name=Partial&category=analytical&skip_invalid=true')
      .set(user.headers)
      .set('Content-Type', 'text/csv; charset=utf-8')
      .send(csv)
      .expect(201);
    expect(res.body.data).toMatchObject({ imported: 2, skipped: 1 });
    expect(res.body.data.errors).toEqual([
      {
        row: 2,
        line: 3,
        field: 'difficulty',
        problem: 'One of: easy, medium, hard',
        value: 'nope',
      },
    ]);
    expect(res.body.message).toBe('Imported 2 prompts, skipped 1 invalid row');
    const dataset = await promptsOf(res.body.data.dataset.id);
    expect(dataset.prompts.map((p: any) => p.text)).toEqual(['Good one', 'Good two']);
    expect(dataset.metadata.import).toEqual({ format: 'csv', total_rows: 3, skipped_rows: 1 });
  });

  it('when JSON Lines are uploaded raw, then objects become prompts and bad lines are reported by line', async () => {
    const good = [
      '{"text": "Explain recursion", "tags": ["cs"], "difficulty": "easy"}',
      '',
      '{"prompt": "Plan a trip", "tags": "travel, planning", "category": "conversational", "origin": "survey"}',
    ].join('\n');
    const ok = await request(ctx.app)
      .post('/api/datasets/import?name=Lines&category=technical')
      .set(user.headers)
      .set('Content-Type', 'application/x-ndjson')
      .send(good)
      .expect(201);
    const dataset = await promptsOf(ok.body.data.dataset.id);
    expect(dataset.prompts.map((p: any) => [p.text, p.tags, p.category, p.metadata])).toEqual([
      ['Explain recursion', ['cs'], 'technical', null],
      ['Plan a trip', ['travel', 'planning'], 'conversational', { origin: 'survey' }],
    ]);

    const before = await datasetCount();
    const bad = ['{"text": "fine"}', '{"text": "unterminated', '[1, 2]', '{"text": 42}'].join('\n');
    const res = await request(ctx.app)
      .post('/api/datasets/import?name=Bad%20lines&category=technical')
      .set(user.headers)
      .set('Content-Type', 'application/jsonl')
      .send(bad);
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors.map((e: any) => [e.row, e.line, e.field])).toEqual([
      [2, 2, 'row'],
      [3, 3, 'row'],
      [4, 4, 'text'],
    ]);
    expect(res.body.error.details.errors[0].problem).toMatch(/^Not valid JSON/);
    expect(await datasetCount()).toBe(before);
  });

  it('when the file comes in a JSON body, then it is imported the same way', async () => {
    const res = await request(ctx.app)
      .post('/api/datasets/import')
      .set(user.headers)
      .send({
        name: 'From JSON',
        category: 'creative',
        format: 'csv',
        content: 'text,tags\nWrite a limerick,humor\n',
      })
      .expect(201);
    expect(res.body.data).toMatchObject({ imported: 1, skipped: 0 });
    expect(res.body.data.dataset).toMatchObject({
      name: 'From JSON',
      prompt_count: 1,
      public: false,
    });
  });

  it('when the file cannot be read or the request is incomplete, then 400 says what to fix', async () => {
    const before = await datasetCount();
    const unclosed = await request(ctx.app)
      .post('/api/datasets/import?name=X&category=technical')
      .set(user.headers)
      .set('Content-Type', 'text/csv')
      .send('text\n"never closed\n');
    expect(unclosed.status).toBe(400);
    expect(unclosed.body.error.message).toMatch(/The CSV cannot be read: Quote Not Closed/);
    expect(unclosed.body.error.details.line).toBe(2);

    const noText = await request(ctx.app)
      .post('/api/datasets/import?name=X&category=technical')
      .set(user.headers)
      .set('Content-Type', 'text/csv')
      .send('title,tags\nHello,a\n');
    expect(noText.status).toBe(400);
    expect(noText.body.error.message).toMatch(/must name a "text" \(or "prompt"\) column/);

    const noName = await request(ctx.app)
      .post('/api/datasets/import?category=technical')
      .set(user.headers)
      .set('Content-Type', 'text/csv')
      .send(GOOD_CSV);
    expect(noName.status).toBe(400);
    expect(noName.body.error.details.field).toBe('name');

    const plain = await request(ctx.app)
      .post('/api/datasets/import?name=X&category=technical')
      .set(user.headers)
      .set('Content-Type', 'text/plain')
      .send(GOOD_CSV);
    expect(plain.status).toBe(400);
    expect(plain.body.error.details.field).toBe('format');

    const empty = await request(ctx.app)
      .post('/api/datasets/import')
      .set(user.headers)
      .send({ name: 'Empty', category: 'technical', format: 'jsonl', content: '\n\n' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toBe('The file has no prompt rows');
    expect(await datasetCount()).toBe(before);
  });
});
