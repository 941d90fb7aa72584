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

const IDLE_TIMEOUT_MS = 60_000;

export class PooledHeuristicEngine implements QualityEngine {
  readonly method = 'heuristic' as const;
  private readonly pool: Piscina<HeuristicTask, QualityReport>;
  private readonly weights: Partial<Record<Dimension, number>>;

  constructor(options: {
    threads: number;
    weights?: Partial<Record<Dimension, number>>;
    /** How long an idle thread is kept (default one minute). */
    idleTimeoutMs?: number;
  }) {
    this.weights = options.weights ?? DEFAULT_WEIGHTS;
    this.pool = new Piscina({
      ...workerFile(),
      // Threads start with the first scoring and end after a minute without any: a parked
      // thread holds ~36 MB RSS before its NLP model loads, which an API process that only
      // serves reads and exports should not carry. Reloading the model costs ~0.3 s per
      // thread at the start of the next sweep.
      minThreads: 0,
      maxThreads: options.threads,
      idleTimeout: options.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
    });
  }

  /** Threads running now (none until the first scoring, none again after an idle minute). */
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
