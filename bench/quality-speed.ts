/**
 * Heuristic engine speed on one core: median time to score a ~300-word response on all eight
 * dimensions (after warm-up), and the time to score a batch of 100 such responses — the
 * budget of POST /api/metrics/batch.
 *
 *   npm run bench:quality-speed
 */
import { HeuristicEngine } from '../src/quality/heuristic-engine.js';
import { median } from '../src/lib/stats.js';

const PROMPT = 'Explain how a hash table works and why lookups are usually O(1).';

const SENTENCES = [
  'A hash table stores key-value pairs in an array of buckets.',
  'To insert or look up a key, it computes a hash function of the key and reduces the result modulo the array size to pick a bucket.',
  'Because hashing and indexing both take constant time, an average lookup is O(1).',
  'Collisions happen when two keys land in the same bucket, so every implementation needs a strategy for them.',
  'Separate chaining keeps a short list in each bucket and appends colliding entries to it.',
  'Open addressing instead probes other slots, for example with linear probing or double hashing, until it finds a free one.',
  'The guarantee depends on the load factor, defined as the number of entries divided by the number of buckets.',
  'As the load factor grows, chains get longer and probe sequences lengthen, which pushes lookups toward O(n).',
  'Therefore most implementations double the capacity when the load factor passes about 0.75 and rehash every entry.',
  'Resizing costs O(n), but it happens rarely, so the amortized cost of an insertion stays O(1).',
  'A good hash function matters as much as resizing: it must spread keys uniformly across the buckets.',
  "For instance, Java's HashMap turns a crowded bucket into a balanced tree, which bounds the worst case at O(log n).",
  "Python's dict uses open addressing with a perturbation scheme that mixes in the higher bits of the hash.",
  'In practice, this means you rarely see the worst case unless an attacker chooses keys that collide on purpose.',
  'Randomized hash seeds defend against that attack, because the attacker can no longer predict the bucket of a key.',
  'The result is a structure whose typical operations are fast, at the price of extra memory for empty slots.',
];

/** A ~300-word answer; `variant` rotates the sentences so no two texts are identical. */
function response(variant: number): string {
  const n = SENTENCES.length;
  const order = SENTENCES.map((_, i) => SENTENCES[(i + variant) % n]!);
  return `${order.slice(0, 8).join(' ')}\n\n${order.slice(8).join(' ')}`;
}

const engine = new HeuristicEngine();
const sample = response(0);
const words = sample.split(/\s+/).length;

// Warm-up: loads the model and word lists, lets the JIT settle.
for (let i = 0; i < 300; i += 1) engine.scoreSync({ content: response(i), prompt: PROMPT });

const runs: number[] = [];
for (let i = 0; i < 500; i += 1) {
  const input = { content: response(i), prompt: PROMPT };
  const t0 = performance.now();
  engine.scoreSync(input);
  runs.push(performance.now() - t0);
}
runs.sort((a, b) => a - b);

const batches: number[] = [];
for (let b = 0; b < 5; b += 1) {
  const t0 = performance.now();
  for (let i = 0; i < 100; i += 1)
    engine.scoreSync({ content: response(b * 100 + i), prompt: PROMPT });
  batches.push(performance.now() - t0);
}

const p95 = runs[Math.floor(runs.length * 0.95)]!;
console.log(
  `Heuristic engine, ${words}-word response, all 8 dimensions, one core (500 runs after warm-up):`,
);
console.log(
  `  median ${median(runs).toFixed(3)} ms   p95 ${p95.toFixed(3)} ms   (goal: median ≤ 2 ms)`,
);
console.log(
  `  100 responses: median ${median(batches).toFixed(1)} ms over 5 batches (goal: well under 500 ms)`,
);
console.log(median(runs) <= 2 ? 'Goal met.' : 'Goal not met.');
