import { afterAll, describe, expect, it, vi } from 'vitest';
import { HeuristicEngine } from '../../src/quality/heuristic-engine.js';
import { PooledHeuristicEngine } from '../../src/quality/pooled-heuristic-engine.js';
import type { QualityReport } from '../../src/quality/types.js';

const TEXTS = [
  {
    content:
      'Neural networks learn by adjusting weights. Each layer transforms its input, and ' +
      'training nudges the weights to reduce the error on examples. In short, they learn patterns.',
    prompt: 'Explain neural networks in simple terms',
  },
  {
    content: 'Roses are red. Roses are red. Roses are red. Roses are red.',
    prompt: 'Write a poem about spring',
    finishReason: 'length',
  },
  { content: '# Steps\n\n1. Install Node.\n2. Run `npm ci`.\n3. Start the server.' },
];

/** What must match: everything but the timing. */
function comparable(report: QualityReport) {
  const { processingMs: _ms, ...rest } = report;
  return rest;
}

describe('heuristic scoring on worker threads', () => {
  const weights = { relevance: 2, creativity: 0.5 };
  const pooled = new PooledHeuristicEngine({ threads: 2, weights });
  const local = new HeuristicEngine({ weights });
  afterAll(() => pooled.close());

  it('when texts are scored on the pool, then the reports equal the in-thread engine’s (weights included)', async () => {
    const reports = await Promise.all(TEXTS.map((t) => pooled.score(t)));
    for (const [i, text] of TEXTS.entries()) {
      expect(comparable(reports[i]!)).toEqual(comparable(local.scoreSync(text)));
    }
    expect(pooled.threads).toBe(2);
  });

  it('when only some dimensions are asked for, then only those come back', async () => {
    const report = await pooled.score(TEXTS[0]!, { dimensions: ['coherence', 'readability'] });
    expect(Object.keys(report.dimensions).sort()).toEqual(['coherence', 'readability']);
    expect(comparable(report)).toEqual(
      comparable(local.scoreSync(TEXTS[0]!, { dimensions: ['coherence', 'readability'] })),
    );
  });

  it('when the signal is already aborted, then scoring is refused', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(pooled.score(TEXTS[0]!, { signal: controller.signal })).rejects.toThrow();
  });
});

describe('texts sent to the scoring thread in groups', () => {
  const pooled = new PooledHeuristicEngine({ threads: 1 });
  const local = new HeuristicEngine();
  afterAll(() => pooled.close());

  it('when many texts are scored at once on one thread, then each gets its own report (they travel in groups of up to 16)', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => ({
      ...TEXTS[i % TEXTS.length]!,
      content: `${TEXTS[i % TEXTS.length]!.content} Variant ${i}.`,
    }));
    const reports = await Promise.all(texts.map((t) => pooled.score(t)));
    reports.forEach((report, i) =>
      expect(comparable(report)).toEqual(comparable(local.scoreSync(texts[i]!))),
    );
  });

  it('when one text of a group cannot be scored, then it alone fails and the others get their reports', async () => {
    const results = await Promise.allSettled([
      pooled.score(TEXTS[0]!),
      pooled.score(TEXTS[1]!),
      pooled.score({ content: 42 as unknown as string }),
      pooled.score(TEXTS[2]!),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(
      (results[3] as PromiseFulfilledResult<QualityReport>).value.overall_quality,
    ).toBeGreaterThan(0);
  });

  it('when a waiting text is aborted, then it is refused at once and the rest of its group is scored', async () => {
    const controller = new AbortController();
    const busy = pooled.score(TEXTS[0]!); // occupies the thread, so the next ones wait
    const aborted = pooled.score(TEXTS[1]!, { signal: controller.signal });
    const kept = pooled.score(TEXTS[2]!);
    controller.abort(new Error('no longer needed'));
    await expect(aborted).rejects.toThrow('no longer needed');
    expect(comparable(await kept)).toEqual(comparable(local.scoreSync(TEXTS[2]!)));
    await busy;
  });
});

describe('scoring threads on demand', () => {
  it('when nothing has been scored, then no thread runs; the first scoring starts one and an idle pool lets it go', async () => {
    const pooled = new PooledHeuristicEngine({ threads: 1, idleTimeoutMs: 200 });
    try {
      expect(pooled.threads).toBe(0);
      await pooled.score(TEXTS[0]!);
      expect(pooled.threads).toBe(1);
      await vi.waitFor(() => expect(pooled.threads).toBe(0), { timeout: 10_000, interval: 50 });
    } finally {
      await pooled.close();
    }
  });
});
