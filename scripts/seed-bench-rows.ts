/**
 * Row builders for the bench seeder: one synthetic experiment, response or quality-metrics
 * row as escaped SQL literals, in the column order of the matching *_COLUMNS list.
 */
import {
  responseParameters,
  syntheticContent,
  syntheticError,
  syntheticScores,
  syntheticUsage,
  type Rng,
  type SyntheticExperiment,
} from './seed-bench-data.js';
import type { Literals } from './seed-bench-sql.js';

export interface PlannedExperiment {
  id: number;
  ownerId: number;
  spec: SyntheticExperiment;
  responseCount: number;
  createdAt: Date;
  /** Responses arrive over [createdAt, createdAt + spanMs]. */
  spanMs: number;
}

export const EXPERIMENT_COLUMNS = [
  'id',
  'name',
  'description',
  'prompt',
  'provider',
  'model',
  'parameters',
  'status',
  'user_id',
  'response_count',
  'tags',
  'metadata',
  'created_at',
  'updated_at',
];
export const RESPONSE_COLUMNS = [
  'id',
  'experiment_id',
  'iteration',
  'content',
  'provider',
  'model',
  'parameters',
  'response_time',
  'cost',
  'token_count',
  'prompt_tokens',
  'completion_tokens',
  'finish_reason',
  'cached',
  'status',
  'error_message',
  'created_at',
  'updated_at',
];
export const METRIC_COLUMNS = [
  'id',
  'response_id',
  'overall_quality',
  'coherence_score',
  'creativity_score',
  'readability_score',
  'completeness_score',
  'factual_accuracy',
  'relevance_score',
  'engagement_score',
  'technical_depth',
  'calculation_method',
  'processing_time',
  'created_at',
];

export function experimentRow(lit: Literals, e: PlannedExperiment): string[] {
  const { spec } = e;
  const status = e.responseCount === 0 ? 'pending' : spec.status;
  return [
    lit.num(e.id),
    lit.text(spec.name),
    lit.text(spec.description),
    lit.text(spec.prompt),
    lit.text(spec.profile.provider),
    lit.text(spec.profile.model),
    lit.json(spec.parameters),
    lit.text(status),
    lit.num(e.ownerId),
    // The app stores 0 here and derives counts from responses; the plan goes to metadata.
    lit.num(0),
    lit.json(spec.tags),
    lit.json({ bench: true, planned_response_count: e.responseCount }),
    lit.date(e.createdAt),
    lit.date(new Date(e.createdAt.getTime() + Math.floor(e.spanMs))),
  ];
}

export function responseRow(
  lit: Literals,
  rng: Rng,
  experiment: PlannedExperiment,
  r: { id: number; iteration: number; createdAt: Date; failed: boolean },
): { values: string[]; parameters: ReturnType<typeof responseParameters> } {
  const { profile, topic } = experiment.spec;
  const parameters = responseParameters(rng, experiment.spec.parameters);
  const usage = syntheticUsage(rng, profile, parameters);
  const cached = !r.failed && rng() < 0.02;
  const finishedAt = new Date(r.createdAt.getTime() + Math.round(usage.response_time * 1000));
  return {
    parameters,
    values: [
      lit.num(r.id),
      lit.num(experiment.id),
      lit.num(r.iteration),
      lit.text(r.failed ? '' : syntheticContent(rng, topic)),
      lit.text(profile.provider),
      lit.text(profile.model),
      lit.json(parameters),
      lit.num(r.failed ? null : usage.response_time),
      lit.num(r.failed || cached ? 0 : usage.cost),
      lit.num(r.failed ? null : usage.prompt_tokens + usage.completion_tokens),
      lit.num(r.failed ? null : usage.prompt_tokens),
      lit.num(r.failed ? null : usage.completion_tokens),
      lit.text(r.failed ? null : usage.finish_reason),
      lit.bool(cached),
      lit.text(r.failed ? 'failed' : 'completed'),
      lit.text(r.failed ? syntheticError(rng) : null),
      lit.date(r.createdAt),
      lit.date(finishedAt),
    ],
  };
}

export function metricRow(
  lit: Literals,
  rng: Rng,
  experiment: PlannedExperiment,
  parameters: ReturnType<typeof responseParameters>,
  m: { id: number; responseId: number; createdAt: Date },
): string[] {
  const s = syntheticScores(rng, experiment.spec, parameters);
  return [
    lit.num(m.id),
    lit.num(m.responseId),
    lit.num(s.overall_quality),
    lit.num(s.coherence_score),
    lit.num(s.creativity_score),
    lit.num(s.readability_score),
    lit.num(s.completeness_score),
    lit.num(s.factual_accuracy),
    lit.num(s.relevance_score),
    lit.num(s.engagement_score),
    lit.num(s.technical_depth),
    lit.text('heuristic'),
    lit.num(Math.round((0.005 + rng() * 0.03) * 10_000) / 10_000),
    lit.date(m.createdAt),
  ];
}
