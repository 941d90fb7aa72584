import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Uses the caller's `X-Request-Id` when it is a sane token (so a trace crosses services),
 * otherwise makes one; echoes it in the response and exposes it as `req.id` for logs and
 * error envelopes.
 */
export const requestId: RequestHandler = (req, res, next) => {
  const incoming = req.get('x-request-id');
  const id =
    incoming && ACCEPTABLE_ID.test(incoming) ? incoming : `req_${randomUUID().replace(/-/g, '')}`;
  req.id = id;
  res.setHeader('X-Request-Id', id);
  next();
};
