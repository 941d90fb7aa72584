/**
 * The heuristic engine on a pool of worker threads (Piscina). Scoring is the largest CPU cost
 * of a sweep cell after generation; on the main thread it competes with HTTP, the database
 * driver and the queue, while a thread uses another core. Same reports as HeuristicEngine:
 * the worker runs that very engine.
 *
 * Texts go to the threads in groups: a text arriving while every thread is busy waits and
 * leaves with the others that arrived meanwhile, in one message. Posting a message and
 * handling its answer cost the main thread about 0.3 ms, a fifth of a sweep cell's
 * main-thread time when each text went alone; a text arriving at an idle pool leaves at once.
 */
import { Piscina } from 'piscina';
import { DEFAULT_WEIGHTS } from './overall.js';
import type { HeuristicItem, HeuristicResult, HeuristicTask } from './heuristic-worker.js';
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
/** Most texts in one message: bounds how long the first of a group waits for the last. */
const MAX_GROUP = 16;

interface Waiting {
  item: HeuristicItem;
  resolve: (report: QualityReport) => void;
  reject: (err: unknown) => void;
  signal?: AbortSignal;
}

export class PooledHeuristicEngine implements QualityEngine {
  readonly method = 'heuristic' as const;
  private readonly pool: Piscina<HeuristicTask, HeuristicResult[]>;
  private readonly weights: Partial<Record<Dimension, number>>;
  private readonly maxThreads: number;
  private waiting: Waiting[] = [];
  private groupsInFlight = 0;

  constructor(options: {
    threads: number;
    weights?: Partial<Record<Dimension, number>>;
    /** How long an idle thread is kept (default one minute). */
    idleTimeoutMs?: number;
  }) {
    this.weights = options.weights ?? DEFAULT_WEIGHTS;
    this.maxThreads = options.threads;
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
    const { signal } = options;
    signal?.throwIfAborted();
    const item: HeuristicItem = {
      input: {
        content: input.content,
        ...(input.prompt !== undefined ? { prompt: input.prompt } : {}),
        ...(input.finishReason !== undefined ? { finishReason: input.finishReason } : {}),
      },
      ...(options.dimensions ? { dimensions: options.dimensions } : {}),
    };
    return new Promise<QualityReport>((resolve, reject) => {
      // An aborted text is answered at once; if its group already left, its report is dropped.
      const onAbort = () => reject(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      const settled = () => signal?.removeEventListener('abort', onAbort);
      this.waiting.push({
        item,
        resolve: (report) => {
          settled();
          resolve(report);
        },
        reject: (err) => {
          settled();
          reject(err);
        },
        ...(signal ? { signal } : {}),
      });
      this.sendGroups();
    });
  }

  /** Sends the waiting texts in groups, one group per idle thread. */
  private sendGroups(): void {
    while (this.groupsInFlight < this.maxThreads && this.waiting.length > 0) {
      const group = this.waiting.splice(0, MAX_GROUP).filter((w) => !w.signal?.aborted);
      if (group.length === 0) continue;
      this.groupsInFlight += 1;
      this.pool
        .run({ items: group.map((w) => w.item), weights: this.weights })
        .then(
          (results) =>
            group.forEach((w, i) => {
              const result = results[i]!;
              if ('report' in result) w.resolve(result.report);
              else w.reject(new Error(result.error));
            }),
          (err: unknown) => group.forEach((w) => w.reject(err)),
        )
        .finally(() => {
          this.groupsInFlight -= 1;
          this.sendGroups();
        });
    }
  }

  /** Ends the threads (running tasks are rejected). */
  close(): Promise<void> {
    return this.pool.destroy();
  }
}
