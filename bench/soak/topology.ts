import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSplitCluster, type SplitCluster } from '@llm-gateway/faults';
import { descendants, startFakeAnthropic, startRedisServer, type FakeAnthropic, type RedisServer } from '@llm-gateway/testkit';

/** Everything the soak run starts: one Redis, a fake Anthropic API, and two split-mode clusters on it. */
export interface SoakTopology {
  redis: RedisServer;
  /** The fake Anthropic API the real `claude` sessions talk to (in this process). */
  fake: FakeAnthropic;
  /** API replica + supervisor with the mock backend. */
  mock: SplitCluster;
  /** API replica + supervisor whose sessions are the real Claude Code CLI. */
  cli: SplitCluster;
  /** The `claude` processes under the CLI supervisor right now. */
  claudeProcesses(): Array<{ pid: number }>;
  stop(): Promise<void>;
}

const COMMON_ENV = {
  LLM_HEARTBEAT_INTERVAL: '1',
  LLM_SHUTDOWN_GRACE: '2',
  LOG_LEVEL: 'warn',
};

/** Starts the soak topology; on failure stops whatever had started. */
export async function startSoakTopology(): Promise<SoakTopology> {
  const redis = await startRedisServer();
  const fake = await startFakeAnthropic();
  const home = mkdtempSync(join(tmpdir(), 'llm-gateway-soak-home-'));
  const clusters: SplitCluster[] = [];
  const stop = async () => {
    await Promise.all(clusters.map((cluster) => cluster.stop()));
    await fake.close();
    await redis.stop();
    rmSync(home, { recursive: true, force: true });
  };
  try {
    const mock = await startSplitCluster({
      redis,
      prefix: 'soak-mock',
      supervisors: [{ name: 'sup-mock' }],
      env: { ...COMMON_ENV, LLM_BACKEND: 'mock', LLM_POOL_SIZE: '6', LLM_MAX_OVERFLOW: '2', LLM_REQUEST_TIMEOUT: '20' },
      minReadySessions: 6,
    });
    clusters.push(mock);
    const cli = await startSplitCluster({
      redis,
      prefix: 'soak-cli',
      supervisors: [
        {
          name: 'sup-cli',
          // The real CLI against the fake API, with a home of its own (nothing of the user's setup).
          env: { HOME: home, CLAUDE_CONFIG_DIR: join(home, '.claude'), ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'sk-ant-soak' },
        },
      ],
      env: { ...COMMON_ENV, LLM_BACKEND: 'cli', LLM_POOL_SIZE: '2', LLM_MAX_OVERFLOW: '1', LLM_REQUEST_TIMEOUT: '30' },
      minReadySessions: 2,
      startTimeoutMs: 90_000,
    });
    clusters.push(cli);
    const supervisorPid = cli.supervisors[0]!.pid;
    return {
      redis,
      fake,
      mock,
      cli,
      claudeProcesses: () => descendants(supervisorPid).filter((entry) => /claude/.test(entry.name) || /claude-code/.test(entry.commandLine)),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
