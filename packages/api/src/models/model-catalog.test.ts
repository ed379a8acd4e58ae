import { describe, expect, it } from 'vitest';
import { loadConfig } from '@llm-gateway/shared';
import { createModelCatalog } from './model-catalog.ts';

const catalog = (env: Record<string, string>) => createModelCatalog(loadConfig(env));

describe('createModelCatalog', () => {
  it('serves the Claude aliases on LLM_BACKEND when there is no table', () => {
    const models = catalog({ LLM_BACKEND: 'cli' });
    expect(models.list().map((entry) => [entry.id, entry.backend, entry.ownedBy])).toEqual([
      ['claude-sonnet', 'cli', 'anthropic'],
      ['claude-haiku', 'cli', 'anthropic'],
      ['claude-opus', 'cli', 'anthropic'],
    ]);
    expect(models.route('claude-sonnet')).toEqual({ backend: 'cli', fallbacks: undefined });
    expect(models.route('claude-sonnet-5-5')).toBeUndefined();
    expect(models.route('gpt-4o')).toBeUndefined();
  });

  it('lets the api backend pass full Anthropic ids through, and the openai backend any name', () => {
    expect(catalog({ LLM_BACKEND: 'api' }).resolve('claude-sonnet-5-5')).toBe('api');
    expect(catalog({ LLM_BACKEND: 'api' }).resolve('gpt-4o')).toBeUndefined();
    expect(catalog({ LLM_BACKEND: 'openai' }).resolve('llama3.1:8b')).toBe('openai');
    expect(catalog({ LLM_BACKEND: 'mock' }).resolve('claude-sonnet-5-5')).toBeUndefined();
  });

  it('routes the table: overrides of the aliases, new models, fallbacks, listed in order', () => {
    const models = catalog({ LLM_BACKEND: 'cli', LLM_MODELS: 'claude-sonnet=cli|api,claude-haiku=api,gpt-4o=openai,local=mock' });
    expect(models.list().map((entry) => [entry.id, entry.backend, entry.ownedBy])).toEqual([
      ['claude-sonnet', 'cli', 'anthropic'],
      ['claude-haiku', 'api', 'anthropic'],
      ['claude-opus', 'cli', 'anthropic'],
      ['gpt-4o', 'openai', 'openai'],
      ['local', 'mock', 'llm-gateway'],
    ]);
    expect(models.route('claude-sonnet')).toEqual({ backend: 'cli', fallbacks: ['api'] });
    expect(models.route('claude-haiku')).toEqual({ backend: 'api', fallbacks: undefined });
    expect(models.route('gpt-4o')).toEqual({ backend: 'openai', fallbacks: undefined });
    expect(models.route('gpt-4o-mini')).toBeUndefined();
  });

  it('matches prefix patterns after exact names, the longest prefix first, and lists none of them', () => {
    const models = catalog({ LLM_BACKEND: 'mock', LLM_MODELS: '*=openai,claude-*=api|openai,claude-opus-*=cli,claude-haiku=mock' });
    expect(models.list().map((entry) => entry.id)).toEqual(['claude-sonnet', 'claude-haiku', 'claude-opus']);
    expect(models.route('claude-sonnet')).toEqual({ backend: 'mock', fallbacks: undefined });
    expect(models.route('claude-sonnet-5-5')).toEqual({ backend: 'api', fallbacks: ['openai'] });
    expect(models.route('claude-opus-5-5')).toEqual({ backend: 'cli', fallbacks: undefined });
    expect(models.route('mistral-large')).toEqual({ backend: 'openai', fallbacks: undefined });
  });

  it('hands every request for a model the same route object (nothing allocated per request)', () => {
    const models = catalog({ LLM_BACKEND: 'cli', LLM_MODELS: 'claude-sonnet=cli|api,claude-*=api' });
    expect(models.route('claude-sonnet')).toBe(models.route('claude-sonnet'));
    expect(models.route('claude-x')).toBe(models.route('claude-y'));
  });
});
