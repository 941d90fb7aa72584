import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipArchive } from 'archiver';
import { ExportAbortedError } from './stream-utils.js';

/** One file of an archive, produced by writing into the stream it is given. */
export interface ZipEntry {
  name: string;
  write(sink: Writable, signal?: AbortSignal): Promise<void>;
  /** Store without deflating (an xlsx is a zip already; deflating it again only costs CPU). */
  store?: boolean;
}

/**
 * Streams a zip of the entries to `sink`. Entries are produced one after another: archiver
 * reads its entries in order, so an entry written while another is still open would be
 * buffered whole. Each entry's writer sees archiver's backpressure through its PassThrough.
 */
export async function writeZip(
  entries: ZipEntry[],
  sink: Writable,
  signal?: AbortSignal,
): Promise<void> {
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const piped = signal ? pipeline(archive, sink, { signal }) : pipeline(archive, sink);
  // A failure of the archive surfaces through `piped`; keep it from escaping unhandled
  // while the entries are still being written.
  piped.catch(() => undefined);
  try {
    for (const entry of entries) {
      if (signal?.aborted) throw new ExportAbortedError();
      const file = new PassThrough({ highWaterMark: 64 * 1024 });
      archive.append(file, { name: entry.name, ...(entry.store ? { store: true } : {}) });
      await entry.write(file, signal);
      if (!file.writableEnded) file.end();
    }
    await archive.finalize();
  } catch (err) {
    archive.abort();
    throw err;
  }
  await piped;
}
