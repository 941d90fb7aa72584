import type { OwnerScope } from '../../lib/auth-context.js';
import { mannWhitneyU } from '../../lib/inference.js';
import { round } from '../../lib/numbers.js';
import type { AnalyticsRepository, ModelAggregate } from './analytics.repository.js';
import { describeProfile, type ModelProfile } from './model-profile.js';
import { formatP, holmAdjust, sampleVariance } from './summary-stats.js';

/** Per-model cap of the qualities fetched for the rank tests. */
export const SAMPLE_PER_MODEL = 2000;
/** Pairwise tests for at most this many models (the most used): 15 → 105 pairs. */
const MAX_TESTED_MODELS = 15;
const ALPHA = 0.05;

export interface ModelComparisonInput {
  models?: string[];
  from?: Date;
  to?: Date;
}

/**
 * Quality points per dollar relative to the best paid model: 1 = best value, 0.5 = half as
 * many points per dollar. A free model (local, mock) is 1 — and paid ones are compared among
 * themselves, since against a price of zero every paid model would score 0.
 */
function costEfficiency(models: ModelAggregate[]): Map<string, number | null> {
  const perPoint = new Map<string, number | null>();
  for (const m of models) {
    const quality = m.average_quality;
    perPoint.set(m.model, quality && quality > 0 ? m.total_cost / m.responses / quality : null);
  }
  const paid = [...perPoint.values()].filter((v): v is number => v !== null && v > 0);
  const cheapest = paid.length ? Math.min(...paid) : null;
  const out = new Map<string, number | null>();
  for (const [model, cost] of perPoint) {
    if (cost === null) out.set(model, null);
    else if (cost === 0 || cheapest === null) out.set(model, 1);
    else out.set(model, round(cheapest / cost, 3));
  }
  return out;
}

/** GET /api/analytics/model-comparison: profiles, recommendation and pairwise significance. */
export class ModelComparisonService {
  constructor(private readonly repo: AnalyticsRepository) {}

  async compare(scope: OwnerScope, input: ModelComparisonInput) {
    const filter = {
      scope,
      ...(input.from ? { from: input.from } : {}),
      ...(input.to ? { to: input.to } : {}),
      ...(input.models ? { models: input.models } : {}),
    };
    const aggregates = (await this.repo.byModel(filter, { metrics: true })).filter(
      (m) => m.scored > 0,
    );
    const efficiency = costEfficiency(aggregates);
    const profiles: ModelProfile[] = aggregates.map((m) => {
      const variance = sampleVariance(m.scored, m.average_quality! * m.scored, m.quality_sq_sum!);
      const sd = Number.isNaN(variance) ? null : Math.sqrt(variance);
      return {
        aggregate: m,
        consistency: sd === null ? null : round(Math.max(0, 1 - sd / m.average_quality!), 3),
        cost_efficiency: efficiency.get(m.model) ?? null,
        cost_per_response: m.total_cost / m.responses,
      };
    });
    const tested = [...aggregates]
      .sort((a, b) => b.scored - a.scored || a.model.localeCompare(b.model))
      .slice(0, MAX_TESTED_MODELS);
    const samples = await this.repo.qualitySample(filter, tested, SAMPLE_PER_MODEL);
    return {
      model_comparison: [...profiles]
        .sort((a, b) => b.aggregate.average_quality! - a.aggregate.average_quality!)
        .map((p) => ({
          model: p.aggregate.model,
          metrics: {
            average_quality: round(p.aggregate.average_quality, 2),
            consistency: p.consistency,
            cost_efficiency: p.cost_efficiency,
            response_time: round(p.aggregate.average_response_time, 3),
          },
          response_count: p.aggregate.responses,
          cost_per_response: round(p.cost_per_response, 6),
          dimension_scores: Object.fromEntries(
            Object.entries(p.aggregate.metric_means).map(([k, v]) => [k, round(v, 2)]),
          ),
          ...describeProfile(p, profiles),
        })),
      recommendation: this.recommend(profiles),
      significance: this.pairwise(tested, samples),
      sampling: {
        method:
          'Rank tests use at most ' +
          `${SAMPLE_PER_MODEL} scored responses per model, chosen by a deterministic hash of the response id (the same responses on every call); means use every response.`,
        max_per_model: SAMPLE_PER_MODEL,
        sampled: Object.fromEntries([...samples].map(([model, v]) => [model, v.length])),
      },
    };
  }

  private recommend(profiles: ModelProfile[]) {
    const pick = (score: (p: ModelProfile) => number | null) => {
      let best: ModelProfile | undefined;
      let bestScore = -Infinity;
      for (const p of profiles) {
        const s = score(p);
        if (s === null) continue;
        // Ties go to the higher quality.
        if (
          s > bestScore ||
          (s === bestScore && p.aggregate.average_quality! > best!.aggregate.average_quality!)
        ) {
          best = p;
          bestScore = s;
        }
      }
      return best?.aggregate.model ?? null;
    };
    return {
      best_overall: pick((p) => p.aggregate.average_quality),
      best_value: pick((p) => p.cost_efficiency),
      best_speed: pick((p) =>
        p.aggregate.average_response_time === null ? null : -p.aggregate.average_response_time,
      ),
    };
  }

  /** Mann–Whitney U for every pair, Holm-adjusted for the number of pairs. */
  private pairwise(models: ModelAggregate[], samples: Map<string, number[]>) {
    const ordered = [...models].sort(
      (a, b) => b.average_quality! - a.average_quality! || a.model.localeCompare(b.model),
    );
    const pairs: { a: ModelAggregate; b: ModelAggregate; test: ReturnType<typeof mannWhitneyU> }[] =
      [];
    for (let i = 0; i < ordered.length; i += 1) {
      for (let j = i + 1; j < ordered.length; j += 1) {
        const a = ordered[i]!;
        const b = ordered[j]!;
        pairs.push({ a, b, test: mannWhitneyU(samples.get(a.model)!, samples.get(b.model)!) });
      }
    }
    const adjusted = holmAdjust(pairs.map((p) => p.test?.p_value ?? 1));
    return pairs.map(({ a, b, test }, i) => {
      const significant = test !== null && adjusted[i]! < ALPHA;
      const difference = round(a.average_quality! - b.average_quality!, 2);
      // The rank test's direction, not the means', says who tends to score higher.
      const [winner, loser] = (test?.z ?? 0) >= 0 ? [a, b] : [b, a];
      return {
        model_a: a.model,
        model_b: b.model,
        mean_difference: difference,
        u: test?.u ?? null,
        z: test ? round(test.z, 3) : null,
        p_value: test ? round(test.p_value, 6) : null,
        p_value_adjusted: test ? round(adjusted[i]!, 6) : null,
        effect_size: test ? round(test.effect_size, 3) : null,
        n_a: test?.n1 ?? 0,
        n_b: test?.n2 ?? 0,
        significant,
        interpretation: significant
          ? `${winner.model} tends to score higher than ${loser.model} (means differ by ${Math.abs(difference ?? 0)} points; Holm-adjusted ${formatP(adjusted[i]!)}).`
          : `No significant difference between ${a.model} and ${b.model} at these sample sizes (Holm-adjusted ${formatP(adjusted[i]!)}).`,
      };
    });
  }
}
