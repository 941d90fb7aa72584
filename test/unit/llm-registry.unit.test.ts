import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ModelCatalog } from '../../src/llm/pricing.js';
import { ProviderRegistry, UnknownProviderError } from '../../src/llm/registry.js';
import { responseCacheKey } from '../../src/llm/response-cache.js';
import { parseRetryAfter, isRetryableStatus } from '../../src/llm/types.js';

describe('ModelCatalog', () => {
  const catalog = ModelCatalog.load();

  it('when a call is priced, then input and output tokens use their own per-1K prices', () => {
    // gpt-4o: $0.0025 in / $0.01 out per 1K.
    expect(catalog.cost('openai', 'gpt-4o', { prompt: 2000, completion: 1000 })).toBeCloseTo(
      0.005 + 0.01,
      6,
    );
  });

  it('when a dated snapshot is priced, then it costs what its family costs', () => {
    expect(catalog.find('openai', 'gpt-4o-mini-2024-07-18')?.id).toBe('gpt-4o-mini');
    expect(catalog.find('openai', 'gpt-4o-2024-08-06')?.id).toBe('gpt-4o');
  });

  it('when a model is unknown, then its cost is 0 and its description says unpriced (null), never a guess', () => {
    expect(catalog.cost('openai', 'my-finetune', { prompt: 1000, completion: 1000 })).toBe(0);
    expect(catalog.describe('openai', 'my-finetune')).toMatchObject({
      id: 'my-finetune',
      cost_per_token: null,
    });
  });

  it('when the operator supplies a pricing file, then its entries override and extend the shipped ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lqa-pricing-'));
    const file = join(dir, 'prices.json');
    writeFileSync(
      file,
      JSON.stringify({
        models: [
          {
            provider: 'openai',
            id: 'gpt-4o',
            name: 'GPT-4o (negotiated)',
            context_window: 128000,
            input_per_1k: 0.001,
            output_per_1k: 0.002,
            capabilities: ['text'],
          },
          {
            provider: 'ollama',
            id: 'qwen2.5',
            name: 'Qwen 2.5',
            context_window: 32768,
            input_per_1k: 0,
            output_per_1k: 0,
            capabilities: ['text'],
          },
        ],
      }),
    );
    const custom = ModelCatalog.load(file);
    expect(custom.cost('openai', 'gpt-4o', { prompt: 1000, completion: 1000 })).toBeCloseTo(
      0.003,
      6,
    );
    expect(custom.find('ollama', 'qwen2.5')?.name).toBe('Qwen 2.5');
    writeFileSync(file, '{"prices": []}');
    expect(() => ModelCatalog.load(file)).toThrow(/expected \{"models"/);
  });
});

describe('ProviderRegistry.resolve', () => {
  const registry = ProviderRegistry.fromConfig(loadConfig({}));

  it.each([
    ['openai:my-local-llama', null, 'openai', 'my-local-llama'],
    ['gpt-4o', null, 'openai', 'gpt-4o'],
    ['claude-3-5-haiku-latest', null, 'anthropic', 'claude-3-5-haiku-latest'],
    ['llama3.1', null, 'ollama', 'llama3.1'],
    ['mock-creative', null, 'mock', 'mock-creative'],
    ['mock-new-style', null, 'mock', 'mock-new-style'],
    ['some-local-model', 'ollama', 'ollama', 'some-local-model'],
    ['totally-unknown', null, 'mock', 'totally-unknown'],
  ])(
    'when the model is %s (provider %s), then %s serves %s',
    (model, provider, expectedProvider, expectedModel) => {
      const resolved = registry.resolve(model, provider);
      expect(resolved.providerId).toBe(expectedProvider);
      expect(resolved.model).toBe(expectedModel);
    },
  );

  it('when a provider id is unknown, then it fails fast', () => {
    expect(() => registry.resolve('x', 'skynet')).toThrow(UnknownProviderError);
  });

  it('when no credentials are configured, then only the mock is usable', () => {
    expect(registry.list().map((p) => [p.id, p.configured])).toEqual([
      ['mock', true],
      ['openai', false],
      ['anthropic', false],
      ['ollama', false],
    ]);
  });
});

describe('responseCacheKey', () => {
  const base = {
    provider: 'openai',
    model: 'gpt-4o',
    prompt: 'secret prompt text',
    parameters: {
      temperature: 0.7,
      top_p: 1,
      max_tokens: 100,
      frequency_penalty: 0,
      presence_penalty: 0,
    },
    iteration: 1,
  };

  it('when parameter order differs, then the key is the same; when anything that changes output differs, it is not', () => {
    const reordered = {
      ...base,
      parameters: {
        max_tokens: 100,
        presence_penalty: 0,
        top_p: 1,
        frequency_penalty: 0,
        temperature: 0.7,
      },
    };
    expect(responseCacheKey(reordered)).toBe(responseCacheKey(base));
    for (const change of [
      { model: 'gpt-4o-mini' },
      { provider: 'ollama' },
      { prompt: 'other' },
      { iteration: 2 },
      { parameters: { ...base.parameters, temperature: 0.8 } },
    ]) {
      expect(responseCacheKey({ ...base, ...change })).not.toBe(responseCacheKey(base));
    }
    expect(responseCacheKey(base)).not.toContain('secret');
  });
});

describe('provider error helpers', () => {
  it('when Retry-After is seconds or an HTTP date, then it becomes milliseconds', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(Date.now() + 3000).toUTCString(), Date.now())).toBeGreaterThan(
      1000,
    );
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('when a status is 429, 5xx or missing (network), then it is retryable; 4xx otherwise not', () => {
    expect([429, 500, 503, undefined].map(isRetryableStatus)).toEqual([true, true, true, true]);
    expect([400, 401, 404, 422].map(isRetryableStatus)).toEqual([false, false, false, false]);
  });
});
