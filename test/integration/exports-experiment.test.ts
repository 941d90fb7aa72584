import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import {
  binaryParser,
  bodyBytes,
  readCsv,
  readXlsx,
  sheetObjects,
} from '../helpers/export-readers.js';
import {
  createExperiment,
  createUser,
  insertResponseWithMetrics,
  type ResponseSeed,
  type TestUser,
} from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const METRICS_1 = {
  overall_quality: 80,
  coherence_score: 70,
  creativity_score: 60,
  readability_score: 90,
  completeness_score: 85,
  factual_accuracy: 75,
  relevance_score: 95,
  engagement_score: 65,
  technical_depth: 55,
};
// Values exact in single precision, so MariaDB's FLOAT gives them back unchanged.
const METRICS_2 = {
  overall_quality: 90,
  coherence_score: 88.5,
  creativity_score: 92.25,
  readability_score: 70.5,
  completeness_score: 81,
  factual_accuracy: 77.75,
  relevance_score: 99,
  engagement_score: 64.5,
  technical_depth: 50.25,
};
const METRIC_KEYS = Object.keys(METRICS_1);

const SEEDS: ResponseSeed[] = [
  {
    content: 'Once upon a time, "a robot" dreamt;\nthen it woke up, and wrote, a poem.',
    parameters: {
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 500,
      frequency_penalty: 0,
      presence_penalty: 0,
    },
    metrics: METRICS_1,
    cost: 0.0125,
    tokens: 120,
    responseTime: 1.5,
    createdAt: new Date('2024-10-01T10:00:00.000Z'),
  },
  {
    content: '=SUM(A1:A2) looks like a formula',
    parameters: {
      temperature: 0.8,
      top_p: 1,
      max_tokens: 1000,
      frequency_penalty: 0.5,
      presence_penalty: 0,
      seed: 42,
      stop: ['END'],
    },
    metrics: METRICS_2,
    cost: 0.02,
    tokens: 200,
    responseTime: 2.25,
    createdAt: new Date('2024-10-15T12:30:00.000Z'),
  },
  {
    content: 'Ünïcödé 创意 text 🚀',
    parameters: {
      temperature: 1.2,
      top_p: 0.95,
      max_tokens: 800,
      frequency_penalty: 0,
      presence_penalty: 0.25,
      custom_flag: 'x',
    },
    cost: 0.005,
    tokens: 50,
    responseTime: 0.75,
    status: 'failed',
    errorMessage: 'provider timeout',
    createdAt: new Date('2024-11-02T08:00:00.000Z'),
  },
];

const ALL_COLUMNS = [
  'id',
  'experiment_id',
  'experiment_name',
  'created_at',
  'status',
  'model',
  'provider',
  'content',
  'response_time',
  'cost',
  'token_count',
  'prompt_tokens',
  'completion_tokens',
  'finish_reason',
  'cached',
  'batch_experiment_id',
  'combination_id',
  'iteration',
  'error_message',
  'parameters.temperature',
  'parameters.top_p',
  'parameters.max_tokens',
  'parameters.frequency_penalty',
  'parameters.presence_penalty',
  'parameters.stop',
  'parameters.seed',
  'parameters.other',
  ...METRIC_KEYS,
  'calculation_method',
  'scored_at',
];

const today = () => new Date().toISOString().slice(0, 10);

describe.each(testDatabaseKinds())('experiment export on $name', (kind) => {
  let ctx: TestContext;
  let owner: TestUser;
  let other: TestUser;
  let experiment: Record<string, any>;
  let ids: number[];

  beforeAll(async () => {
    ctx = await createTestContext(kind);
    owner = await createUser(ctx);
    other = await createUser(ctx);
    experiment = await createExperiment(ctx, owner, {
      name: 'Creative Writing Analysis',
      prompt: 'Write a story',
      tags: ['creative'],
    });
    ids = [];
    for (const seed of SEEDS) ids.push(await insertResponseWithMetrics(ctx, experiment.id, seed));
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const download = (path: string, user = owner) =>
    request(ctx.app).get(path).set(user.headers).buffer(true).parse(binaryParser);

  it("when exported as JSON, then the spec's document holds every response, metric and parameter from the database", async () => {
    const res = await request(ctx.app)
      .get(`/api/export/${experiment.id}?format=json`)
      .set(owner.headers)
      .expect(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="creative-writing-analysis-${today()}.json"`,
    );
    const { experiment: exp, responses } = res.body.data;
    expect(res.body.success).toBe(true);
    expect(exp).toMatchObject({
      id: experiment.id,
      name: 'Creative Writing Analysis',
      prompt: 'Write a story',
      tags: ['creative'],
      metadata: {
        total_responses: 3,
        export_format: 'json',
        template: 'detailed',
        // (80 + 90) / 2; sample sd of {80, 90} = √50 = 7.07
        average_quality: 85,
        best_quality: 90,
        worst_quality: 80,
        quality_std_dev: 7.07,
        scored_responses: 2,
        completed_responses: 2,
        failed_responses: 1,
        total_cost: 0.0375,
        total_tokens: 370,
        average_response_time: 1.5,
      },
    });
    expect(Date.parse(exp.export_timestamp)).toBeGreaterThan(Date.now() - 60_000);
    expect(exp.metadata.metric_means.coherence_score).toBe(79.25); // (70 + 88.5) / 2

    expect(responses.map((r: any) => r.id)).toEqual(ids);
    SEEDS.forEach((seed, i) => {
      const r = responses[i];
      expect(r.content).toBe(seed.content);
      expect(r.parameters).toEqual(seed.parameters);
      expect(r.cost).toBe(seed.cost);
      expect(r.token_count).toBe(seed.tokens);
      expect(r.response_time).toBe(seed.responseTime);
      expect(r.created_at).toBe(seed.createdAt!.toISOString());
      if (seed.metrics) {
        expect(r.quality_metrics).toMatchObject({
          ...seed.metrics,
          calculation_method: 'heuristic',
        });
      } else {
        expect(r.quality_metrics).toBeNull();
      }
    });
    expect(responses[2]).toMatchObject({ status: 'failed', error_message: 'provider timeout' });
  });

  it('when exported as CSV, then there is a header row and one RFC 4180 row per response with parameters and metrics in columns', async () => {
    const res = await download(`/api/export/${experiment.id}?format=csv`).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="creative-writing-analysis-${today()}.csv"`,
    );
    const bytes = bodyBytes(res);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM for Excel
    expect(bytes.toString('utf8')).toContain('\r\n');
    const { header, rows } = readCsv(bytes);
    expect(header).toEqual(ALL_COLUMNS);
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => Number(r.id))).toEqual(ids);

    const [r1, r2, r3] = rows as [
      Record<string, string>,
      Record<string, string>,
      Record<string, string>,
    ];
    // Quotes, commas and the line break survive the round trip.
    expect(r1.content).toBe(SEEDS[0]!.content);
    // A formula-like text is neutralised with an apostrophe (CSV injection).
    expect(r2.content).toBe(`'${SEEDS[1]!.content}`);
    expect(r3.content).toBe('Ünïcödé 创意 text 🚀');
    expect(r1).toMatchObject({
      experiment_id: String(experiment.id),
      experiment_name: 'Creative Writing Analysis',
      created_at: '2024-10-01T10:00:00.000Z',
      status: 'completed',
      cost: '0.0125',
      token_count: '120',
      response_time: '1.5',
      cached: 'false',
      'parameters.temperature': '0.2',
      'parameters.top_p': '0.9',
      'parameters.max_tokens': '500',
      'parameters.seed': '',
      'parameters.other': '',
      calculation_method: 'heuristic',
    });
    for (const key of METRIC_KEYS) {
      expect(Number(r1[key])).toBe(METRICS_1[key as keyof typeof METRICS_1]);
      expect(Number(r2[key])).toBe(METRICS_2[key as keyof typeof METRICS_2]);
      expect(r3[key]).toBe('');
    }
    expect(r2['parameters.seed']).toBe('42');
    expect(r2['parameters.stop']).toBe('["END"]');
    expect(r2['parameters.frequency_penalty']).toBe('0.5');
    expect(JSON.parse(r3['parameters.other']!)).toEqual({ custom_flag: 'x' });
    expect(r3).toMatchObject({ status: 'failed', error_message: 'provider timeout' });
  });

  it('when exported as XLSX, then the workbook has summary, responses and metrics sheets with typed cells and a frozen header', async () => {
    const res = await download(`/api/export/${experiment.id}?format=xlsx`).expect(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="creative-writing-analysis-${today()}.xlsx"`,
    );
    const sheets = await readXlsx(bodyBytes(res));
    expect(sheets.map((s) => s.name)).toEqual(['Experiment summary', 'Responses', 'Metrics']);
    expect(sheets.every((s) => s.frozenHeader)).toBe(true);

    const summary = new Map(sheets[0]!.rows.map(([k, v]) => [k, v]));
    expect(summary.get('id')).toBe(experiment.id);
    expect(summary.get('name')).toBe('Creative Writing Analysis');
    expect(summary.get('metadata.average_quality')).toBe(85);
    expect(summary.get('metadata.total_cost')).toBe(0.0375);
    expect(summary.get('export_timestamp')).toBeInstanceOf(Date);
    expect(summary.get('parameters.temperature')).toBe(experiment.parameters.temperature);

    const responses = sheets[1]!;
    expect(responses.header).toEqual(
      ALL_COLUMNS.filter(
        (c) => !METRIC_KEYS.includes(c) && c !== 'calculation_method' && c !== 'scored_at',
      ),
    );
    const rows = sheetObjects(responses);
    expect(rows.map((r) => r.id)).toEqual(ids);
    SEEDS.forEach((seed, i) => {
      const row = rows[i]!;
      expect(row.created_at).toBeInstanceOf(Date);
      expect((row.created_at as Date).toISOString()).toBe(seed.createdAt!.toISOString());
      expect(row.cost).toBe(seed.cost);
      expect(row.token_count).toBe(seed.tokens);
      expect(row.response_time).toBe(seed.responseTime);
      expect(row.content).toBe(seed.content); // no CSV neutralising: XLSX cells are typed text
      expect(row['parameters.temperature']).toBe(seed.parameters!.temperature);
      expect(row.cached).toBe(false);
    });
    expect(rows[1]!['parameters.seed']).toBe(42);
    expect(rows[2]!['parameters.other']).toBe('{"custom_flag":"x"}');

    const metrics = sheetObjects(sheets[2]!);
    expect(sheets[2]!.header).toEqual([
      'response_id',
      ...METRIC_KEYS,
      'calculation_method',
      'scored_at',
    ]);
    expect(metrics.map((m) => m.response_id)).toEqual(ids);
    for (const key of METRIC_KEYS) {
      expect(metrics[0]![key]).toBe(METRICS_1[key as keyof typeof METRICS_1]);
      expect(metrics[1]![key]).toBe(METRICS_2[key as keyof typeof METRICS_2]);
      expect(metrics[2]![key]).toBeNull();
    }
    expect(metrics[0]!.scored_at).toBeInstanceOf(Date);
  });

  it('when date_from/date_to or date_range are given, then only responses created in that window are exported', async () => {
    const only2 = await request(ctx.app)
      .get(`/api/export/${experiment.id}?date_from=2024-10-10&date_to=2024-10-31`)
      .set(owner.headers)
      .expect(200);
    expect(only2.body.data.responses.map((r: any) => r.id)).toEqual([ids[1]]);
    expect(only2.body.data.experiment.metadata).toMatchObject({
      total_responses: 1,
      average_quality: 90,
      total_cost: 0.02,
    });

    // A bare end date includes that whole day (12:30 on the 15th).
    const range = await download(
      `/api/export/${experiment.id}?format=csv&date_range=2024-10-01,2024-10-15`,
    ).expect(200);
    expect(readCsv(bodyBytes(range)).rows.map((r) => Number(r.id))).toEqual([ids[0], ids[1]]);

    const brackets = await request(ctx.app)
      .get(`/api/export/${experiment.id}`)
      .query({ 'date_range[from]': '2024-11-01T00:00:00Z' })
      .set(owner.headers)
      .expect(200);
    expect(brackets.body.data.responses.map((r: any) => r.id)).toEqual([ids[2]]);

    const json = await request(ctx.app)
      .get(`/api/export/${experiment.id}`)
      .query({ date_range: JSON.stringify({ from: '2024-10-02', to: '2024-11-30' }) })
      .set(owner.headers)
      .expect(200);
    expect(json.body.data.responses.map((r: any) => r.id)).toEqual([ids[1], ids[2]]);

    const empty = await download(
      `/api/export/${experiment.id}?format=csv&date_from=2030-01-01`,
    ).expect(200);
    const parsed = readCsv(bodyBytes(empty));
    expect(parsed.header).toEqual(ALL_COLUMNS);
    expect(parsed.rows).toEqual([]);

    const reversed = await request(ctx.app)
      .get(`/api/export/${experiment.id}?date_from=2024-12-01&date_to=2024-01-01`)
      .set(owner.headers)
      .expect(400);
    expect(reversed.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('when a template is named, then its field list picks the columns in every format', async () => {
    const basic = await download(`/api/export/${experiment.id}?format=csv&template=basic`).expect(
      200,
    );
    const csv = readCsv(bodyBytes(basic));
    expect(csv.header).toEqual(['id', 'experiment_name', 'cost', 'overall_quality']);
    expect(csv.rows).toEqual([
      {
        id: String(ids[0]),
        experiment_name: 'Creative Writing Analysis',
        cost: '0.0125',
        overall_quality: '80',
      },
      {
        id: String(ids[1]),
        experiment_name: 'Creative Writing Analysis',
        cost: '0.02',
        overall_quality: '90',
      },
      {
        id: String(ids[2]),
        experiment_name: 'Creative Writing Analysis',
        cost: '0.005',
        overall_quality: '',
      },
    ]);

    const json = await request(ctx.app)
      .get(`/api/export/${experiment.id}?template=basic`)
      .set(owner.headers)
      .expect(200);
    expect(json.body.data.responses).toEqual([
      { id: ids[0], cost: 0.0125, quality_metrics: { overall_quality: 80 } },
      { id: ids[1], cost: 0.02, quality_metrics: { overall_quality: 90 } },
      { id: ids[2], cost: 0.005, quality_metrics: null },
    ]);
    expect(json.body.data.experiment.prompt).toBeUndefined();
    expect(json.body.data.experiment.name).toBe('Creative Writing Analysis');

    const metricsOnly = await download(
      `/api/export/${experiment.id}?format=xlsx&template=metrics_only`,
    ).expect(200);
    const sheets = await readXlsx(bodyBytes(metricsOnly));
    expect(sheets[1]!.header).toEqual(['id', 'created_at']);
    expect(sheets[2]!.header).toEqual([
      'response_id',
      ...METRIC_KEYS,
      'calculation_method',
      'scored_at',
    ]);
    expect(sheets[2]!.rows[1]![1]).toBe(90);
  });

  it('when include_responses or include_metrics is false, then content or metrics are left out', async () => {
    const noContent = await download(
      `/api/export/${experiment.id}?format=csv&include_responses=false`,
    ).expect(200);
    const csv = readCsv(bodyBytes(noContent));
    expect(csv.header).toEqual(ALL_COLUMNS.filter((c) => c !== 'content'));
    expect(csv.rows).toHaveLength(3);

    const noMetrics = await request(ctx.app)
      .get(`/api/export/${experiment.id}?include_metrics=false`)
      .set(owner.headers)
      .expect(200);
    const first = noMetrics.body.data.responses[0];
    expect(first.quality_metrics).toBeUndefined();
    expect(first.content).toBe(SEEDS[0]!.content);
    expect(noMetrics.body.data.experiment.metadata.metric_means).toBeUndefined();

    const xlsx = await download(
      `/api/export/${experiment.id}?format=xlsx&include_metrics=0`,
    ).expect(200);
    expect((await readXlsx(bodyBytes(xlsx))).map((s) => s.name)).toEqual([
      'Experiment summary',
      'Responses',
    ]);
  });

  it("when the experiment is someone else's or unknown, then 404 in the error envelope; an admin may export it", async () => {
    const foreign = await request(ctx.app)
      .get(`/api/export/${experiment.id}?format=csv`)
      .set(other.headers)
      .expect(404);
    expect(foreign.headers['content-type']).toMatch(/application\/json/);
    expect(foreign.headers['content-disposition']).toBeUndefined();
    expect(foreign.body).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });

    const unknown = await request(ctx.app).get('/api/export/999999').set(owner.headers).expect(404);
    expect(unknown.body.error.message).toBe('Experiment 999999 not found');

    const admin = await createUser(ctx, { role: 'admin' });
    const res = await request(ctx.app)
      .get(`/api/export/${experiment.id}`)
      .set(admin.headers)
      .expect(200);
    expect(res.body.data.responses).toHaveLength(3);

    await request(ctx.app).get(`/api/export/${experiment.id}`).expect(401);
  });

  it('when the format, template or a flag is invalid, then 400 says what is accepted', async () => {
    const format = await request(ctx.app)
      .get(`/api/export/${experiment.id}?format=pdf`)
      .set(owner.headers)
      .expect(400);
    expect(format.body.error.code).toBe('VALIDATION_ERROR');
    expect(JSON.stringify(format.body.error)).toContain('json, csv, xlsx');

    const template = await request(ctx.app)
      .get(`/api/export/${experiment.id}?template=fancy`)
      .set(owner.headers)
      .expect(400);
    expect(JSON.stringify(template.body.error)).toContain('basic, detailed, metrics_only');

    const flag = await request(ctx.app)
      .get(`/api/export/${experiment.id}?include_metrics=maybe`)
      .set(owner.headers)
      .expect(400);
    expect(flag.body.error.code).toBe('VALIDATION_ERROR');

    const both = await request(ctx.app)
      .get(`/api/export/${experiment.id}?date_from=2024-01-01&date_range=2024-01-01,2024-02-01`)
      .set(owner.headers)
      .expect(400);
    expect(JSON.stringify(both.body.error)).toContain('not both');

    await request(ctx.app).get('/api/export/abc').set(owner.headers).expect(400);
  });

  it('when the experiment has a non-ASCII name, then Content-Disposition carries an ASCII fallback and the UTF-8 name', async () => {
    const named = await createExperiment(ctx, owner, { name: 'Análisis creativo 创意' });
    await insertResponseWithMetrics(ctx, named.id, { content: 'x', parameters: null });
    const res = await download(`/api/export/${named.id}?format=xlsx`).expect(200);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="analisis-creativo-${today()}.xlsx"; filename*=UTF-8''an%C3%A1lisis-creativo-%E5%88%9B%E6%84%8F-${today()}.xlsx`,
    );
    const onlyCjk = await createExperiment(ctx, owner, { name: '创意写作' });
    const cjk = await download(`/api/export/${onlyCjk.id}?format=csv`).expect(200);
    expect(cjk.headers['content-disposition']).toBe(
      `attachment; filename="experiment-${onlyCjk.id}-${today()}.csv"; filename*=UTF-8''%E5%88%9B%E6%84%8F%E5%86%99%E4%BD%9C-${today()}.csv`,
    );
    expect(readCsv(bodyBytes(cjk)).rows).toEqual([]);
  });

  it('when the templates are listed, then basic, detailed and metrics_only come with their fields and columns', async () => {
    const res = await request(ctx.app).get('/api/export/templates').set(owner.headers).expect(200);
    const templates = res.body.data.templates;
    expect(templates.map((t: any) => t.id)).toEqual(['basic', 'detailed', 'metrics_only']);
    expect(templates[0]).toMatchObject({
      name: 'Basic Export',
      description: 'Experiment overview with key metrics',
      fields: ['id', 'name', 'quality', 'cost'],
      columns: ['id', 'experiment_name', 'cost', 'overall_quality'],
    });
    expect(templates[1]).toMatchObject({ fields: ['*'], columns: ALL_COLUMNS });
  });
});
