/**
 * Sanity check beyond SummEval: score the offline mock provider's answers across temperature
 * (its text is coherent at low temperature and turns to word salad near 2.0) and print the
 * mean of each dimension per temperature. Not a benchmark against people; a check that the
 * engine moves the way a reader would on stories, explanations and summaries alike.
 *
 *   npx tsx bench/quality-temperature.ts
 */
import { MockProvider } from '../src/llm/mock/mock-provider.js';
import { HeuristicEngine } from '../src/quality/heuristic-engine.js';
import { DIMENSIONS } from '../src/quality/types.js';
import { mean } from '../src/lib/stats.js';

const PROMPTS = [
  'Explain how vaccines train the immune system.',
  'Write a short story about a robot who learns to paint.',
  'Summarize the benefits and drawbacks of remote work.',
  'What are the main causes of inflation?',
];
const TEMPERATURES = [0, 0.4, 0.8, 1.2, 1.6, 2.0];
const RUNS = 3;

const provider = new MockProvider();
const engine = new HeuristicEngine();
const columns = [...DIMENSIONS, 'overall'] as const;

console.log(`mock-balanced, ${PROMPTS.length} prompts × ${RUNS} responses per temperature`);
console.log(`${'temp'.padEnd(6)}${columns.map((c) => c.slice(0, 11).padStart(12)).join('')}`);
for (const temperature of TEMPERATURES) {
  const scores: Record<string, number[]> = {};
  for (const prompt of PROMPTS) {
    for (let iteration = 1; iteration <= RUNS; iteration += 1) {
      const result = await provider.generate({
        prompt,
        model: 'mock-balanced',
        parameters: {
          temperature,
          top_p: 1,
          max_tokens: 400,
          frequency_penalty: 0,
          presence_penalty: 0,
        },
        iteration,
      });
      const report = engine.scoreSync({
        content: result.content,
        prompt,
        finishReason: result.finishReason,
      });
      for (const d of DIMENSIONS) (scores[d] ??= []).push(report.dimensions[d]!.score);
      (scores.overall ??= []).push(report.overall_quality);
    }
  }
  console.log(
    `${String(temperature).padEnd(6)}${columns.map((c) => mean(scores[c]!).toFixed(1).padStart(12)).join('')}`,
  );
}
