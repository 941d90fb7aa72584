/**
 * The heuristic engine on a pool of worker threads (Piscina). Scoring is the largest CPU cost
 * of a sweep cell after generation; on the main thread it competes with HTTP, the database
 * driver and the queue, while a thread uses another core. Same reports as HeuristicEngine:
 * the worker runs that very engine.
 */
import { Piscina } from 'piscina';
import { DEFAULT_WEIGHTS } from './overall.js';
import type { HeuristicTask } from './heuristic-worker.js';
import type {
  Dimension,
  QualityEngine,
  QualityReport,
  ScoreOptions,
  ScoringInput,
} from './types.js';

/**
 * The worker's file next to this one. Compiled (dist/*.js) it is plain JavaScript; from the
 * TypeScript sources (tsx in development and tests) the thread needs tsx's loader too.
 */
function workerFile(): { filename: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  return {
    filename: new URL(`./heuristic-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url).href,
    execArgv: fromSource ? [...process.execArgv, '--import', 'tsx'] : process.execArgv,
  };
}

export class PooledHeuristicEngine implements QualityEngine {
  readonly method = 'heuristic' as const;
  private readonly pool: Piscina<HeuristicTask, QualityReport>;
  private readonly weights: Partial<Record<Dimension, number>>;

  constructor(options: { threads: number; weights?: Partial<Record<Dimension, number>> }) {
    this.weights = options.weights ?? DEFAULT_WEIGHTS;
    this.pool = new Piscina({
      ...workerFile(),
      minThreads: options.threads,
      maxThreads: options.threads,
      // Idle threads stay: loading the NLP model again costs more than a parked thread.
      idleTimeout: Number.POSITIVE_INFINITY,
    });
  }

  get threads(): number {
    return this.pool.threads.length;
  }

  async score(input: ScoringInput, options: ScoreOptions = {}): Promise<QualityReport> {
    options.signal?.throwIfAborted();
    return this.pool.run(
      {
        input: {
          content: input.content,
          ...(input.prompt !== undefined ? { prompt: input.prompt } : {}),
          ...(input.finishReason !== undefined ? { finishReason: input.finishReason } : {}),
        },
        weights: this.weights,
        ...(options.dimensions ? { dimensions: options.dimensions } : {}),
      },
      options.signal ? { signal: options.signal } : {},
    );
  }

  /** Ends the threads (running tasks are rejected). */
  close(): Promise<void> {
    return this.pool.destroy();
  }
}
