import { describe, expect, it } from 'vitest';
import { createLogger, loadConfig } from '@llm-gateway/shared';
import { createGateway } from '../gateway.ts';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './json-depth.ts';

const nested = (levels: number, open: string, close: string, inner = '1') => JSON.parse(open.repeat(levels) + inner + close.repeat(levels)) as unknown;

describe('nestedDeeperThan', () => {
  it('counts objects and arrays, not scalars', () => {
    expect(nestedDeeperThan('text', 0)).toBe(false);
    expect(nestedDeeperThan({ a: [1, { b: 2 }] }, 3)).toBe(false);
    expect(nestedDeeperThan({ a: [1, { b: 2 }] }, 2)).toBe(true);
    expect(nestedDeeperThan(nested(MAX_JSON_DEPTH, '[', ']'))).toBe(false);
    expect(nestedDeeperThan(nested(MAX_JSON_DEPTH + 1, '{"a":', '}'))).toBe(true);
  });

  it('handles a million levels without overflowing the stack', () => {
    expect(nestedDeeperThan(nested(1_000_000, '[', ']'))).toBe(true);
  });
});

// Found by the fault suite: a tool schema nested 50,000 levels deep made JSON.stringify overflow
// the stack inside the gateway, a 500 for a client error.
describe('a deeply nested request body', () => {
  it('is refused with a 400, wherever the nesting is', async () => {
    const gateway = await createGateway({ config: loadConfig({ LLM_BACKEND: 'mock', LLM_POOL_SIZE: '1', LOG_LEVEL: 'silent' }), log: createLogger({ level: 'silent' }) });
    try {
      const deep = '{"a":'.repeat(50_000) + '{}' + '}'.repeat(50_000);
      const bodies = [
        `{"model":"claude-sonnet","tools":[{"type":"function","function":{"name":"f","parameters":${deep}}}],"messages":[{"role":"user","content":"hi"}]}`,
        `{"model":"claude-sonnet","unknown":${deep},"messages":[{"role":"user","content":"hi"}]}`,
      ];
      for (const body of bodies) {
        const response = await gateway.app.request('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(response.status).toBe(400);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_value');
      }
    } finally {
      await gateway.close();
    }
  });
});
