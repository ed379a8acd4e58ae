import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, testRedisUrl, uniquePrefix } from '@llm-gateway/testkit';
import { KEYS } from './tenant-helpers.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const UPSTREAM_KEY = 'sk-ant-upstream-3b9d0e7f1a';
const PROMPT_MARKER = 'PROMPT-MARKER-93c1';

/**
 * A whole gateway process (main.ts, Redis mode, debug logging) driven through every path that
 * sees a key: accepted, refused, near misses, admin, rate-limited, failed, cached, streamed. Its
 * standard output and error are then searched for every configured secret.
 */
describe('a full gateway run at debug level', () => {
  let child: ChildProcess;
  let output = '';
  let url = '';
  const directory = mkdtempSync(join(tmpdir(), 'gateway-secrets-'));

  beforeAll(async () => {
    const keysFile = join(directory, 'api-keys');
    writeFileSync(keysFile, `# tenants\n${KEYS.beta}:beta\n\n${KEYS.gamma}:gamma\n`);
    const adminFile = join(directory, 'admin-key');
    writeFileSync(adminFile, `${KEYS.admin}\n`);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'packages/api/src/main.ts'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'debug',
        LLM_BACKEND: 'mock',
        LLM_POOL_SIZE: '1',
        LLM_SHUTDOWN_GRACE: '1',
        LLM_HEARTBEAT_INTERVAL: '0.5',
        REDIS_URL: testRedisUrl(),
        REDIS_PREFIX: uniquePrefix('secrets'),
        LLM_API_KEYS: `${KEYS.alpha}:alpha,${KEYS.alpha2}:alpha`,
        LLM_API_KEYS_FILE: keysFile,
        LLM_ADMIN_KEY_FILE: adminFile,
        ANTHROPIC_API_KEY: UPSTREAM_KEY,
        LLM_TENANT_LIMITS: 'gamma:rpm=1',
        LLM_CACHE_TTL: '60',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const deadline = Date.now() + 20_000;
    while (!output.includes('llm-gateway listening')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the gateway did not start:\n${output}`);
      await sleep(25);
    }
  });
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  });

  const chat = (key: string | undefined, body: Record<string, unknown>) =>
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), 'x-api-key': key ?? '' },
      body: JSON.stringify({ model: 'claude-sonnet', messages: [{ role: 'user', content: `${PROMPT_MARKER} ${String(body.text ?? '')}` }], ...body, text: undefined }),
    });

  it('logs no configured secret anywhere, and prompt text only at debug level', async () => {
    const statuses: number[] = [];
    const call = async (response: Promise<Response>) => {
      const answer = await response;
      await answer.text();
      statuses.push(answer.status);
    };
    await call(chat(KEYS.alpha, { text: 'hello' }));
    await call(chat(KEYS.alpha2, { text: 'stream', stream: true }));
    await call(chat(KEYS.beta, { text: 'cached', temperature: 0 }));
    await call(chat(KEYS.beta, { text: 'cached', temperature: 0, stream: true }));
    await call(chat(KEYS.gamma, { text: 'first' }));
    await call(chat(KEYS.gamma, { text: 'second' }));
    await call(chat(KEYS.alpha, { text: '[mock:error=upstream_error]' }));
    await call(chat(`${KEYS.alpha}x`, { text: 'near miss' }));
    await call(chat(KEYS.admin, { text: 'admin on /v1' }));
    await call(chat(undefined, { text: 'no key' }));
    for (const key of [KEYS.admin, KEYS.beta, `${KEYS.admin}0`]) {
      const response = await fetch(`${url}/sessions`, { headers: { authorization: `Bearer ${key}` } });
      await response.text();
      statuses.push(response.status);
    }
    for (const key of [KEYS.admin, KEYS.beta]) {
      const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${key}` } });
      await response.text();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 502, 401, 401, 401, 200, 403, 401, 200, 403]);

    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);

    const lines = output.split('\n').filter(Boolean);
    expect(lines.filter((line) => line.includes('"chat completion"')).length).toBeGreaterThanOrEqual(7);
    expect(output).toMatch(/"tenant":"gamma"[^\n]*"status":429/);
    expect(output).toContain('"cache":"hit"');
    for (const secret of [...Object.values(KEYS), UPSTREAM_KEY]) expect(output.includes(secret), `a secret reached the logs:\n${output}`).toBe(false);
    const withPrompt = lines.filter((line) => line.includes(PROMPT_MARKER));
    expect(withPrompt.length).toBeGreaterThan(0);
    for (const line of withPrompt) expect((JSON.parse(line) as { level: string }).level).toBe('debug');
  });
});
