import { readFileSync } from 'node:fs';
import catalogFile from './model-catalog.json' with { type: 'json' };
import type { ModelInfo, TokenUsage } from './types.js';

/** One known model: what it costs and what it can do. */
export interface CatalogEntry {
  provider: string;
  id: string;
  name: string;
  context_window: number | null;
  /** USD per 1K input tokens. */
  input_per_1k: number;
  /** USD per 1K output tokens. */
  output_per_1k: number;
  capabilities: string[];
}

/**
 * The model catalogue and price list: the shipped `model-catalog.json`, with an operator's
 * file (same shape) merged over it, so prices can be corrected without a release.
 */
export class ModelCatalog {
  private readonly entries = new Map<string, CatalogEntry>();

  constructor(entries: CatalogEntry[]) {
    for (const entry of entries) this.entries.set(`${entry.provider}:${entry.id}`, entry);
  }

  /** The shipped catalogue, overridden by `overrideFile` when given. */
  static load(overrideFile?: string): ModelCatalog {
    const shipped = (catalogFile as { models: CatalogEntry[] }).models;
    if (!overrideFile) return new ModelCatalog(shipped);
    const override = JSON.parse(readFileSync(overrideFile, 'utf8')) as { models?: CatalogEntry[] };
    if (!Array.isArray(override.models)) {
      throw new Error(
        `${overrideFile}: expected {"models": [{provider, id, input_per_1k, output_per_1k, …}]}`,
      );
    }
    return new ModelCatalog([...shipped, ...override.models]);
  }

  find(provider: string, model: string): CatalogEntry | undefined {
    return (
      this.entries.get(`${provider}:${model}`) ??
      // Dated snapshots ("gpt-4o-2024-08-06") are priced like their family.
      [...this.entries.values()]
        .filter((e) => e.provider === provider && model.startsWith(`${e.id}-`))
        .sort((a, b) => b.id.length - a.id.length)[0]
    );
  }

  forProvider(provider: string): CatalogEntry[] {
    return [...this.entries.values()].filter((e) => e.provider === provider);
  }

  /** USD for a call, or 0 for unknown models (reported as unpriced, never guessed). */
  cost(provider: string, model: string, usage: Pick<TokenUsage, 'prompt' | 'completion'>): number {
    const entry = this.find(provider, model);
    if (!entry) return 0;
    const usd = (usage.prompt * entry.input_per_1k + usage.completion * entry.output_per_1k) / 1000;
    return Math.round(usd * 1e6) / 1e6;
  }

  /** A ModelInfo for the API, filling what the catalogue knows about a provider-listed id. */
  describe(provider: string, model: string, fallback: Partial<ModelInfo> = {}): ModelInfo {
    const entry = this.find(provider, model);
    return {
      id: model,
      name: entry?.name ?? fallback.name ?? model,
      context_window: entry?.context_window ?? fallback.context_window ?? null,
      cost_per_token: entry ? (entry.input_per_1k + entry.output_per_1k) / 2 / 1000 : null,
      capabilities: entry?.capabilities ?? fallback.capabilities ?? ['text'],
    };
  }
}
