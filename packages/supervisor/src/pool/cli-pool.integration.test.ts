import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectAnswer, createCliBackend, type CliBackendOptions } from '@llm-gateway/backends';
import { GatewayError, type ChatRequest } from '@llm-gateway/shared';
import { startFakeAnthropic, type FakeAnthropic } from '@llm-gateway/testkit';
import { SessionPool, type SessionPoolOptions } from './session-pool.ts';

/** The pool driving real `claude` processes against the fake Anthropic API. */
let fake: FakeAnthropic;
let home: string;

beforeAll(async () => {
  fake = await startFakeAnthropic();
  home = await mkdtemp(join(tmpdir(), 'llm-gateway-pool-test-'));
});

afterAll(async () => {
  await fake?.close();
  await rm(home, { recursive: true, force: true });
});

function cliPool(options: Partial<SessionPoolOptions> = {}, backend: CliBackendOptions = {}, env: NodeJS.ProcessEnv = {}) {
  const cli = createCliBackend({
    env: { PATH: process.env.PATH, HOME: home, CLAUDE_CONFIG_DIR: join(home, '.claude'), ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'sk-ant-test', ...env },
    maxRetries: 0,
    ...backend,
  });
  return new SessionPool({ backend: cli, size: 1, maxOverflow: 1, keepAliveIntervalMs: 0, startTimeoutMs: 20_000, ...options });
}

const request = (text: string): ChatRequest => ({ model: 'claude-sonnet', messages: [{ role: 'user', content: [{ type: 'text', text }] }] });

async function ask(pool: SessionPool, text: string): Promise<{ text: string; sessionId: string; pid: number | null }> {
  const signal = AbortSignal.timeout(20_000);
  const lease = await pool.acquire(signal);
  try {
    const answer = await collectAnswer(lease.session.run(request(text), { signal }));
    lease.release('succeeded');
    return { text: answer.text, sessionId: lease.id, pid: lease.session.pid };
  } catch (error) {
    lease.release('failed');
    throw error;
  }
}

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('SessionPool with the real claude CLI', () => {
  it('serves a request that finds every warm session busy on a cold overflow session', async () => {
    const pool = cliPool();
    pool.start();
    try {
      await until(() => pool.sessions().some((session) => session.status === 'ready'));
      // Slower than a cold start under load (up to ~3 s here), so the overflow session answers first.
      fake.enqueue({ kind: 'text', text: 'slow answer in several chunks', chunkDelayMs: 800 });
      const [slow, overflow] = await Promise.all([ask(pool, 'slow'), ask(pool, 'overflow')]);
      expect(slow.text).toBe('slow answer in several chunks');
      expect(overflow.text).toBe('echo: overflow');
      expect(overflow.sessionId).not.toBe(slow.sessionId);
      // The overflow session is not kept once nobody waits for it.
      await until(() => pool.sessions().length === 1);
      expect(pool.sessions()[0]!.id).toBe(slow.sessionId);
    } finally {
      await pool.stop();
    }
  });

  it('reports a missing CLI in its sessions and fails requests fast with 503', async () => {
    const pool = cliPool({ restartBackoff: { initialMs: 60_000, maxMs: 60_000 } }, { command: join(home, 'no-such-claude') });
    pool.start();
    try {
      await until(() => pool.unavailableReason !== undefined);
      const started = Date.now();
      const error = await pool.acquire(AbortSignal.timeout(5_000)).catch((caught: unknown) => caught);
      expect(Date.now() - started).toBeLessThan(100);
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ code: 'backend_unavailable', status: 503 });
      expect((error as GatewayError).message).toMatch(/not found.*LLM_BACKEND=api/);
      expect(pool.sessions()[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('LLM_CLI_COMMAND') });
    } finally {
      await pool.stop();
    }
  });

  it('reports a CLI with no credentials instead of serving requests that cannot succeed', async () => {
    const pool = cliPool({ restartBackoff: { initialMs: 60_000, maxMs: 60_000 } }, {}, { ANTHROPIC_API_KEY: undefined });
    pool.start();
    try {
      await until(() => pool.unavailableReason !== undefined);
      expect(pool.unavailableReason).toMatch(/no credentials.*Log in once with `claude`.*ANTHROPIC_API_KEY/);
      await expect(pool.acquire(AbortSignal.timeout(5_000))).rejects.toMatchObject({ code: 'backend_unavailable' });
    } finally {
      await pool.stop();
    }
  });

  // Last: a CLI killed with SIGKILL leaves a stale lock on the shared config file, which slows
  // the exit of the other sessions of that config directory for a few seconds.
  it('replaces a session that is killed', async () => {
    const pool = cliPool();
    pool.start();
    try {
      await until(() => pool.sessions().some((session) => session.status === 'ready'));
      const first = await ask(pool, 'one');
      expect(first.text).toBe('echo: one');
      await until(() => pool.sessions()[0]?.status === 'ready');
      process.kill(first.pid!, 'SIGKILL');
      await until(() => pool.sessions().some((session) => session.status === 'ready' && session.pid !== first.pid));
      const second = await ask(pool, 'two');
      expect(second.text).toBe('echo: two');
      expect(second.pid).not.toBe(first.pid);
    } finally {
      await pool.stop();
    }
  });
});
