import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Field names whose values are credentials: never written to logs, at any depth we log. */
const SECRET_KEYS = [
  'password',
  'current_password',
  'new_password',
  'password_hash',
  'token',
  'access_token',
  'refresh_token',
  'api_key',
  'apiKey',
  'api_key_hash',
  'authorization',
  'Authorization',
  'cookie',
  'secret',
  'jwt',
  'webhookSecret',
  'webhook_secret',
  'x-api-key',
];

/** `key`, `*.key`… in the redaction path syntax (bracketed when the name is not an identifier). */
function atAnyDepth(key: string): string[] {
  const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const join = (prefix: string) =>
    segment.startsWith('[') ? `${prefix}${segment}` : `${prefix}.${segment}`;
  return [segment, join('*'), join('*.*'), join('*.*.*')];
}

/**
 * Paths never written to logs: credential headers of requests and responses, and any field
 * named like a credential at the top level or up to three levels down (a logged object, its
 * `err`, an error's `config`/`options`/`headers`…). Provider keys are `apiKey` in the
 * provider options and `authorization` / `x-api-key` headers on the wire.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap(atAnyDepth),
];

/**
 * The process logger; request loggers are its children. `destination` defaults to stdout
 * (tests pass a stream to read what would have been logged).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
