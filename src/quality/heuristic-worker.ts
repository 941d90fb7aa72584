/**
 * Worker-thread side of the pooled heuristic engine: each thread keeps one HeuristicEngine
 * (its NLP model loaded once) and scores what the pool sends it.
 */
import { HeuristicEngine } from './heuristic-engine.js';
import type { Dimension, QualityReport, ScoringInput } from './types.js';

export interface HeuristicTask {
  input: ScoringInput;
  weights: Partial<Record<Dimension, number>>;
  dimensions?: readonly Dimension[];
}

const engines = new Map<string, HeuristicEngine>();

export default function scoreTask(task: HeuristicTask): QualityReport {
  const key = JSON.stringify(task.weights);
  let engine = engines.get(key);
  if (!engine) {
    engine = new HeuristicEngine({ weights: task.weights });
    engines.set(key, engine);
  }
  return engine.scoreSync(task.input, task.dimensions ? { dimensions: task.dimensions } : {});
}
