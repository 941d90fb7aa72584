import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'lqa_';

/** A new API key: shown to its owner once; only the hash and a display prefix are stored. */
export function generateApiKey(): { key: string; hash: string; displayPrefix: string } {
  const key = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), displayPrefix: `${key.slice(0, 12)}…` };
}

/**
 * Keys carry 256 random bits, so a fast SHA-256 is enough (unlike passwords) and lets the key
 * be found by an indexed lookup.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(PREFIX) && value.length > PREFIX.length + 20 && value.length < 200;
}
