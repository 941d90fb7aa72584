import { LlmServiceError, ValidationError } from '../../lib/errors.js';
import {
  UnknownProviderError,
  type ProviderRegistry,
  type ResolvedModel,
} from '../../llm/registry.js';

const CONFIGURATION_HINTS: Record<string, string> = {
  openai: 'Set OPENAI_API_KEY (and OPENAI_BASE_URL for an OpenAI-compatible server)',
  anthropic: 'Set ANTHROPIC_API_KEY',
  ollama: 'Set OLLAMA_HOST, e.g. http://127.0.0.1:11434',
};

/**
 * Resolves a model to a provider this server can call, or explains why not: an unknown
 * provider is the client's mistake (400 naming `field`), a provider without credentials is the
 * server's (503 LLM_SERVICE_ERROR with what to configure). Shared by generation, sweeps and
 * the judge so all three refuse the same way.
 */
export function resolveUsableModel(
  registry: ProviderRegistry,
  model: string,
  providerHint: string | null | undefined,
  field = 'provider',
): ResolvedModel {
  let resolved: ResolvedModel;
  try {
    resolved = registry.resolve(model, providerHint ?? null);
  } catch (err) {
    if (err instanceof UnknownProviderError) {
      throw new ValidationError(err.message, {
        field,
        value: err.providerId,
        expected: err.message,
      });
    }
    throw err;
  }
  // Names no provider claims fall through to the mock, whose models are all known up front:
  // an unknown one is the client's typo (400), not an LLM failure after the fact (502).
  if (resolved.providerId === 'mock' && !registry.catalog.find('mock', resolved.model)) {
    const ids = registry.catalog.forProvider('mock').map((m) => m.id);
    throw new ValidationError(`Unknown model "${resolved.model}"`, {
      field: field.replace('provider', 'model'),
      value: resolved.model,
      expected: `A model of a configured provider (GET /api/models), e.g. ${ids.join(', ')}`,
    });
  }
  if (!resolved.provider.configured) {
    throw new LlmServiceError(
      `Provider "${resolved.providerId}" is not configured on this server`,
      {
        provider: resolved.providerId,
        reason: 'not_configured',
        hint: CONFIGURATION_HINTS[resolved.providerId] ?? 'Check the server configuration',
      },
      { status: 503 },
    );
  }
  return resolved;
}
