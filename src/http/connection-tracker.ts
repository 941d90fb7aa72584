import type { RequestHandler } from 'express';
import type { Socket } from 'node:net';

/**
 * Counts open client connections (keep-alive sockets that have made a request), reported by
 * the health endpoint as `active_connections`.
 */
export function createConnectionTracker(): { middleware: RequestHandler; count: () => number } {
  const sockets = new Set<Socket>();
  return {
    middleware: (req, _res, next) => {
      const socket = req.socket;
      if (!sockets.has(socket)) {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
      }
      next();
    },
    count: () => sockets.size,
  };
}
