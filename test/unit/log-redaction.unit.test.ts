import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/lib/logger.js';

describe('redactSecrets', () => {
  it('when an object holds credentials at several depths, then each is censored and the original is untouched', () => {
    const original = {
      password: 'p',
      user: { email: 'a@example.com', API_KEY: 'k', nested: { token: 't', keep: 1 } },
      headers: { Authorization: 'Bearer x', 'X-Api-Key': 'k2', accept: 'json' },
      list: [{ secret: 's' }, 'plain'],
    };
    const snapshot = structuredClone(original);

    const redacted = redactSecrets(original);

    expect(redacted).toEqual({
      password: '[redacted]',
      user: {
        email: 'a@example.com',
        API_KEY: '[redacted]',
        nested: { token: '[redacted]', keep: 1 },
      },
      headers: { Authorization: '[redacted]', 'X-Api-Key': '[redacted]', accept: 'json' },
      list: [{ secret: '[redacted]' }, 'plain'],
    });
    expect(original).toEqual(snapshot);
  });

  it('when nothing is secret, then the very same object comes back (no copy)', () => {
    const line = { req: { id: 'r1', method: 'GET' }, res: { status: 200 }, token_count: 5 };

    expect(redactSecrets(line)).toBe(line);
  });

  it('when an error carries credentials, then the copy is still an error with its message and stack', () => {
    const err = Object.assign(new TypeError('failed'), { config: { apiKey: 'sk-1' } });

    const redacted = redactSecrets({ err }).err;

    expect(redacted).toBeInstanceOf(TypeError);
    expect(redacted.message).toBe('failed');
    expect(redacted.stack).toBe(err.stack);
    expect(redacted.config).toEqual({ apiKey: '[redacted]' });
    expect(err.config.apiKey).toBe('sk-1');
  });

  it('when values are buffers, dates or nulls under secret names, then they are left as they are', () => {
    const buffer = Buffer.from('abc');
    const at = new Date(0);

    const redacted = redactSecrets({ buffer, at, password: null, token: undefined });

    expect(redacted.buffer).toBe(buffer);
    expect(redacted.at).toBe(at);
    expect(redacted.password).toBeNull();
    expect(redacted.token).toBeUndefined();
  });
});
