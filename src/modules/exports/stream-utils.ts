import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Writable } from 'node:stream';

/** Thrown into a writer when the client went away mid-export: nothing to report to anyone. */
export class ExportAbortedError extends Error {
  override readonly name = 'ExportAbortedError';
  constructor() {
    super('The client closed the connection before the export finished');
  }
}

/** An AbortSignal that fires when `sink` closes before it finished (the client disconnected). */
export function abortOnClose(sink: Writable): AbortSignal {
  const controller = new AbortController();
  sink.once('close', () => {
    if (!sink.writableFinished) controller.abort(new ExportAbortedError());
  });
  return controller.signal;
}

/**
 * Resolves once `sink` wants more data — immediately when its buffer is below the high-water
 * mark, else on 'drain' — or when `signal` aborts. Writers that cannot see the sink's return
 * value (exceljs writes through its own zip stream) call this between pages, so a slow
 * client slows the database reads instead of filling memory.
 */
export async function waitForDrain(sink: Writable, signal?: AbortSignal): Promise<void> {
  // Give queued zlib/pipe work a turn so the sink's buffer reflects what was just written.
  await nextTurn();
  if (!sink.writableNeedDrain || signal?.aborted || sink.destroyed) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      sink.off('drain', done);
      sink.off('close', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    sink.on('drain', done);
    sink.on('close', done);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Rejects with the abort reason once `signal` aborts; for racing work that cannot be cancelled. */
export function whenAborted(signal: AbortSignal | undefined): Promise<never> {
  const aborted = new Promise<never>((_resolve, reject) => {
    if (!signal) return;
    const fail = () => reject(signal.reason ?? new ExportAbortedError());
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
  // An abort after the race was settled must not surface as an unhandled rejection.
  aborted.catch(() => undefined);
  return aborted;
}
