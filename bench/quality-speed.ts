/**
 * Heuristic engine speed on one core: median time to score a ~300-word response on all eight
 * dimensions (after warm-up), and the time to score a batch of 100 such responses — the
 * budget of POST /api/metrics/batch.
 *
 *   npm run bench:quality-speed
 */
import { HeuristicEngine } from '../src/quality/heuristic-engine.js';
import { median } from '../src/lib/stats.js';
import { PROMPT, response } from './fixtures/technical-answer.js';

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
