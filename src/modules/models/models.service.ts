import type { AuthContext } from '../../lib/auth-context.js';
import { ValidationError } from '../../lib/errors.js';
import { round } from '../../lib/numbers.js';
import { PROVIDER_IDS, type ProviderRegistry } from '../../llm/registry.js';
import type { LlmProvider, ModelInfo, ProviderStatus } from '../../llm/types.js';
import type { UsersRepository } from '../auth/auth.repository.js';
import type { SwitchModelBody } from './models.schemas.js';

/** Listing models is a dashboard call: a slow provider must not hold the page for a minute. */
const LIST_TIMEOUT_MS = 5000;

export interface ProviderInfo {
  id: string;
  name: string;
  status: ProviderStatus;
  error?: string;
  models: ModelInfo[];
}

export class ModelsService {
  constructor(
    private readonly registry: ProviderRegistry,
    private readonly users: UsersRepository,
  ) {}

  /** The caller's current provider and model: their saved choice, else the server default. */
  async current(auth: AuthContext): Promise<{ provider: string; model: string }> {
    const user = await this.users.findById(auth.userId);
    if (user?.default_provider && user.default_model) {
      return { provider: user.default_provider, model: user.default_model };
    }
    return { provider: this.registry.defaults.provider, model: this.registry.defaults.model };
  }

  async list(
    auth: AuthContext,
  ): Promise<{ providers: ProviderInfo[]; current_provider: string; current_model: string }> {
    const [providers, current] = await Promise.all([
      Promise.all(this.registry.list().map((p) => this.describe(p))),
      this.current(auth),
    ]);
    return { providers, current_provider: current.provider, current_model: current.model };
  }

  async switch(
    auth: AuthContext,
    body: SwitchModelBody,
  ): Promise<{ current_provider: string; current_model: string }> {
    if (!(PROVIDER_IDS as readonly string[]).includes(body.provider)) {
      throw new ValidationError(`Unknown provider "${body.provider}"`, {
        field: 'provider',
        value: body.provider,
        expected: `One of: ${PROVIDER_IDS.join(', ')}`,
      });
    }
    const provider = this.registry.get(body.provider);
    if (!provider.configured) {
      throw new ValidationError(`Provider "${body.provider}" is not configured on this server`, {
        field: 'provider',
        value: body.provider,
        expected: 'A configured provider (see GET /api/models for each status)',
      });
    }
    if (body.provider === 'mock' && !this.registry.catalog.find('mock', body.model)) {
      const ids = this.registry.catalog.forProvider('mock').map((m) => m.id);
      throw new ValidationError(`Unknown mock model "${body.model}"`, {
        field: 'model',
        value: body.model,
        expected: `One of: ${ids.join(', ')}`,
      });
    }
    await this.users.update(auth.userId, {
      default_provider: body.provider,
      default_model: body.model,
    });
    return { current_provider: body.provider, current_model: body.model };
  }

  /** A real round trip to the provider, timed. */
  async testConnection(
    auth: AuthContext,
    providerId?: string,
  ): Promise<{
    provider: string;
    status: ProviderStatus;
    response_time: number | null;
    test_message: string;
  }> {
    const id = providerId ?? (await this.current(auth)).provider;
    if (!(PROVIDER_IDS as readonly string[]).includes(id)) {
      throw new ValidationError(`Unknown provider "${id}"`, {
        field: 'provider',
        value: id,
        expected: `One of: ${PROVIDER_IDS.join(', ')}`,
      });
    }
    const provider = this.registry.get(id);
    if (!provider.configured) {
      return {
        provider: id,
        status: 'not_configured',
        response_time: null,
        test_message: `${provider.name} is not configured on this server`,
      };
    }
    const started = performance.now();
    try {
      const result = await provider.testConnection(AbortSignal.timeout(LIST_TIMEOUT_MS * 2));
      return {
        provider: id,
        status: result.ok ? 'connected' : 'error',
        response_time: round(result.latencyMs / 1000, 3),
        test_message: result.message,
      };
    } catch (err) {
      return {
        provider: id,
        status: 'error',
        response_time: round((performance.now() - started) / 1000, 3),
        test_message: err instanceof Error ? err.message : 'Connection failed',
      };
    }
  }

  private async describe(provider: LlmProvider): Promise<ProviderInfo> {
    const known = this.registry.catalog
      .forProvider(provider.id)
      .map((m) => this.registry.catalog.describe(provider.id, m.id));
    if (!provider.configured)
      return { id: provider.id, name: provider.name, status: 'not_configured', models: known };
    try {
      const models = await provider.listModels(AbortSignal.timeout(LIST_TIMEOUT_MS));
      return { id: provider.id, name: provider.name, status: 'connected', models };
    } catch (err) {
      return {
        id: provider.id,
        name: provider.name,
        status: 'error',
        error: err instanceof Error ? err.message : 'Could not list models',
        models: known,
      };
    }
  }
}
