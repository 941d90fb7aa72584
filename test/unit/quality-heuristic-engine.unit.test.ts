import { describe, expect, it } from 'vitest';
import { HeuristicEngine } from '../../src/quality/heuristic-engine.js';
import { HEURISTIC_SCORERS, analyzeText } from '../../src/quality/heuristic/index.js';
import { DIMENSIONS, type QualityReport, type ScoringInput } from '../../src/quality/types.js';

const engine = new HeuristicEngine();

const STORY: ScoringInput = {
  prompt: 'Write a short story about a lighthouse keeper who finds a message in a bottle.',
  content: `Every evening at dusk, Elias climbed the hundred and twelve steps of the Carrow Point lighthouse and lit the lamp. The sea below was grey and restless, and the gulls wheeled like scraps of paper in the wind.

One morning in late October, a green bottle rolled against the rocks beneath the tower. Inside, rolled tight as a cigarette, was a letter written in faded violet ink. "If you find this," it read, "I am still waiting on the island with the crooked pine. Please come before the winter storms."

Elias turned the paper over in his rough hands. The date at the bottom was forty years old. He knew that island; he had seen its crooked pine from the gallery a thousand times, a dark thumbprint on the horizon.

That night he did not sleep. He thought about the woman who had trusted the tide with her last hope, and about how nobody had answered her. At dawn he rowed out through the mist, the oars creaking, his heart pounding louder than the waves.

On the island he found a small stone cottage, its roof long fallen in. On the table lay a second bottle, corked and empty, as if she had been preparing another message. Beside it, carved into the wood, were four words: "Thank you for looking."

Elias rowed home slowly. When he lit the lamp that evening, he sat a little longer on the gallery, watching the beam sweep across the water, and he wondered how many other messages were still drifting out there, waiting for someone to notice.`,
};

const TECHNICAL: ScoringInput = {
  prompt: 'Explain how a hash table works and why lookups are usually O(1).',
  content: `A hash table stores key-value pairs in an array of buckets. To insert or look up a key, it computes a hash function h(key), which maps the key to an integer, and then takes that integer modulo the array size to choose a bucket. Because computing the hash and indexing the array both take constant time, a lookup is O(1) on average.

Collisions happen when two keys map to the same bucket. Separate chaining stores a small list in each bucket, so colliding entries are appended to it. Open addressing instead probes other slots, for example with linear probing, until it finds a free one.

The O(1) guarantee depends on the load factor, defined as the number of entries divided by the number of buckets. If the load factor grows, chains get longer, so lookups degrade toward O(n) in the worst case. Therefore most implementations double the capacity when the load factor exceeds about 0.75 and rehash every entry. Resizing costs O(n), but because it happens rarely, the amortized cost per insertion remains O(1).`,
};

const CONVERSATION: ScoringInput = {
  prompt:
    'Hey! I just got back from a week of hiking in the Alps. Have you got any tips for recovering?',
  content: `Welcome back — a week in the Alps sounds amazing! The first couple of days are about letting your legs recover, so take it easy: short walks or an easy bike ride help more than lying on the couch, because gentle movement eases the soreness. Drink plenty of water and eat a proper meal with some protein, since your muscles are rebuilding. If your calves or knees feel tight, a few minutes of stretching in the evening can make a big difference. And sleep! You probably ran a bit of a deficit on the trail. How are your feet holding up after all that hiking?`,
};

const withoutTiming = (r: QualityReport): Omit<QualityReport, 'processingMs'> => {
  const { processingMs: _ignored, ...rest } = r;
  return rest;
};

describe('HeuristicEngine on good texts of different kinds', () => {
  it.each([
    ['a creative story', STORY],
    ['a technical explanation', TECHNICAL],
    ['a conversational reply', CONVERSATION],
  ])(
    'when scoring %s, then every dimension is sensible and overall is at least 55',
    (_k, input) => {
      const report = engine.scoreSync(input);
      for (const dimension of DIMENSIONS) {
        const { score } = report.dimensions[dimension]!;
        expect(score, dimension).toBeGreaterThanOrEqual(35);
        expect(score, dimension).toBeLessThanOrEqual(95);
      }
      expect(report.overall_quality).toBeGreaterThanOrEqual(55);
    },
  );

  it('when a story and a technical answer are compared, then each leads on its own strength', () => {
    const story = engine.scoreSync(STORY).dimensions;
    const tech = engine.scoreSync(TECHNICAL).dimensions;
    expect(story.creativity!.score).toBeGreaterThan(tech.creativity!.score);
    expect(tech.technical_depth!.score).toBeGreaterThan(story.technical_depth!.score);
  });
});

describe('HeuristicEngine contract', () => {
  it('when scoring, then it reports the heuristic method, every dimension and the time spent', async () => {
    const report = await engine.score(TECHNICAL);
    expect(report.method).toBe('heuristic');
    expect(Object.keys(report.dimensions).sort()).toEqual([...DIMENSIONS].sort());
    expect(report.processingMs).toBeGreaterThan(0);
    for (const result of Object.values(report.dimensions)) {
      expect(result!.explanation.length).toBeGreaterThan(20);
      expect(Array.isArray(result!.suggestions)).toBe(true);
    }
  });

  it('when options.dimensions is given, then only those are scored and overall averages them', () => {
    const report = engine.scoreSync(TECHNICAL, { dimensions: ['coherence', 'relevance'] });
    expect(Object.keys(report.dimensions).sort()).toEqual(['coherence', 'relevance']);
    const { coherence, relevance } = report.dimensions;
    const expected = (0.15 * coherence!.score + 0.2 * relevance!.score) / 0.35;
    expect(report.overall_quality).toBeCloseTo(expected, 1);
  });

  it('when the signal is already aborted, then score rejects', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(engine.score(TECHNICAL, { signal: controller.signal })).rejects.toThrow();
  });

  it('when custom weights are configured, then overall follows them', () => {
    const onlyCoherence = new HeuristicEngine({ weights: { coherence: 1 } });
    const report = onlyCoherence.scoreSync(STORY);
    expect(report.overall_quality).toBe(report.dimensions.coherence!.score);
  });

  it('when the content is empty or whitespace, then every dimension is low and says "empty response"', () => {
    for (const content of ['', '   \n\t  ']) {
      const report = engine.scoreSync({ content, prompt: 'Say something.' });
      expect(report.overall_quality).toBe(0);
      for (const result of Object.values(report.dimensions)) {
        expect(result!.score).toBe(0);
        expect(result!.explanation).toMatch(/empty response/i);
      }
    }
  });

  it('when the input is 100 KB, then it is scored quickly on a capped analysis that still sees the ending', () => {
    const paragraph =
      'The river rose slowly through the night, and by morning the lower fields were under water. ';
    const content = `${paragraph.repeat(1150)}${'x'.repeat(5000)} And then the water receded.`;
    expect(content.length).toBeGreaterThan(100_000);
    const t0 = performance.now();
    const report = engine.scoreSync({ content, prompt: 'Describe the flood.' });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(report.metadata?.capped).toBe(true);
    for (const result of Object.values(report.dimensions)) {
      expect(Number.isFinite(result!.score)).toBe(true);
    }
    // The analysis stops at the cap, but the ending is judged on the whole response.
    expect(report.dimensions.completeness!.explanation).not.toMatch(/breaks off/);
  });
});

/** A small deterministic generator of odd inputs: symbols, code, lists, numbers, unicode. */
function oddTexts(): ScoringInput[] {
  const pieces = [
    'The cat sat.',
    'WHY?!',
    '```js\nconst x = 1;\n```',
    '- item one\n- item two',
    '42 % 7 = 0',
    'naïve café — déjà vu',
    '😀 🎉',
    '"unclosed quote',
    '(((',
    '\n\n',
    'and and and and',
    'Section 1:',
    'https://example.com/a?b=c',
    'x'.repeat(300),
  ];
  let seed = 7;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const out: ScoringInput[] = [];
  for (let i = 0; i < 40; i += 1) {
    const n = 1 + Math.floor(next() * 8);
    const parts = Array.from({ length: n }, () => pieces[Math.floor(next() * pieces.length)]!);
    out.push({
      content: parts.join(next() < 0.5 ? ' ' : '\n'),
      prompt: next() < 0.7 ? parts.slice(0, 2).join(' ') : undefined,
      finishReason: next() < 0.3 ? 'length' : 'stop',
    });
  }
  return out;
}

describe('HeuristicEngine invariants', () => {
  it('when scoring arbitrary inputs, then every score is a number within 0..100', () => {
    for (const input of oddTexts()) {
      const report = engine.scoreSync(input);
      expect(report.overall_quality).toBeGreaterThanOrEqual(0);
      expect(report.overall_quality).toBeLessThanOrEqual(100);
      for (const result of Object.values(report.dimensions)) {
        expect(Number.isFinite(result!.score)).toBe(true);
        expect(result!.score).toBeGreaterThanOrEqual(0);
        expect(result!.score).toBeLessThanOrEqual(100);
      }
    }
  });

  it('when the same input is scored twice, then the report is identical (deterministic)', () => {
    for (const input of [STORY, TECHNICAL, CONVERSATION, ...oddTexts().slice(0, 10)]) {
      expect(withoutTiming(engine.scoreSync(input))).toEqual(
        withoutTiming(engine.scoreSync(input)),
      );
    }
  });

  it('when scorers run from the registry on one shared analysis, then they match the engine', () => {
    const analysis = analyzeText(TECHNICAL);
    const report = engine.scoreSync(TECHNICAL);
    for (const dimension of DIMENSIONS) {
      expect(HEURISTIC_SCORERS[dimension](analysis, TECHNICAL)).toEqual(
        report.dimensions[dimension],
      );
    }
  });
});
