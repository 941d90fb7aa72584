/**
 * The judge metric for one dimension: it receives its provider as a parameter, grades the
 * response `samples` times with the dimension's rubric, retries an unreadable answer once with
 * a stricter instruction, and returns the mean with its spread — or a failure, never a made-up
 * number.
 */
import type { GenerateResult, LlmProvider, SamplingParameters } from '../../llm/types.js';
import type { Dimension, DimensionResult, ScoringInput } from '../types.js';
import { readJudgeReply } from './judge-reply.js';
import type { JudgeUsage } from './judge-usage.js';
import { weightedScoreFromLogprobs } from './logprob-score.js';
import { parseScore, toPercent, type ParsedScore } from './parse-score.js';
import { buildJudgePrompt, JUDGE_SCALE, RUBRICS, type JudgePromptOptions } from './rubrics.js';
import { spreadOf, type Spread } from './stats.js';

/** Who judges and how. */
export interface JudgeSettings {
  provider: LlmProvider;
  model: string;
  parameters: SamplingParameters;
  prompt?: JudgePromptOptions;
}

/** Shared by every call of one report. */
export interface JudgeRunContext {
  signal: AbortSignal;
  usage: JudgeUsage;
  /** Runs one provider call under the engine's concurrency limit. */
  schedule: <T>(task: () => Promise<T>) => Promise<T>;
}

/** Why a dimension (or one grading of it) has no score. */
export interface JudgeFailure {
  reason: string;
  /** The start of the judge's last unreadable answer, for debugging the rubric or the model. */
  reply_excerpt: string;
}

export type DimensionVerdict =
  | { ok: true; result: DimensionResult; spread: Spread; scores: number[] }
  | { ok: false; failure: JudgeFailure };

interface Grading {
  raw: number;
  score: number;
  reasoning: string;
  suggestions: string[];
  weighted: boolean;
  retried: boolean;
}

const SCALE_LABEL = `${JUDGE_SCALE.min}-${JUDGE_SCALE.max}`;

export async function judgeDimension(
  settings: JudgeSettings,
  dimension: Dimension,
  input: ScoringInput,
  samples: number,
  context: JudgeRunContext,
): Promise<DimensionVerdict> {
  const outcomes = await Promise.all(
    Array.from({ length: samples }, (_, i) =>
      gradeOnce(settings, dimension, input, i + 1, context),
    ),
  );
  const gradings = outcomes.filter((o): o is Grading => 'score' in o);
  const failures = outcomes.filter((o): o is JudgeFailure => 'reason' in o);
  if (gradings.length === 0) return { ok: false, failure: failures[0]! };
  const maxSuggestions = settings.prompt?.maxSuggestions ?? 2;
  return { ok: true, ...summarise(dimension, gradings, failures, samples, maxSuggestions) };
}

async function gradeOnce(
  settings: JudgeSettings,
  dimension: Dimension,
  input: ScoringInput,
  iteration: number,
  context: JudgeRunContext,
): Promise<Grading | JudgeFailure> {
  const first = await call(
    settings,
    buildJudgePrompt(dimension, input, settings.prompt),
    iteration,
    context,
  );
  const parsed = parseScore(first.content);
  if (parsed.ok) return grading(first, parsed, false, settings);
  context.usage.retried();
  const strict = buildJudgePrompt(dimension, input, {
    ...settings.prompt,
    retryReason: parsed.reason,
  });
  const second = await call(settings, strict, iteration, context);
  const reparsed = parseScore(second.content);
  if (reparsed.ok) return grading(second, reparsed, true, settings);
  return {
    reason: `no readable score after a retry: ${reparsed.reason}`,
    reply_excerpt: excerpt(second.content),
  };
}

async function call(
  settings: JudgeSettings,
  prompt: string,
  iteration: number,
  { signal, usage, schedule }: JudgeRunContext,
): Promise<GenerateResult> {
  const result = await schedule(() => {
    // Queued calls of a report that already failed (or was cancelled) are not sent.
    if (signal.aborted) throw signal.reason;
    return settings.provider.generate({
      prompt,
      model: settings.model,
      parameters: settings.parameters,
      // Distinct per sample, so caches and seeded providers do not replay one grading k times.
      iteration,
      signal,
    });
  });
  usage.add(result);
  return result;
}

function grading(
  result: GenerateResult,
  parsed: ParsedScore,
  retried: boolean,
  settings: JudgeSettings,
): Grading {
  // Fractional scores ("4.5") have no single token to weight; the parsed value stands.
  const weighted = Number.isInteger(parsed.raw)
    ? weightedScoreFromLogprobs(result.metadata.logprobs, result.content, parsed.index)
    : undefined;
  const raw = weighted?.raw ?? parsed.raw;
  const reply = readJudgeReply(result.content, parsed, settings.prompt?.maxSuggestions ?? 2);
  return { raw, score: toPercent(raw), ...reply, weighted: weighted !== undefined, retried };
}

function summarise(
  dimension: Dimension,
  gradings: Grading[],
  failures: JudgeFailure[],
  requested: number,
  maxSuggestions: number,
): { result: DimensionResult; spread: Spread; scores: number[] } {
  const scores = gradings.map((g) => g.score);
  const spread = spreadOf(scores);
  // The grading nearest the mean speaks for the dimension; the others only add suggestions.
  const representative = [...gradings].sort(
    (a, b) => Math.abs(a.score - spread.mean) - Math.abs(b.score - spread.mean),
  )[0]!;
  const rawMean = gradings.reduce((sum, g) => sum + g.raw, 0) / gradings.length;
  const parts = [
    representative.reasoning ||
      `The judge gave ${round2(representative.raw)}/${JUDGE_SCALE.max} without reasoning.`,
  ];
  if (gradings.length > 1) {
    parts.push(
      `(Mean of ${gradings.length} gradings: ${scores.join(', ')} out of 100; standard deviation ${spread.std_dev}.)`,
    );
  }
  const caveat = RUBRICS[dimension].caveat;
  if (caveat) parts.push(caveat);
  const weightedCount = gradings.filter((g) => g.weighted).length;
  const suggestions = [representative, ...gradings.filter((g) => g !== representative)]
    .flatMap((g) => g.suggestions)
    .filter((s, i, all) => all.findIndex((t) => t.toLowerCase() === s.toLowerCase()) === i);
  const result: DimensionResult = {
    score: spread.mean,
    explanation: parts.join(' '),
    suggestions: suggestions.slice(0, maxSuggestions),
    evidence: {
      raw_score: round2(rawMean),
      scale: SCALE_LABEL,
      samples: gradings.length,
      spread: { std_dev: spread.std_dev, min: spread.min, max: spread.max },
      raw_scores: gradings.map((g) => round2(g.raw)),
      scoring:
        weightedCount === 0
          ? 'parsed'
          : weightedCount === gradings.length
            ? 'logprob_weighted'
            : 'mixed',
      parse_retries: gradings.filter((g) => g.retried).length,
      ...(failures.length > 0
        ? { samples_requested: requested, failed_samples: failures.map((f) => f.reason) }
        : {}),
    },
  };
  return { result, spread, scores };
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
