/** Tokens, calls and cost the judge spent on one report (retries included). */
import type { GenerateResult, TokenUsage } from '../../llm/types.js';

/**
 * Prices a call; the model catalogue (`ModelCatalog`, `registry.catalog`) fits as is. It
 * returns 0 for models it does not know.
 */
export interface JudgePricing {
  cost(provider: string, model: string, usage: Pick<TokenUsage, 'prompt' | 'completion'>): number;
}

export interface JudgeUsageSummary {
  calls: number;
  /** Calls repeated because the first answer had no readable score. */
  parse_retries: number;
  token_usage: {
    prompt: number;
    completion: number;
    total: number;
    /** `provider` when every call reported usage, `estimated` when none did, else `mixed`. */
    source: 'provider' | 'estimated' | 'mixed';
  };
  /** USD, present when pricing was given. */
  cost_usd?: number;
}

export class JudgeUsage {
  private calls = 0;
  private parseRetries = 0;
  private prompt = 0;
  private completion = 0;
  private costUsd = 0;
  private readonly sources = new Set<TokenUsage['source']>();

  constructor(private readonly pricing?: JudgePricing) {}

  add(result: GenerateResult): void {
    this.calls += 1;
    this.prompt += result.tokenUsage.prompt;
    this.completion += result.tokenUsage.completion;
    this.sources.add(result.tokenUsage.source);
    if (this.pricing) {
      this.costUsd += this.pricing.cost(result.metadata.provider, result.model, result.tokenUsage);
    }
  }

  retried(): void {
    this.parseRetries += 1;
  }

  summary(): JudgeUsageSummary {
    const source =
      this.sources.size === 1
        ? [...this.sources][0]!
        : this.sources.size === 0
          ? 'provider'
          : 'mixed';
    return {
      calls: this.calls,
      parse_retries: this.parseRetries,
      token_usage: {
        prompt: this.prompt,
        completion: this.completion,
        total: this.prompt + this.completion,
        source,
      },
      ...(this.pricing ? { cost_usd: Math.round(this.costUsd * 1e6) / 1e6 } : {}),
    };
  }
}
