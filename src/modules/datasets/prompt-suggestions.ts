import { z } from 'zod';
import { PROMPT_DIFFICULTIES } from '../../db/models/index.js';
import { ownerScope, type AuthContext } from '../../lib/auth-context.js';
import { round } from '../../lib/numbers.js';
import { queryEnum, queryInt } from '../../lib/query-params.js';
import { PromptSchema, toPromptDto } from './datasets.dto.js';
import { CategorySchema, queryList } from './datasets.schemas.js';
import {
  MATCH_POINTS,
  type CandidateRow,
  type PromptSuggestionsRepository,
  type QualityTotals,
} from './prompt-suggestions.repository.js';

/** Candidates ranked in memory after the database ordered them by match score. */
const CANDIDATE_CAP = 1000;

export const SUGGESTION_RANKING = `Prompts of the public datasets and of your own. category is a filter; difficulty and tags add points (without a category, a prompt must match one of them). Ranked by: 1) match score = ${MATCH_POINTS.category} for the category + ${MATCH_POINTS.tag} per requested tag the prompt carries + ${MATCH_POINTS.difficulty} for the difficulty; 2) performance, highest first, prompts without history last: the mean overall quality of your scored responses to exactly this prompt text, or when there are none, of your responses in experiments tagged with the prompt's category or any of its tags (basis "same_prompt" or "same_kind"); 3) prompt id. At most the ${CANDIDATE_CAP} best-matching prompts are ranked by performance.`;

export const SuggestQuerySchema = z.object({
  category: z.preprocess((v) => (v === '' ? undefined : v), CategorySchema.optional()),
  difficulty: queryEnum(PROMPT_DIFFICULTIES),
  tags: queryList(10).describe('Comma-separated or repeated, e.g. tags=quantum,explanation'),
  limit: queryInt(1, 50, 10),
});
export type SuggestQuery = z.infer<typeof SuggestQuerySchema>;

export const PerformanceSchema = z.object({
  basis: z.enum(['same_prompt', 'same_kind']).nullable(),
  average_quality: z.number().nullable(),
  responses: z.number().int(),
});

export const SuggestionSchema = PromptSchema.extend({
  dataset: z.object({ id: z.number().int(), name: z.string().nullable() }),
  match: z.object({
    score: z.number(),
    category: z.boolean(),
    difficulty: z.boolean(),
    tags: z.array(z.string()).describe('The requested tags this prompt carries'),
  }),
  performance: PerformanceSchema,
});
export type Suggestion = z.infer<typeof SuggestionSchema>;

/** The caller's scored history: per exact prompt text and per experiment tag. */
interface History {
  prompts: Map<string, QualityTotals>;
  labels: Map<string, QualityTotals>;
}

/** GET /api/prompts/suggest: prompts for an experiment type, best match and best record first. */
export class PromptSuggestions {
  constructor(private readonly repository: PromptSuggestionsRepository) {}

  async suggest(
    auth: AuthContext,
    query: SuggestQuery,
  ): Promise<{ suggestions: Suggestion[]; criteria: SuggestQuery; ranking: string }> {
    const criteria = { category: query.category, difficulty: query.difficulty, tags: query.tags };
    const [candidates, prompts, labels] = await Promise.all([
      this.repository.candidates(ownerScope(auth), criteria, CANDIDATE_CAP),
      this.repository.promptStats(auth.userId),
      this.repository.labelStats(auth.userId),
    ]);
    const history = { prompts, labels };
    const ranked = candidates.map((row) => this.toSuggestion(row, query, history));
    ranked.sort(
      (a, b) =>
        b.match.score - a.match.score ||
        (b.performance.average_quality ?? -1) - (a.performance.average_quality ?? -1) ||
        a.id - b.id,
    );
    return {
      suggestions: ranked.slice(0, query.limit),
      criteria: query,
      ranking: SUGGESTION_RANKING,
    };
  }

  private toSuggestion(row: CandidateRow, query: SuggestQuery, history: History): Suggestion {
    const prompt = toPromptDto(row);
    const requested = new Set(query.tags ?? []);
    return {
      ...prompt,
      dataset: { id: prompt.dataset_id, name: (row.dataset_name as string | null) ?? null },
      match: {
        score: row.match_score,
        category: query.category !== undefined && prompt.category === query.category,
        difficulty: query.difficulty !== undefined && prompt.difficulty === query.difficulty,
        tags: prompt.tags.filter((t) => requested.has(t)),
      },
      performance: performanceOf(prompt.text, prompt.category, prompt.tags, history),
    };
  }
}

/**
 * The prompt's own record when the caller has scored responses to exactly its text, else the
 * record of its kind: every scored response in the caller's experiments tagged with the
 * prompt's category or one of its tags (an experiment with two such tags counts twice).
 */
function performanceOf(
  text: string,
  category: string | null,
  tags: string[],
  { prompts, labels }: History,
): Suggestion['performance'] {
  const own = prompts.get(text);
  if (own && own.n > 0) {
    return { basis: 'same_prompt', average_quality: round(own.sum / own.n, 2), responses: own.n };
  }
  let sum = 0;
  let n = 0;
  for (const label of new Set([...(category ? [category] : []), ...tags])) {
    const stats = labels.get(label);
    if (!stats) continue;
    sum += stats.sum;
    n += stats.n;
  }
  if (n === 0) return { basis: null, average_quality: null, responses: 0 };
  return { basis: 'same_kind', average_quality: round(sum / n, 2), responses: n };
}
