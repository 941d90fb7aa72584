import type { Request, Response } from 'express';
import { contentDisposition, CONTENT_TYPES, type DownloadName } from './file-names.js';
import { abortOnClose } from './stream-utils.js';

/**
 * Streams a file download: sets the download headers, hands the response to `write` as its
 * sink together with a signal that aborts when the client disconnects (so the writer stops
 * reading the database), and keeps every failure inside the request:
 * - before any byte left, the headers are withdrawn and the error rethrown, so the error
 *   middleware answers with the spec's envelope;
 * - after, a status can no longer change: the error is logged and the connection destroyed,
 *   so the client sees a truncated transfer rather than a file that looks complete.
 */
export async function streamDownload(
  req: Request,
  res: Response,
  file: { name: DownloadName; type: keyof typeof CONTENT_TYPES },
  write: (sink: Response, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', CONTENT_TYPES[file.type]);
  res.setHeader('Content-Disposition', contentDisposition(file.name));
  res.setHeader('Cache-Control', 'no-store');
  // Tells nginx-style proxies to pass the stream on as it comes instead of buffering it.
  res.setHeader('X-Accel-Buffering', 'no');
  const signal = abortOnClose(res);
  // Writes after a disconnect fail on the socket; the abort signal already handles that.
  res.on('error', (err) => req.log.debug({ err }, 'export stream error'));
  try {
    await write(res, signal);
  } catch (err) {
    if (signal.aborted) {
      req.log.info({ bytes: res.socket?.bytesWritten }, 'export aborted: the client disconnected');
      return;
    }
    if (!res.headersSent && !res.destroyed) {
      for (const header of ['Content-Type', 'Content-Disposition', 'Cache-Control']) {
        res.removeHeader(header);
      }
      throw err;
    }
    req.log.error({ err }, 'export failed after streaming started; connection closed');
    res.destroy();
  }
}
