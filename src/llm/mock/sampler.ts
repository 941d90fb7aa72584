import { hashUnit, type Rng } from './prng.js';

/**
 * A small imitation of an LLM decoder. Each word bank is a "vocabulary" whose order stands for
 * likelihood (a Zipf-shaped prior), nudged by a per-response random context so different
 * iterations favour different words. Picking a word then follows the steps of a real sampler:
 * nucleus (top_p) truncation, frequency/presence penalties on the logits, temperature scaling
 * (greedy near 0) and a draw. See {@link nucleus} for the one deliberate difference in order.
 */

/** The sampling parameters the decoder reacts to, already clamped to sane ranges. */
export interface SamplingKnobs {
  temperature: number;
  topP: number;
  frequencyPenalty: number;
  presencePenalty: number;
}

/** Steepness of the prior: logit of entry i is -ZIPF·ln(i+1). */
const ZIPF = 0.8;
/** Spread of the per-response context noise on the prior (standard deviation, in logits). */
const CONTEXT_NOISE = 0.3;
/** Below this temperature the decoder is greedy, like temperature 0 in real APIs. */
const GREEDY_BELOW = 0.02;

/** An approximately normal value from hashed uniforms (Irwin–Hall with three terms). */
function contextNoise(seed: number, bank: string, index: number): number {
  const sum =
    hashUnit(seed, bank, index, 1) +
    hashUnit(seed, bank, index, 2) +
    hashUnit(seed, bank, index, 3);
  return (sum - 1.5) * 2 * CONTEXT_NOISE;
}

export interface PickOptions {
  /** Keys (see `keyOf`) that must not be picked unless nothing else is left. */
  avoid?: ReadonlySet<string>;
  /** The key penalties count on; the lower-cased entry by default. */
  keyOf?: (item: string, index: number) => string;
  /** Zipf exponent of the prior; flatter banks spread their picks more. Default 0.8. */
  steepness?: number;
  /**
   * The model's own dislike of verbatim repetition, as a per-use logit penalty multiplied by the
   * temperature: real models loop when decoding greedily, far less when sampling warm.
   */
  aversion?: number;
}

export class TokenSampler {
  /** How often each word (or frame key) has been emitted so far in this response. */
  private readonly counts = new Map<string, number>();
  /**
   * Each bank's priors in this response, by bank name: they depend only on the context seed,
   * the bank, its size and the steepness — not on the entries — and hashing and sorting them
   * again for every pick was most of the mock's time.
   */
  private readonly priorsByBank = new Map<
    string,
    { size: number; steepness: number; priors: Priors }
  >();

  constructor(
    private readonly rng: Rng,
    /** Seeds the per-response context noise: same seed, same favourite words. */
    private readonly contextSeed: number,
    readonly knobs: SamplingKnobs,
  ) {}

  /** How often `key` has been emitted in this response. */
  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Records an emission, so penalties see it on the next pick. */
  record(key: string): void {
    this.counts.set(key, this.count(key) + 1);
  }

  private priors(bank: string, items: readonly string[], steepness: number): Priors {
    const cached = this.priorsByBank.get(bank);
    if (cached && cached.size === items.length && cached.steepness === steepness)
      return cached.priors;
    const priors = withMassOrder(
      items.map((_, i) => -steepness * Math.log(i + 1) + contextNoise(this.contextSeed, bank, i)),
    );
    this.priorsByBank.set(bank, { size: items.length, steepness, priors });
    return priors;
  }

  /**
   * Picks one entry of `items` and records it. `keyOf` maps an entry to the key penalties are
   * counted on (the lower-cased word by default, so a word repeated from any bank is penalised);
   * entries in `avoid` are excluded unless nothing else is left.
   */
  pick(bank: string, items: readonly string[], options: PickOptions = {}): string {
    if (items.length === 0) throw new Error(`empty bank ${bank}`);
    const keyOf = options.keyOf ?? ((item: string) => item.toLowerCase());
    const { temperature, topP, frequencyPenalty, presencePenalty } = this.knobs;
    const steepness = options.steepness ?? ZIPF;
    const priors = this.priors(bank, items, steepness);
    // Only the entries the nucleus walks through are looked at: banks are long, nuclei short.
    const { avoid } = options;
    const kept =
      (avoid && avoid.size > 0
        ? nucleus(priors.byMass, (i) => !avoid.has(keyOf(items[i]!, i)), topP)
        : undefined) ?? nucleus(priors.byMass, () => true, topP)!;
    // Scaled by temperature, so next to the prior (divided by it below) it fades as T → 0.
    const aversion = (options.aversion ?? 0) * temperature;
    const logits = new Array<number>(items.length).fill(-Infinity);
    for (const i of kept) {
      const seen = this.count(keyOf(items[i]!, i));
      const penalty = (frequencyPenalty + aversion) * seen + (seen > 0 ? presencePenalty : 0);
      logits[i] = (priors.logits[i] as number) - penalty;
    }
    // The uniform is drawn unconditionally so the stream stays aligned across temperatures.
    const u = this.rng.next();
    const index =
      temperature < GREEDY_BELOW ? argmax(logits) : drawInverseCdf(logits, temperature, u);
    const chosen = items[index] as string;
    this.record(keyOf(chosen, index));
    return chosen;
  }
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++)
    if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/** A bank's prior logits, and their probabilities (at temperature 1) likeliest first. */
interface Priors {
  logits: number[];
  byMass: Array<readonly [probability: number, index: number]>;
}

function withMassOrder(logits: number[]): Priors {
  const max = Math.max(...logits);
  const weights = logits.map((p) => Math.exp(p - max));
  const total = weights.reduce((a, b) => a + b, 0);
  const byMass = weights.map((w, i) => [w / total, i] as const).sort((a, b) => b[0] - a[0]);
  return { logits, byMass };
}

/**
 * The entries top_p keeps: the likeliest under the model's own (temperature-1) distribution
 * until their mass reaches top_p. Taking it before temperature and penalties is a deliberate
 * simplification: a low top_p then confines every pick to the head of each bank, the narrow
 * vocabulary it is known for, while penalties and temperature still act inside that head.
 * Excluded entries do not count; if all kept ones are excluded, the next allowed one joins;
 * if every entry is excluded, the answer is undefined.
 */
function nucleus(
  byMass: Priors['byMass'],
  allowed: (index: number) => boolean,
  topP: number,
): Set<number> | undefined {
  const kept = new Set<number>();
  let mass = 0;
  for (const [p, i] of byMass) {
    if (kept.size > 0 && mass >= topP) break;
    if (allowed(i)) kept.add(i);
    mass += p;
  }
  // Nothing allowed at all: the caller lets every entry in again.
  return kept.size > 0 ? kept : undefined;
}

/** Softmax at `temperature`, sampled by inverse CDF in bank order (nearby knobs, nearby words). */
function drawInverseCdf(logits: readonly number[], temperature: number, u: number): number {
  const max = Math.max(...logits);
  const weights = logits.map((l) => (l === -Infinity ? 0 : Math.exp((l - max) / temperature)));
  let target = u * weights.reduce((a, b) => a + b, 0);
  let last = 0;
  for (let i = 0; i < weights.length; i++) {
    if ((weights[i] as number) <= 0) continue;
    last = i;
    target -= weights[i] as number;
    if (target < 0) return i;
  }
  return last;
}
