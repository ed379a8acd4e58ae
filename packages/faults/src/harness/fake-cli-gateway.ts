import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SessionInfo } from '@llm-gateway/shared';
import { descendants, processesMatching, type ProcessEntry } from '@llm-gateway/testkit';
import { spawnRole, type RoleProcess } from '@llm-gateway/testkit';
import { getJson, sleep } from '@llm-gateway/testkit';

/** The fake Claude Code CLI script (see its header for the modes). */
export const FAKE_CLI_PATH = fileURLToPath(new URL('../fake-cli/fake-cli.mjs', import.meta.url));

export type FakeCliMode = 'healthy' | 'crash-at-start' | 'hang-at-start' | 'crash-mid-answer' | 'hang' | 'garbage';

/** The `LLM_CLI_COMMAND` that runs the fake CLI with its control directory. */
export function fakeCliCommand(dir: string): string {
  return `${process.execPath} ${FAKE_CLI_PATH} --fake-dir=${dir}`;
}

/** An embedded gateway (`pnpm start`, CLI backend) whose sessions are fake CLIs a test controls. */
export interface FakeCliGateway {
  readonly gateway: RoleProcess;
  readonly dir: string;
  setMode(mode: FakeCliMode): void;
  /** Every fake CLI start so far, oldest first. */
  spawns(): Array<{ at: number; pid: number; mode: string }>;
  /** The fake CLI processes running under the gateway now. */
  liveCli(): ProcessEntry[];
  health(): Promise<{ status: number; body: { status: string; reason?: string; pool: Record<string, number> } }>;
  sessions(): Promise<SessionInfo[]>;
  /**
   * Stops the gateway (SIGTERM) and reports fake CLIs that outlived it (orphans), after waiting
   * `orphanWaitMs` for them to go. Kills any that are left.
   */
  stop(orphanWaitMs?: number): Promise<{ exitCode: number | null; orphans: number }>;
}

export async function startFakeCliGateway(mode: FakeCliMode, env: Record<string, string> = {}): Promise<FakeCliGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'llm-gateway-fake-cli-'));
  const setMode = (next: FakeCliMode) => writeFileSync(join(dir, 'mode'), `${next}\n`);
  setMode(mode);
  const gateway = await spawnRole('all', `gateway-${mode}`, {
    LLM_BACKEND: 'cli',
    LLM_CLI_COMMAND: fakeCliCommand(dir),
    LLM_CLI_HOST: 'pipe',
    // The fake CLI reads its mode from, and records its starts in, a directory a sandbox would hide.
    LLM_CLI_SANDBOX: 'off',
    LLM_POOL_SIZE: '2',
    LLM_MAX_OVERFLOW: '1',
    LLM_REQUEST_TIMEOUT: '3',
    LLM_SHUTDOWN_GRACE: '2',
    REDIS_URL: '',
    ...env,
  }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  const marker = `--fake-dir=${dir}`;
  return {
    gateway,
    dir,
    setMode,
    spawns: () => {
      let text = '';
      try {
        text = readFileSync(join(dir, 'spawns.log'), 'utf8');
      } catch {
        return [];
      }
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [at, pid, spawnMode] = line.split(' ');
          return { at: Number(at), pid: Number(pid), mode: spawnMode ?? '' };
        });
    },
    liveCli: () => descendants(gateway.pid).filter((entry) => entry.commandLine.includes(marker)),
    health: () => getJson(`${gateway.url}/health`),
    sessions: async () => (await getJson<{ sessions: SessionInfo[] }>(`${gateway.url}/sessions`)).body.sessions,
    stop: async (orphanWaitMs = 6_000) => {
      const exitCode = await gateway.stop(10_000);
      const deadline = Date.now() + orphanWaitMs;
      let left = processesMatching(marker);
      while (left.length > 0 && Date.now() < deadline) {
        await sleep(100);
        left = processesMatching(marker);
      }
      for (const entry of left) {
        try {
          process.kill(entry.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
      return { exitCode, orphans: left.length };
    },
  };
}

/** Samples `measure` every `intervalMs` until stopped; bounded by `maxSamples`. */
export function startSampler(measure: () => number, intervalMs = 50, maxSamples = 10_000) {
  const samples: number[] = [];
  const timer = setInterval(() => {
    if (samples.length >= maxSamples) return;
    samples.push(measure());
  }, intervalMs);
  return {
    stop(): { max: number; samples: number } {
      clearInterval(timer);
      return { max: Math.max(0, ...samples), samples: samples.length };
    },
  };
}
