/**
 * G-Eval's probability-weighted score: instead of the one integer the judge sampled, the
 * expected value over the candidate score tokens, Σ s·p(s) / Σ p(s). It breaks ties between
 * responses the judge would all call "4" and is steadier than a single sample. Usable only
 * where the provider returns token logprobs (OpenAI's `logprobs` + `top_logprobs`), which an
 * adapter exposes as `result.metadata.logprobs`.
 */
import { JUDGE_SCALE, type JudgeScale } from './rubric-definitions.js';

export interface TokenCandidate {
  token: string;
  logprob: number;
}

/** One generated token with its alternatives, as OpenAI's `choices[].logprobs.content[]`. */
export interface TokenLogprob extends TokenCandidate {
  top_logprobs?: TokenCandidate[];
}

/**
 * The expected score over candidate tokens that are integers on the scale (" 4" and "4" are
 * the same score; anything else is ignored and the rest renormalised). Undefined when no
 * candidate is a valid score.
 */
export function probabilityWeightedScore(
  candidates: readonly TokenCandidate[],
  scale: JudgeScale = JUDGE_SCALE,
): number | undefined {
  return scoreDistribution(candidates, scale)?.expected;
}

/** The expected score and the probability mass that fell on valid score tokens. */
export function scoreDistribution(
  candidates: readonly TokenCandidate[],
  scale: JudgeScale = JUDGE_SCALE,
): { expected: number; mass: number } | undefined {
  const probabilities = new Map<number, number>();
  for (const { token, logprob } of candidates) {
    const trimmed = token.trim();
    if (!/^\d+$/.test(trimmed) || !Number.isFinite(logprob)) continue;
    const value = Number(trimmed);
    if (value < scale.min || value > scale.max) continue;
    probabilities.set(value, (probabilities.get(value) ?? 0) + Math.exp(logprob));
  }
  let mass = 0;
  let weighted = 0;
  for (const [value, p] of probabilities) {
    mass += p;
    weighted += value * p;
  }
  if (mass <= 0) return undefined;
  return { expected: weighted / mass, mass: Math.min(1, mass) };
}

/** Validates `metadata.logprobs` (it comes from a provider as `unknown`). */
export function readLogprobs(value: unknown): TokenLogprob[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const tokens: TokenLogprob[] = [];
  for (const item of value) {
    if (!isCandidate(item)) return undefined;
    const top = (item as { top_logprobs?: unknown }).top_logprobs;
    tokens.push({
      token: item.token,
      logprob: item.logprob,
      ...(Array.isArray(top) ? { top_logprobs: top.filter(isCandidate) } : {}),
    });
  }
  return tokens;
}

/**
 * The probability-weighted score at the token that carries the parsed score, which starts at
 * character `index` of `content`. Undefined when the logprobs are missing, do not line up with
 * the content, or hold no valid score token there.
 */
export function weightedScoreFromLogprobs(
  logprobs: unknown,
  content: string,
  index: number,
  scale: JudgeScale = JUDGE_SCALE,
): { raw: number; mass: number } | undefined {
  const tokens = readLogprobs(logprobs);
  if (!tokens) return undefined;
  const digits = /^\d+/.exec(content.slice(index))?.[0];
  if (!digits) return undefined;
  const token = tokenAt(tokens, content, index) ?? lastTokenEqual(tokens, digits);
  if (!token || token.token.trim() !== digits) return undefined;
  const candidates = token.top_logprobs?.length ? token.top_logprobs : [token];
  const distribution = scoreDistribution(candidates, scale);
  return distribution && { raw: distribution.expected, mass: distribution.mass };
}

/** The token covering character `index`, when the tokens spell out the content exactly. */
function tokenAt(tokens: TokenLogprob[], content: string, index: number) {
  if (tokens.map((t) => t.token).join('') !== content) return undefined;
  let offset = 0;
  for (const token of tokens) {
    const end = offset + token.token.length;
    // A leading space belongs to the token (" 4"), so the digit may sit inside it.
    if (index >= offset && index < end) return token;
    offset = end;
  }
  return undefined;
}

/** Fallback for providers whose tokens do not concatenate to the content (stripped spaces…). */
function lastTokenEqual(tokens: TokenLogprob[], digits: string) {
  for (let i = tokens.length - 1; i >= 0; i -= 1) {
    if (tokens[i]!.token.trim() === digits) return tokens[i];
  }
  return undefined;
}

function isCandidate(value: unknown): value is TokenCandidate {
  if (typeof value !== 'object' || value === null) return false;
  const { token, logprob } = value as Record<string, unknown>;
  return typeof token === 'string' && typeof logprob === 'number';
}
