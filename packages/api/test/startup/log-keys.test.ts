import { describe, expect, it } from 'vitest';
import { createLogger } from '@llm-gateway/shared';
import { createGateway } from '../../src/gateway.ts';
import { testConfig } from '../helpers/test-gateway.ts';

/** The keys of a JSON object's top level, repeats included (`JSON.parse` keeps only the last). */
function topLevelKeys(line: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!;
    if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
    else if (char === '"') {
      const start = index;
      for (index++; line[index] !== '"'; index++) if (line[index] === '\\') index++;
      if (depth === 1 && line[index + 1] === ':') keys.push(line.slice(start + 1, index));
    }
  }
  return keys;
}

describe('log lines', () => {
  it('carry no key twice (pino repeats a key that a child of a child binds again)', async () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', base: { role: 'all' }, destination: { write: (line: string) => void lines.push(line) } });
    const config = testConfig({ LLM_POOL_SIZE: '1', LLM_MODELS: 'claude-haiku=api', ANTHROPIC_API_KEY: 'sk-test', LOG_LEVEL: 'debug' });
    const gateway = await createGateway({ config, log });
    const response = await gateway.app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(response.status).toBe(200);
    await gateway.close();
    expect(lines.some((line) => line.includes('"component":"pool"'))).toBe(true);
    for (const line of lines) {
      const keys = topLevelKeys(line);
      expect(keys.length, line).toBe(new Set(keys).size);
    }
  });
});
