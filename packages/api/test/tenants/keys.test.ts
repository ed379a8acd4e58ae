import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, openAIErrorSchema, type CompletionJob, type Dispatcher, type JobEvent } from '@llm-gateway/shared';
import { createApp } from '../../src/app.ts';
import { createGateway, type Gateway } from '../../src/gateway.ts';
import { inProcessGateway, testConfig } from '../helpers/test-gateway.ts';
import { API_KEYS, ask, bearer, chat, KEYS, metricValue } from './tenant-helpers.ts';

async function expectError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  const body = openAIErrorSchema.parse(await response.json());
  expect(body.error.code).toBe(code);
  return body.error.message;
}

describe('API keys on the embedded gateway', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await inProcessGateway({ LLM_API_KEYS: API_KEYS, LLM_ADMIN_KEY: KEYS.admin });
  });
  afterAll(() => gateway?.close());

  it('refuses /v1 without a key, with a wrong key and with the admin key, never echoing the key', async () => {
    await expectError(await chat(gateway.app, ask('Hi')), 401, 'invalid_api_key');
    const wrong = await expectError(await chat(gateway.app, ask('Hi'), { key: `${KEYS.alpha}x` }), 401, 'invalid_api_key');
    expect(wrong).not.toContain(KEYS.alpha);
    await expectError(await chat(gateway.app, ask('Hi'), { key: KEYS.admin }), 401, 'invalid_api_key');
    await expectError(await chat(gateway.app, ask('Hi'), { headers: { authorization: `Basic ${KEYS.alpha}` } }), 401, 'invalid_api_key');
    await expectError(await gateway.app.request('/v1/models'), 401, 'invalid_api_key');
  });

  it('serves a tenant key and counts the request for its tenant', async () => {
    const response = await chat(gateway.app, ask('Hello!'), { key: KEYS.alpha2 });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe(
      'This is a mock response to: Hello!',
    );
    expect((await gateway.app.request('/v1/models', { headers: bearer(KEYS.beta) })).status).toBe(200);
    const metrics = await (await gateway.app.request('/metrics', { headers: bearer(KEYS.admin) })).text();
    expect(metricValue(metrics, 'llm_tenant_requests_total', { tenant: 'alpha', model: 'claude-sonnet', status: '200' })).toBe(1);
    expect(metricValue(metrics, 'llm_tokens_total', { tenant: 'alpha', kind: 'prompt' })).toBeGreaterThan(0);
  });

  it('guards /sessions with the admin key: tenant keys get 403, no key 401', async () => {
    expect((await gateway.app.request('/sessions', { headers: bearer(KEYS.admin) })).status).toBe(200);
    await expectError(await gateway.app.request('/sessions', { headers: bearer(KEYS.beta) }), 403, 'permission_denied');
    await expectError(await gateway.app.request('/sessions'), 401, 'invalid_api_key');
    await expectError(await gateway.app.request('/sessions', { headers: bearer('sk-nobody-000000') }), 401, 'invalid_api_key');
  });

  it('keeps /health, /livez and /readyz open; none of them, nor /metrics, holds a key', async () => {
    for (const path of ['/health', '/livez', '/readyz', '/metrics']) {
      const response = await gateway.app.request(path, path === '/metrics' ? { headers: bearer(KEYS.admin) } : {});
      expect(response.status, path).toBe(200);
      const text = await response.text();
      for (const key of Object.values(KEYS)) expect(text, path).not.toContain(key);
    }
  });
});

describe('operator endpoints under other configurations', () => {
  it('closes /sessions when tenants have keys but no admin key is set', async () => {
    const gateway = await inProcessGateway({ LLM_API_KEYS: API_KEYS });
    try {
      const response = await gateway.app.request('/sessions', { headers: bearer(KEYS.alpha) });
      expect(await expectError(response, 403, 'permission_denied')).toMatch(/none is configured/);
    } finally {
      await gateway.close();
    }
  });

  it('guards /sessions with an admin key even when /v1 is open', async () => {
    const gateway = await inProcessGateway({ LLM_ADMIN_KEY: KEYS.admin });
    try {
      expect((await chat(gateway.app, ask('Hi'))).status).toBe(200);
      expect((await gateway.app.request('/sessions')).status).toBe(401);
      expect((await gateway.app.request('/sessions', { headers: bearer(KEYS.admin) })).status).toBe(200);
    } finally {
      await gateway.close();
    }
  });

  it('leaves an open gateway open, and says so once at start-up', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const gateway = await createGateway({ config: testConfig(), log: createLogger({ level: 'info', destination }) });
    try {
      expect((await chat(gateway.app, ask('Hi'))).status).toBe(200);
      expect((await gateway.app.request('/sessions')).status).toBe(200);
      const warnings = lines.map((line) => JSON.parse(line) as { level: string; msg: string }).filter((line) => line.msg.includes('no API keys'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.level).toBe('warn');
    } finally {
      await gateway.close();
    }
  });

  it('refuses to start with a malformed key list, naming the variable but not the key', async () => {
    const attempt = inProcessGateway({ LLM_API_KEYS: `${KEYS.alpha}:alpha,${KEYS.beta}` });
    await expect(attempt).rejects.toThrow(/^LLM_API_KEYS: entry 2 is not key:tenant$/);
  });
});

describe('the tenant on the job', () => {
  it('hands the dispatcher a job that names the tenant of the key', async () => {
    const jobs: CompletionJob[] = [];
    const dispatcher: Dispatcher = {
      mode: 'in-process',
      async *run(job): AsyncGenerator<JobEvent> {
        jobs.push(job);
        yield { type: 'text-delta', text: 'ok' };
        yield { type: 'usage', usage: { promptTokens: 1, completionTokens: 1 } };
        yield { type: 'finish', finishReason: 'stop' };
      },
      sessions: async () => [],
      health: async () => ({ ok: true, mode: 'in-process', supervisors: 1, pool: { total: 0, ready: 0, busy: 0, starting: 0 } as never }),
      queueDepth: async () => 0,
      close: async () => {},
    };
    const app = createApp({ config: testConfig({ LLM_API_KEYS: API_KEYS }), dispatcher, log: createLogger({ level: 'silent' }) });
    expect((await chat(app, ask('Hi'), { key: KEYS.gamma })).status).toBe(200);
    expect((await chat(app, ask('Hi'), { key: KEYS.alpha2 })).status).toBe(200);
    expect(jobs.map((job) => job.tenant)).toEqual(['gamma', 'alpha']);
  });
});
