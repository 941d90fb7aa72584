/**
 * Seeded randomness for the mock provider. Everything the mock "chooses" flows from these
 * functions so that the same (prompt, model, parameters, iteration) always gives the same text;
 * `Math.random` is never used.
 */

/** FNV-1a over UTF-16 code units, finished with murmur3's avalanche so nearby strings spread. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/**
 * Combines any number of labelled parts into one 32-bit seed: the hash of the parts joined by
 * U+241F, computed without building the joined string (this runs for every sampled token).
 */
export function mixSeed(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  for (let p = 0; p < parts.length; p++) {
    if (p > 0) {
      h ^= 0x241f;
      h = Math.imul(h, 0x01000193);
    }
    const part = parts[p];
    const text = typeof part === 'string' ? part : String(part);
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  return fmix32(h);
}

/** A uniform number in [0, 1) that depends only on its parts (no generator state). */
export function hashUnit(...parts: Array<string | number>): number {
  return mixSeed(...parts) / 4294967296;
}

/** JSON with object keys sorted at every depth, so logically equal inputs hash the same. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

function fmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * sfc32 (Chris Doty-Humphrey's small fast counter): tiny, fast and statistically solid, which is
 * all a text generator needs. Not for cryptography.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(readonly seed: number) {
    this.a = mixSeed(seed, 'a');
    this.b = mixSeed(seed, 'b');
    this.c = mixSeed(seed, 'c');
    this.d = 1;
    // Warm up so the first outputs do not echo the seed's structure.
    for (let i = 0; i < 12; i++) this.next();
  }

  /** An independent stream for one purpose, so using one stream never shifts another. */
  fork(label: string): Rng {
    return new Rng(mixSeed(this.seed, label));
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }
}
