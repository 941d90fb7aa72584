/**
 * Worker-thread side of the pooled heuristic engine: each thread keeps one HeuristicEngine
 * (its NLP model loaded once) and scores the groups of texts the pool sends it.
 */
import { HeuristicEngine } from './heuristic-engine.js';
import type { Dimension, QualityReport, ScoringInput } from './types.js';

export interface HeuristicItem {
  input: ScoringInput;
  dimensions?: readonly Dimension[];
}

/** Texts scored with the same weights, in one message each way. */
export interface HeuristicTask {
  items: HeuristicItem[];
  weights: Partial<Record<Dimension, number>>;
}

/** One answer per item, in order: a text that cannot be scored fails alone. */
export type HeuristicResult = { report: QualityReport } | { error: string };

const engines = new Map<string, HeuristicEngine>();

export default function scoreTask(task: HeuristicTask): HeuristicResult[] {
  const key = JSON.stringify(task.weights);
  let engine = engines.get(key);
  if (!engine) {
    engine = new HeuristicEngine({ weights: task.weights });
    engines.set(key, engine);
  }
  return task.items.map(({ input, dimensions }) => {
    try {
      return { report: engine.scoreSync(input, dimensions ? { dimensions } : {}) };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  });
}
