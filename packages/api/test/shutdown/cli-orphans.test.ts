import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionInfo } from '@llm-gateway/shared';
import { startFakeAnthropic, type FakeAnthropic } from '@llm-gateway/testkit';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.ts';
import { descendants, isRunning } from '../helpers/process-tree.ts';

/** `pnpm start` with the real CLI backend (against a fake Anthropic API): nothing survives SIGTERM. */
describe.each(['pty', 'pipe'])('shutdown with the CLI backend (%s host)', (host) => {
  let fake: FakeAnthropic;
  let home: string;
  let gateway: GatewayProcess | undefined;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    home = await mkdtemp(join(tmpdir(), 'llm-gateway-orphans-'));
  });
  afterAll(async () => {
    await gateway?.kill();
    await fake?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('serves a request, then leaves no orphan process after SIGTERM', async () => {
    gateway = await spawnGateway({
      LLM_BACKEND: 'cli',
      LLM_CLI_HOST: host,
      LLM_POOL_SIZE: '2',
      HOME: home,
      CLAUDE_CONFIG_DIR: join(home, '.claude'),
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'sk-ant-orphan-test',
    });
    const sessions = async () => ((await (await fetch(`${gateway!.url}/sessions`)).json()) as { sessions: SessionInfo[] }).sessions;
    await expect
      .poll(async () => (await sessions()).filter((session) => session.status === 'ready').length, { timeout: 20_000, interval: 100 })
      .toBe(2);

    const answer = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'Hello from the orphan test' }] }),
    });
    expect(answer.status).toBe(200);

    const tree = descendants(gateway.child.pid!);
    const sessionPids = (await sessions()).map((session) => session.pid);
    expect(sessionPids.every((pid) => pid !== null && tree.some((process) => process.pid === pid))).toBe(true);
    expect(tree.some((process) => process.name.includes('claude'))).toBe(true);

    gateway.child.kill('SIGTERM');
    const { code } = await gateway.exited;
    expect(code).toBe(0);
    await expect.poll(() => tree.filter((process) => isRunning(process.pid)), { timeout: 5_000 }).toEqual([]);
  });
});
