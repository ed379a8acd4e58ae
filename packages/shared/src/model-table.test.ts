import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { parseModelTable, parseModelTableJson, tableBackends } from './model-table.ts';

describe('parseModelTable (LLM_MODELS)', () => {
  it('reads model=backend|backend entries in order, separated by commas or newlines', () => {
    const table = parseModelTable(' claude-sonnet = cli | api , claude-haiku=api,\ngpt-4o=openai\n,llama3.1:8b=openai, meta-llama/Llama-3-8B=openai,claude-*=api,');
    expect([...table]).toEqual([
      ['claude-sonnet', ['cli', 'api']],
      ['claude-haiku', ['api']],
      ['gpt-4o', ['openai']],
      ['llama3.1:8b', ['openai']],
      ['meta-llama/Llama-3-8B', ['openai']],
      ['claude-*', ['api']],
    ]);
    expect([...parseModelTable('*=openai')]).toEqual([['*', ['openai']]]);
    expect(parseModelTable('  ').size).toBe(0);
  });

  it.each([
    ['claude-sonnet', /expected model=backend/],
    ['claude-sonnet=', /expected model=backend/],
    ['=api', /expected model=backend/],
    ['a=api=cli', /expected model=backend/],
    ['gpt-4o=azure', /unknown backend "azure"/],
    ['gpt-4o=openai|', /unknown backend ""/],
    ['gpt-4o=openai|openai', /listed twice/],
    ['gpt-4o=openai,gpt-4o=api', /"gpt-4o" is listed twice/],
    ['gpt 4o=openai', /not a model id/],
    ['cl*ude=api', /not a model id/],
  ])('refuses %j', (text, message) => {
    expect(() => parseModelTable(text)).toThrow(message);
  });
});

describe('parseModelTableJson (LLM_MODELS_FILE)', () => {
  it('takes arrays or the LLM_MODELS spelling', () => {
    expect([...parseModelTableJson({ 'claude-sonnet': ['cli', 'api'], 'gpt-4o': 'openai', 'claude-*': 'api|mock' })]).toEqual([
      ['claude-sonnet', ['cli', 'api']],
      ['gpt-4o', ['openai']],
      ['claude-*', ['api', 'mock']],
    ]);
  });

  it.each([[[]], ['cli'], [null], [{ a: 3 }], [{ a: [1] }], [{ a: [] }], [{ a: ['cli', 'nope'] }]])('refuses %j', (value) => {
    expect(() => parseModelTableJson(value)).toThrow();
  });
});

describe('the table in the configuration', () => {
  const file = (content: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'models-')), 'models.json');
    writeFileSync(path, content);
    return path;
  };

  it('is empty when neither variable is set', () => {
    expect(loadConfig({}).modelTable.size).toBe(0);
  });

  it('applies LLM_MODELS over LLM_MODELS_FILE', () => {
    const config = loadConfig({
      LLM_MODELS_FILE: file('{"claude-sonnet": ["cli", "api"], "gpt-4o": "openai"}'),
      LLM_MODELS: 'claude-sonnet=api,claude-haiku=api',
    });
    expect([...config.modelTable]).toEqual([
      ['gpt-4o', ['openai']],
      ['claude-sonnet', ['api']],
      ['claude-haiku', ['api']],
    ]);
  });

  it.each([
    [{ LLM_MODELS: 'gpt-4o=azure' }, 'LLM_MODELS'],
    [{ LLM_MODELS_FILE: '/nonexistent/models.json' }, 'LLM_MODELS_FILE'],
    [{ LLM_MODELS_FILE: file('{"gpt-4o": ') }, 'LLM_MODELS_FILE'],
    [{ LLM_MODELS_FILE: file('{"gpt-4o": "azure"}') }, 'LLM_MODELS_FILE'],
  ])('stops start-up naming the variable: %j', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${variable}:`));
  });

  it('lists the backends a supervisor hosts, the default first', () => {
    const config = loadConfig({ LLM_BACKEND: 'mock', LLM_MODELS: 'claude-sonnet=cli|api,gpt-4o=openai,claude-haiku=mock|api' });
    expect(tableBackends(config.modelTable, config.backend)).toEqual(['mock', 'cli', 'api', 'openai']);
    expect(tableBackends(new Map(), 'cli')).toEqual(['cli']);
  });
});
