import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import {
  createDataset,
  createExperiment,
  createUser,
  insertResponse,
  type TestUser,
} from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const P1 = 'Explain quantum entanglement to a first-year student';
const P2 = 'Derive the uncertainty principle for a wave packet';
const P3 = 'Explain the TCP three-way handshake';
const P4 = 'Write an ode to a quantum particle';
const P5 = 'Explain quantum tunnelling with an everyday analogy';

describe.each(testDatabaseKinds())('prompt suggestions on $name', (kind) => {
  let ctx: TestContext;
  let user: TestUser;
  let ids: Record<string, number>;

  beforeAll(async () => {
    ctx = await createTestContext(kind);
    user = await createUser(ctx);
    const other = await createUser(ctx);
    const dataset = await createDataset(ctx, user, {
      category: 'physics-lab',
      prompts: [
        { text: P1, tags: ['quantum', 'explanation'], difficulty: 'medium' },
        { text: P2, tags: ['quantum'], difficulty: 'hard' },
        { text: P3, tags: ['networking', 'explanation'], difficulty: 'medium' },
        { text: P4, tags: ['quantum'], difficulty: 'medium', category: 'creative' },
        { text: P5, tags: ['quantum', 'explanation'], difficulty: 'medium' },
      ],
    });
    const rows = await ctx.db.models.Prompt.findAll({
      where: { dataset_id: dataset.id },
      raw: true,
    });
    ids = Object.fromEntries(
      rows
        .map((r: any) => [[P1, P2, P3, P4, P5].indexOf(r.text) + 1, r.id])
        .map(([i, id]) => [`P${i}`, id]),
    );
    // The caller's history. Exactly P5's text: 80 and 90 → 85 over 2 responses.
    const e1 = await createExperiment(ctx, user, { prompt: P5 });
    await insertResponse(ctx, e1.id, { quality: 80 });
    await insertResponse(ctx, e1.id, { quality: 90 });
    // Tagged "quantum": 60 and 70 (label sum 130, n 2); unscored responses do not count.
    const e2 = await createExperiment(ctx, user, { prompt: 'Other', tags: ['Quantum'] });
    await insertResponse(ctx, e2.id, { quality: 60 });
    await insertResponse(ctx, e2.id, { quality: 70 });
    await insertResponse(ctx, e2.id, {});
    // Tagged "explanation" and "physics-lab": 50 (each label sum 50, n 1).
    const e3 = await createExperiment(ctx, user, {
      prompt: 'Another',
      tags: ['explanation', 'physics-lab'],
    });
    await insertResponse(ctx, e3.id, { quality: 50 });
    // Another user's history and private dataset never count.
    const foreign = await createExperiment(ctx, other, { prompt: P1, tags: ['quantum'] });
    await insertResponse(ctx, foreign.id, { quality: 100 });
    await createDataset(ctx, other, {
      category: 'physics-lab',
      prompts: [
        { text: 'Secret quantum prompt', tags: ['quantum', 'explanation'], difficulty: 'medium' },
      ],
    });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const suggest = async (qs: string) => {
    const res = await request(ctx.app).get(`/api/prompts/suggest?${qs}`).set(user.headers);
    expect(res.status, res.text).toBe(200);
    return res.body.data;
  };

  it('when category, difficulty and tags are given, then prompts rank by match score, then by past quality', async () => {
    const data = await suggest('category=physics-lab&difficulty=medium&tags=quantum,explanation');
    // P1, P5: 4 (category) + 2 + 2 (tags) + 1 (difficulty) = 9; P3: 4 + 2 + 1 = 7; P2: 4 + 2 = 6.
    // Ties at 9: P5 has its own record (85) above P1's kind record
    // (quantum 130/2, explanation 50/1, physics-lab 50/1 → 230/4 = 57.5).
    expect(data.suggestions.map((s: any) => [s.id, s.match.score, s.performance])).toEqual([
      [ids.P5, 9, { basis: 'same_prompt', average_quality: 85, responses: 2 }],
      [ids.P1, 9, { basis: 'same_kind', average_quality: 57.5, responses: 4 }],
      // P3: explanation 50/1 + physics-lab 50/1 → 50; P2: quantum 130/2 + physics-lab 50/1 → 60.
      [ids.P3, 7, { basis: 'same_kind', average_quality: 50, responses: 2 }],
      [ids.P2, 6, { basis: 'same_kind', average_quality: 60, responses: 3 }],
    ]);
    expect(data.suggestions[1]).toMatchObject({
      text: P1,
      category: 'physics-lab',
      match: { category: true, difficulty: true, tags: ['quantum', 'explanation'] },
      dataset: { name: expect.any(String) },
    });
    expect(data.ranking).toMatch(/match score/);
    expect(data.criteria).toEqual({
      category: 'physics-lab',
      difficulty: 'medium',
      tags: ['quantum', 'explanation'],
      limit: 10,
    });
  });

  it('when only difficulty and tags are given, then any category matches and a prompt must match one of them', async () => {
    const data = await suggest('difficulty=hard&tags=quantum&tags=QUANTUM&limit=6');
    // P2: 2 (tag) + 1 (hard) = 3; P1, P4, P5: 2, ordered by record (85, kind 65, kind 57.5);
    // then hard prompts of the starter datasets with 1 point.
    expect(data.suggestions.slice(0, 4).map((s: any) => [s.id, s.match.score])).toEqual([
      [ids.P2, 3],
      [ids.P5, 2],
      [ids.P4, 2],
      [ids.P1, 2],
    ]);
    expect(data.suggestions[2].performance).toEqual({
      basis: 'same_kind',
      average_quality: 65,
      responses: 2,
    });
    expect(
      data.suggestions.slice(4).every((s: any) => s.match.score === 1 && s.difficulty === 'hard'),
    ).toBe(true);
    expect(data.suggestions).toHaveLength(6);
    expect(data.suggestions.map((s: any) => s.text)).not.toContain('Secret quantum prompt');
  });

  it('when only a standard category is given, then the starter prompts of that category are suggested', async () => {
    const data = await suggest('category=creative&limit=50');
    expect(data.suggestions.length).toBeGreaterThanOrEqual(25);
    expect(data.suggestions.every((s: any) => s.category === 'creative')).toBe(true);
    expect(data.suggestions.map((s: any) => s.id)).toContain(ids.P4);
  });

  it('when the query is invalid, then 400 says what is expected', async () => {
    const res = await request(ctx.app)
      .get('/api/prompts/suggest?difficulty=extreme')
      .set(user.headers)
      .expect(400);
    expect(res.body.error.details).toMatchObject({
      field: 'difficulty',
      expected: 'One of: easy, medium, hard',
    });
    await request(ctx.app).get('/api/prompts/suggest?limit=500').set(user.headers).expect(400);
    await request(ctx.app).get('/api/prompts/suggest').expect(401);
  });
});
