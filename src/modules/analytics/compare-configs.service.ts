import type { OwnerScope } from '../../lib/auth-context.js';
import { ValidationError } from '../../lib/errors.js';
import { pairedBootstrapDifference, wilcoxonSignedRank } from '../../lib/inference.js';
import { round } from '../../lib/numbers.js';
import { mean, sampleStandardDeviation } from '../../lib/stats.js';
import type { AnalyticsRepository } from './analytics.repository.js';
import type { CompareConfigsBody, ConfigSide } from './analytics.schemas.js';
import { metricLabel } from './metric-columns.js';
import { formatP } from './summary-stats.js';

/** Prompts paired at most (the first by response id); the answer says when it was reached. */
export const MAX_PAIRS = 10_000;
const ALPHA = 0.05;
const RESAMPLES = 2000;
const SEED = 20261204;

function describe(side: ConfigSide): string {
  const parts: string[] = [];
  if (side.model) parts.push(`model ${side.model}`);
  for (const [k, v] of Object.entries(side.parameters ?? {})) {
    if (v !== undefined) parts.push(`${k} ${v}`);
  }
  if (side.experiment_ids) parts.push(`experiments ${side.experiment_ids.join(', ')}`);
  return parts.join(', ');
}

/**
 * POST /api/analytics/compare-configs: responses of two settings to the SAME prompts, as
 * pairs of per-prompt means, tested with Wilcoxon's signed-rank test and a paired bootstrap.
 * Pairing removes the prompt's own difficulty from the comparison, which is why it finds
 * differences an unpaired test over all responses would miss.
 */
export class CompareConfigsService {
  constructor(private readonly repo: AnalyticsRepository) {}

  async compare(scope: OwnerScope, body: CompareConfigsBody) {
    const metric = body.metric;
    const rows = await this.repo.pairedPrompts(
      {
        scope,
        ...(body.date_from ? { from: new Date(body.date_from) } : {}),
        ...(body.date_to ? { to: new Date(body.date_to) } : {}),
      },
      metric,
      { a: this.repo.sideSql('a', body.a), b: this.repo.sideSql('b', body.b) },
      MAX_PAIRS + 1,
    );
    const truncated = rows.length > MAX_PAIRS;
    const pairs = rows.slice(0, MAX_PAIRS);
    if (pairs.length === 0) {
      throw new ValidationError(
        `No prompt was answered by both configurations (scored on ${metric}). Generate responses to the same prompts with each setting — a batch sweep does this — or loosen the descriptions.`,
        { field: 'a/b', expected: 'Configurations with responses to at least one shared prompt' },
      );
    }
    const a = pairs.map((p) => p.a_mean);
    const b = pairs.map((p) => p.b_mean);
    // Differences are B − A: positive means B scores higher.
    const test = wilcoxonSignedRank(b, a);
    const ci = pairedBootstrapDifference(b, a, { resamples: RESAMPLES, seed: SEED });
    const diffs = pairs.map((p) => p.b_mean - p.a_mean);
    const sd = pairs.length > 1 ? sampleStandardDeviation(diffs) : Number.NaN;
    const meanDiff = mean(diffs);
    const dz = Number.isFinite(sd) && sd > 0 ? meanDiff / sd : null;
    const significant = test !== null && test.p_value < ALPHA;
    const better = significant ? (meanDiff > 0 ? 'b' : 'a') : null;
    return {
      metric,
      a: { description: describe(body.a), responses: pairs.reduce((s, p) => s + p.a_n, 0) },
      b: { description: describe(body.b), responses: pairs.reduce((s, p) => s + p.b_n, 0) },
      pairs: pairs.length,
      truncated,
      mean_a: round(mean(a), 2),
      mean_b: round(mean(b), 2),
      mean_difference: round(meanDiff, 3),
      ci_95: ci ? [round(ci.low, 3), round(ci.high, 3)] : null,
      wilcoxon: test
        ? { w: test.w, z: round(test.z, 3), p_value: round(test.p_value, 6), n: test.n }
        : null,
      effect_size: {
        rank_biserial: test ? round(test.effect_size, 3) : 0,
        cohens_dz: dz === null ? null : round(dz, 3),
      },
      significant,
      better,
      interpretation: this.interpret(pairs.length, metric, meanDiff, ci, test, better),
      sample_pairs: pairs.slice(0, 5).map((p) => ({
        prompt: p.prompt.length > 80 ? `${p.prompt.slice(0, 77)}...` : p.prompt,
        a: round(p.a_mean, 2),
        b: round(p.b_mean, 2),
      })),
    };
  }

  private interpret(
    n: number,
    metric: Parameters<typeof metricLabel>[0],
    diff: number,
    ci: { low: number; high: number } | null,
    test: ReturnType<typeof wilcoxonSignedRank>,
    better: 'a' | 'b' | null,
  ): string {
    const label = metricLabel(metric);
    const interval = ci ? ` (95% CI ${round(ci.low, 2)} to ${round(ci.high, 2)})` : '';
    if (!test) return `Over ${n} shared prompts, A and B scored identically on ${label}.`;
    const p = formatP(test.p_value);
    if (better) {
      return `Over ${n} shared prompts, ${better.toUpperCase()} scores higher on ${label} by ${round(Math.abs(diff), 2)} points on average${interval}; Wilcoxon ${p}.`;
    }
    return `Over ${n} shared prompts the mean difference in ${label} is ${round(diff, 2)} (B − A)${interval}; Wilcoxon ${p}, not significant at ${ALPHA}${n < 10 ? ' — with so few pairs only large differences can be detected' : ''}.`;
  }
}
