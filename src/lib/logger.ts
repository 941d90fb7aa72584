import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Field names (compared case-insensitively) whose values are credentials: user passwords,
 * JWTs, API keys, provider keys (`apiKey` in provider options, `authorization` / `x-api-key`
 * headers on the wire), cookies and signing secrets.
 */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'password',
  'current_password',
  'new_password',
  'password_hash',
  'token',
  'access_token',
  'refresh_token',
  'api_key',
  'apikey',
  'api_key_hash',
  'x-api-key',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'secret',
  'jwt',
  'webhooksecret',
  'webhook_secret',
]);

const CENSOR = '[redacted]';
/** Deep enough for `err.cause.config.headers.authorization`; log objects are small. */
const MAX_DEPTH = 6;

/** Plain objects, arrays and errors are walked; Buffers, Dates, streams… are left alone. */
function walkable(value: object): boolean {
  if (Array.isArray(value) || value instanceof Error) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A shallow copy that stays an Error (with its message and stack) when it was one. */
function copyOf(value: object): Record<string, unknown> {
  if (Array.isArray(value)) return [...value] as unknown as Record<string, unknown>;
  const copy = Object.assign(Object.create(Object.getPrototypeOf(value) as object), value);
  if (value instanceof Error) {
    Object.defineProperty(copy, 'message', { value: value.message, enumerable: false });
    Object.defineProperty(copy, 'stack', { value: value.stack, enumerable: false });
  }
  return copy as Record<string, unknown>;
}

/**
 * The value with every credential field replaced by `[redacted]`, at any depth up to
 * MAX_DEPTH. Copy-on-write: objects without secrets are returned as they are (no allocation),
 * and the caller's objects are never modified.
 */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (!walkable(value)) return value;
  let copy: Record<string, unknown> | undefined;
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const current = source[key];
    const next = SECRET_FIELDS.has(key.toLowerCase())
      ? current === undefined || current === null
        ? current
        : CENSOR
      : redactSecrets(current, depth + 1);
    if (next !== current) {
      copy ??= copyOf(value);
      copy[key] = next;
    }
  }
  if (value instanceof Error && value.cause !== undefined && typeof value.cause === 'object') {
    const cause = redactSecrets(value.cause, depth + 1);
    if (cause !== value.cause) {
      copy ??= copyOf(value);
      Object.defineProperty(copy, 'cause', { value: cause, enumerable: false });
    }
  }
  return (copy ?? value) as T;
}

/**
 * The process logger; request loggers are its children. Every line passes through
 * {@link redactSecrets}: one walk of the (small) log object instead of pino's wildcard
 * redaction paths, which cost ~60 µs per line for the same coverage
 * (`npx tsx bench/log-redaction.ts`). `destination` defaults to stdout (tests pass a stream).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    formatters: {
      log: (object: Record<string, unknown>) => redactSecrets(object),
      bindings: (bindings: Record<string, unknown>) => redactSecrets(bindings),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
