import type { Config } from '../config/index.js';
import { MockProvider } from './mock/mock-provider.js';
import { ModelCatalog } from './pricing.js';
import { AnthropicProvider } from './providers/anthropic.js';
import { OllamaProvider } from './providers/ollama.js';
import { OpenAiProvider } from './providers/openai.js';
import { withResilience } from './resilience.js';
import type { LlmProvider } from './types.js';

export const PROVIDER_IDS = ['mock', 'openai', 'anthropic', 'ollama'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

/** A model id resolved to the provider that serves it. */
export interface ResolvedModel {
  provider: LlmProvider;
  providerId: ProviderId;
  /** The model id without any `provider:` prefix. */
  model: string;
}

export class UnknownProviderError extends Error {
  constructor(readonly providerId: string) {
    super(`Unknown provider "${providerId}"; expected one of ${PROVIDER_IDS.join(', ')}`);
  }
}

/**
 * Maps provider ids to adapters (each wrapped with timeout, retries and a concurrency limit)
 * and resolves model ids such as `openai:gpt-4o`, `gpt-4o` or `mock-creative` to their provider.
 */
export class ProviderRegistry {
  constructor(
    private readonly providers: Map<ProviderId, LlmProvider>,
    readonly catalog: ModelCatalog,
    readonly defaults: { provider: ProviderId; model: string },
  ) {}

  /** `wrap` decorates each provider outside its resilience wrapper (e.g. usage metering). */
  static fromConfig(
    config: Config,
    overrides: Partial<Record<ProviderId, LlmProvider>> = {},
    wrap: (provider: LlmProvider, catalog: ModelCatalog) => LlmProvider = (p) => p,
  ): ProviderRegistry {
    const llm = config.llm;
    const catalog = ModelCatalog.load(llm.pricingFile);
    const raw: Record<ProviderId, LlmProvider> = {
      mock: new MockProvider({ ...llm.mock, catalog }),
      openai: new OpenAiProvider({
        ...llm.openai,
        catalog,
        ...(llm.defaultProvider === 'openai' ? { testModel: llm.defaultModel } : {}),
      }),
      anthropic: new AnthropicProvider({ ...llm.anthropic, catalog }),
      ollama: new OllamaProvider({ ...llm.ollama, catalog }),
      ...overrides,
    };
    const providers = new Map<ProviderId, LlmProvider>();
    for (const id of PROVIDER_IDS) {
      const resilient = withResilience(raw[id], {
        timeoutMs: llm.timeoutMs,
        maxRetries: llm.maxRetries,
        concurrency: llm.concurrency,
      });
      providers.set(id, wrap(resilient, catalog));
    }
    return new ProviderRegistry(providers, catalog, {
      provider: llm.defaultProvider,
      model: llm.defaultModel,
    });
  }

  list(): LlmProvider[] {
    return PROVIDER_IDS.map((id) => this.providers.get(id)!);
  }

  get(id: string): LlmProvider {
    const provider = this.providers.get(id as ProviderId);
    if (!provider) throw new UnknownProviderError(id);
    return provider;
  }

  /**
   * Finds who serves `model`: an explicit `provider:` prefix, else the explicit provider, else
   * the catalogue, else `mock-*` ids, else the default provider.
   */
  resolve(model: string, explicitProvider?: string | null): ResolvedModel {
    const prefixed = /^([a-z]+):(.+)$/.exec(model);
    if (prefixed && (PROVIDER_IDS as readonly string[]).includes(prefixed[1]!)) {
      return this.resolved(prefixed[1]!, prefixed[2]!);
    }
    if (explicitProvider) return this.resolved(explicitProvider, model);
    const known = PROVIDER_IDS.find((id) => this.catalog.find(id, model));
    if (known) return this.resolved(known, model);
    if (model.startsWith('mock-')) return this.resolved('mock', model);
    return this.resolved(this.defaults.provider, model);
  }

  private resolved(providerId: string, model: string): ResolvedModel {
    return { provider: this.get(providerId), providerId: providerId as ProviderId, model };
  }
}
