import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionInfo } from '@llm-gateway/shared';
import { eventually, getJson, spawnRole, startFakeAnthropic, testRedisUrl, uniquePrefix, type FakeAnthropic, type FakeAnthropicOptions, type RoleProcess } from '@llm-gateway/testkit';

/** A gateway on the real CLI in its own processes, the project's fake Anthropic API behind it. */
export interface CliGateway {
  fake: FakeAnthropic;
  /** The process clients talk to: the gateway embedded, or the API process when split. */
  api: RoleProcess;
  /** Stops every process, the fake and the throwaway Claude Code home. */
  close(): Promise<void>;
}

export interface CliGatewayOptions {
  /** `embedded`: `pnpm start`; `split`: `start:api` and `start:supervisor` on the test's Redis. @defaultValue 'embedded' */
  topology?: 'embedded' | 'split';
  /** More environment, over the defaults (one warm session, a 30 s timeout). */
  env?: Record<string, string>;
  fake?: FakeAnthropicOptions;
}

/**
 * Starts the fake and an open gateway (no keys: `/sessions` is read to see a session ready), and
 * waits until a CLI session is ready; the processes' output is in the error if none is.
 */
export async function startCliGateway(name: string, options: CliGatewayOptions = {}): Promise<CliGateway> {
  const fake = await startFakeAnthropic(options.fake);
  const home = await mkdtemp(join(tmpdir(), `llm-gateway-${name}-`));
  const env = {
    LLM_BACKEND: 'cli',
    LLM_POOL_SIZE: '1',
    LLM_REQUEST_TIMEOUT: '30',
    LLM_SHUTDOWN_GRACE: '1',
    HOME: home,
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: `sk-ant-${name}`,
    ...(options.topology === 'split' ? { REDIS_URL: testRedisUrl(), REDIS_PREFIX: uniquePrefix(name), LLM_HEARTBEAT_INTERVAL: '0.5' } : {}),
    ...options.env,
  };
  const processes: RoleProcess[] = [];
  const close = async () => {
    await Promise.all(processes.map((process) => process.stop()));
    await fake.close();
    await rm(home, { recursive: true, force: true });
  };
  try {
    if (options.topology === 'split') processes.push(...(await Promise.all([spawnRole('api', 'api', env), spawnRole('supervisor', 'supervisor', env)])));
    else processes.push(await spawnRole('all', 'gateway', env));
    const api = processes[0]!;
    await eventually(
      async () => ((await getJson<{ sessions: SessionInfo[] }>(`${api.url}/sessions`)).body.sessions.some((session) => session.status === 'ready') ? true : undefined),
      { timeoutMs: 40_000, what: 'a ready CLI session' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${processes.map((process) => `--- ${process.name}\n${process.output()}`).join('\n')}`);
    });
    return { fake, api, close };
  } catch (error) {
    await close();
    throw error;
  }
}
