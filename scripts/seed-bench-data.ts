/**
 * Synthetic but realistic experiment data for the bench seeder: models with different
 * quality, price and speed; parameters drawn per experiment; quality that really depends on
 * them (so analytics have signal to find) plus noise. Pure and deterministic for a given rng.
 */
import { randomInt, randomNormal } from '../src/lib/random.js';

export type Rng = () => number;

export interface ModelProfile {
  provider: string;
  model: string;
  /** Expected overall quality at the best settings (0–100). */
  quality: number;
  /** USD per 1k prompt / completion tokens. */
  inputPrice: number;
  outputPrice: number;
  /** Seconds to first token and per 100 completion tokens. */
  baseLatency: number;
  latencyPer100: number;
  /** Share of experiments using this model (relative). */
  share: number;
  failureRate: number;
}

export const MODEL_PROFILES: readonly ModelProfile[] = [
  {
    provider: 'openai',
    model: 'gpt-4o',
    quality: 83,
    inputPrice: 0.0025,
    outputPrice: 0.01,
    baseLatency: 0.45,
    latencyPer100: 0.9,
    share: 3,
    failureRate: 0.02,
  },
  {
    provider: 'openai',
    model: 'gpt-4o-mini',
    quality: 75,
    inputPrice: 0.00015,
    outputPrice: 0.0006,
    baseLatency: 0.3,
    latencyPer100: 0.5,
    share: 4,
    failureRate: 0.02,
  },
  {
    provider: 'anthropic',
    model: 'claude-3-5-sonnet',
    quality: 85,
    inputPrice: 0.003,
    outputPrice: 0.015,
    baseLatency: 0.6,
    latencyPer100: 1.0,
    share: 2,
    failureRate: 0.03,
  },
  {
    provider: 'ollama',
    model: 'llama3.1:8b',
    quality: 66,
    inputPrice: 0,
    outputPrice: 0,
    baseLatency: 0.2,
    latencyPer100: 1.6,
    share: 2,
    failureRate: 0.06,
  },
  {
    provider: 'mock',
    model: 'mock-model',
    quality: 60,
    inputPrice: 0,
    outputPrice: 0,
    baseLatency: 0.01,
    latencyPer100: 0.02,
    share: 1,
    failureRate: 0.01,
  },
];

export const TAGS = [
  'creative',
  'technical',
  'summarization',
  'qa',
  'coding',
  'marketing',
  'education',
  'translation',
] as const;

const PROMPTS: readonly { topic: string; prompt: string; tag: (typeof TAGS)[number] }[] = [
  { topic: 'neural networks', prompt: 'Explain neural networks in simple terms', tag: 'education' },
  {
    topic: 'a lighthouse keeper',
    prompt: 'Write a short story about a lighthouse keeper',
    tag: 'creative',
  },
  {
    topic: 'quarterly results',
    prompt: 'Summarize this quarterly report for executives',
    tag: 'summarization',
  },
  {
    topic: 'binary search',
    prompt: 'Implement binary search in TypeScript and explain it',
    tag: 'coding',
  },
  {
    topic: 'a coffee brand',
    prompt: 'Write a product description for an organic coffee brand',
    tag: 'marketing',
  },
  { topic: 'photosynthesis', prompt: 'How does photosynthesis work?', tag: 'qa' },
  { topic: 'database indexes', prompt: 'When should I add a database index?', tag: 'technical' },
  {
    topic: 'a French menu',
    prompt: 'Translate this restaurant menu into French',
    tag: 'translation',
  },
  { topic: 'climate policy', prompt: 'Compare carbon taxes with cap-and-trade', tag: 'qa' },
  { topic: 'TCP handshakes', prompt: 'Describe the TCP three-way handshake', tag: 'technical' },
  { topic: 'a haiku', prompt: 'Write a haiku about autumn rain', tag: 'creative' },
  {
    topic: 'onboarding emails',
    prompt: 'Draft a welcome email for new SaaS users',
    tag: 'marketing',
  },
];

const SENTENCES = [
  'In short, {t} comes down to a few ideas that build on each other.',
  'A useful way to think about {t} is to start from a concrete example.',
  'First, it helps to define the terms precisely before going further.',
  'The key trade-off is between simplicity and flexibility.',
  'Most practitioners begin with the default approach and adjust from there.',
  'There are, however, several caveats worth keeping in mind.',
  'For example, consider what happens when the input doubles in size.',
  'This is why experts recommend measuring before optimizing anything.',
  'To summarize, {t} rewards careful, incremental work.',
  'Each step can be checked independently, which makes mistakes easy to find.',
  'On the other hand, an overly clever solution is hard to maintain.',
  'The result is clearer, faster and easier to explain to others.',
];

const ERRORS = [
  'Provider rate limit exceeded (429): retry later',
  'Request timed out after 60 s',
  'Provider returned 503 Service Unavailable',
  'Context length exceeded for this model',
];

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
const clampScore = (value: number) => round(Math.min(100, Math.max(0, value)), 1);

function pickWeighted<T extends { share: number }>(rng: Rng, items: readonly T[]): T {
  const total = items.reduce((s, i) => s + i.share, 0);
  let r = rng() * total;
  for (const item of items) {
    r -= item.share;
    if (r < 0) return item;
  }
  return items[items.length - 1]!;
}

export interface ExperimentParameters {
  temperature: number;
  top_p: number;
  max_tokens: number;
  frequency_penalty: number;
  presence_penalty: number;
}

export interface SyntheticExperiment {
  name: string;
  description: string;
  prompt: string;
  topic: string;
  profile: ModelProfile;
  parameters: ExperimentParameters;
  tags: string[];
  status: string;
  /** Prompt difficulty: a per-experiment random effect on quality. */
  difficulty: number;
}

export function syntheticExperiment(rng: Rng, index: number): SyntheticExperiment {
  const base = PROMPTS[randomInt(rng, PROMPTS.length)]!;
  const profile = pickWeighted(rng, MODEL_PROFILES);
  const tags = new Set<string>([base.tag]);
  const extra = randomInt(rng, 3);
  for (let i = 0; i < extra; i += 1) tags.add(TAGS[randomInt(rng, TAGS.length)]!);
  const statusRoll = rng();
  return {
    name: `Bench ${index + 1}: ${base.topic} on ${profile.model}`,
    description: `Synthetic bench experiment about ${base.topic}`,
    prompt: base.prompt,
    topic: base.topic,
    profile,
    parameters: {
      temperature: round(rng() * 2, 2),
      top_p: round(0.5 + rng() * 0.5, 2),
      max_tokens: [256, 512, 1000, 2000, 4000][randomInt(rng, 5)]!,
      frequency_penalty: round(rng() * 1.5 - 0.5, 1),
      presence_penalty: round(rng() * 1.5 - 0.5, 1),
    },
    tags: [...tags],
    status:
      statusRoll < 0.93
        ? 'completed'
        : statusRoll < 0.96
          ? 'running'
          : statusRoll < 0.98
            ? 'failed'
            : 'paused',
    difficulty: randomNormal(rng, 0, 3),
  };
}

/** Responses mostly use their experiment's parameters; some runs nudged temperature/top_p. */
export function responseParameters(rng: Rng, p: ExperimentParameters): ExperimentParameters {
  if (rng() >= 0.3) return p;
  return {
    ...p,
    temperature: round(Math.min(2, Math.max(0, p.temperature + randomNormal(rng, 0, 0.08))), 2),
    top_p: round(Math.min(1, Math.max(0.05, p.top_p + randomNormal(rng, 0, 0.03))), 2),
  };
}

export interface SyntheticScores {
  overall_quality: number;
  coherence_score: number;
  creativity_score: number;
  readability_score: number;
  completeness_score: number;
  factual_accuracy: number;
  relevance_score: number;
  engagement_score: number;
  technical_depth: number;
}

/**
 * The signal analytics should find: quality peaks near temperature 0.7 (quadratic fall-off),
 * drops with a narrow top_p and with strong penalties, rises with max_tokens (completeness)
 * and with the model; creativity and engagement grow with temperature while coherence and
 * factual accuracy fall. Each dimension adds its own noise; overall is their mean.
 */
export function syntheticScores(
  rng: Rng,
  experiment: SyntheticExperiment,
  p: ExperimentParameters,
): SyntheticScores {
  const t = p.temperature;
  const common =
    experiment.profile.quality +
    experiment.difficulty -
    8 * (t - 0.7) ** 2 -
    10 * (1 - p.top_p) ** 2 -
    3 * (p.frequency_penalty - 0.3) ** 2 -
    2 * (p.presence_penalty - 0.2) ** 2 +
    randomNormal(rng, 0, 4);
  const tokens = Math.log2(p.max_tokens / 1000);
  const dim = (shift: number, sd = 5) => clampScore(common + shift + randomNormal(rng, 0, sd));
  const technical = experiment.tags.includes('technical') || experiment.tags.includes('coding');
  const scores = {
    coherence_score: dim(3 - 4 * Math.max(0, t - 1)),
    creativity_score: dim(-4 + 7 * (t - 0.7)),
    readability_score: dim(2),
    completeness_score: dim(2.5 * tokens),
    factual_accuracy: dim(1 - 3 * Math.max(0, t - 0.9)),
    relevance_score: dim(4),
    engagement_score: dim(-2 + 3 * (t - 0.7)),
    technical_depth: dim((technical ? 3 : -3) + 1.5 * tokens),
  };
  const values = Object.values(scores);
  const overall = values.reduce((s, v) => s + v, 0) / values.length;
  return { overall_quality: round(overall, 2), ...scores };
}

export interface SyntheticUsage {
  prompt_tokens: number;
  completion_tokens: number;
  cost: number;
  response_time: number;
  finish_reason: 'stop' | 'length';
}

export function syntheticUsage(
  rng: Rng,
  profile: ModelProfile,
  p: ExperimentParameters,
): SyntheticUsage {
  const promptTokens = 12 + randomInt(rng, 180);
  const wanted = Math.round(Math.exp(randomNormal(rng, Math.log(350), 0.6)));
  const completion = Math.max(5, Math.min(p.max_tokens, wanted));
  const cost = (promptTokens * profile.inputPrice + completion * profile.outputPrice) / 1000;
  const latency =
    (profile.baseLatency + (profile.latencyPer100 * completion) / 100) *
    Math.exp(randomNormal(rng, 0, 0.25));
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completion,
    cost: round(cost, 6),
    response_time: round(latency, 3),
    finish_reason: wanted >= p.max_tokens ? 'length' : 'stop',
  };
}

/** 2–6 sentences about the topic (~150–600 characters). */
export function syntheticContent(rng: Rng, topic: string): string {
  const count = 2 + randomInt(rng, 5);
  const parts: string[] = [];
  for (let i = 0; i < count; i += 1) {
    parts.push(SENTENCES[randomInt(rng, SENTENCES.length)]!.replace('{t}', topic));
  }
  return parts.join(' ');
}

export function syntheticError(rng: Rng): string {
  return ERRORS[randomInt(rng, ERRORS.length)]!;
}

/**
 * Splits `total` responses over `count` experiments with a skewed (log-normal) spread, as
 * real usage has a few big experiments and many small ones; the parts sum to `total`.
 */
export function allocateResponses(rng: Rng, total: number, count: number): number[] {
  if (count === 0) return [];
  const weights = Array.from({ length: count }, () => Math.exp(randomNormal(rng, 0, 0.8)));
  const sum = weights.reduce((s, w) => s + w, 0);
  const parts = weights.map((w) => Math.floor((total * w) / sum));
  let remainder = total - parts.reduce((s, n) => s + n, 0);
  for (let i = 0; remainder > 0; i = (i + 1) % count, remainder -= 1) parts[i] = parts[i]! + 1;
  return parts;
}
