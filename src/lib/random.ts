/**
 * Deterministic pseudo-random numbers for reproducible resampling (bootstrap) and synthetic
 * data (the bench seeder). Not for anything security-related. No dependencies, no I/O.
 */

/**
 * mulberry32: a tiny 32-bit generator with a full 2^32 period that passes the usual
 * statistical batteries well enough for resampling. Returns uniform numbers in [0, 1).
 * The same seed always yields the same sequence; fractional seeds are truncated to 32 bits.
 */
export function createRng(seed: number): () => number {
  let state = Math.trunc(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [0, n) drawn from `rng`. */
export function randomInt(rng: () => number, n: number): number {
  return Math.floor(rng() * n);
}

/**
 * Normally distributed number (Box–Muller). Uses `1 − u` so the logarithm never sees 0,
 * which `rng()` can return.
 */
export function randomNormal(rng: () => number, mean = 0, sd = 1): number {
  const u = 1 - rng();
  const v = rng();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
