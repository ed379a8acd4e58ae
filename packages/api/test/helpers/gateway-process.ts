import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '@llm-gateway/testkit';

const REPO_ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
/** `pnpm@X.Y.Z`, from the root package.json: what the README's `npx -y pnpm@… start` runs. */
const PACKAGE_MANAGER = (JSON.parse(readFileSync(`${REPO_ROOT}/package.json`, 'utf8')) as { packageManager: string }).packageManager;

/**
 * How the gateway is started: `tsx` runs `packages/api/src/main.ts` under node with tsx's loader
 * (no wrapper); `npx` is the README's `npx -y pnpm@… start`, which builds when needed and execs
 * node on `packages/api/dist/main.js` (npm → pnpm → node).
 */
export type StartMode = 'tsx' | 'npx';

const COMMANDS: Record<StartMode, [string, string[]]> = {
  tsx: [process.execPath, ['--conditions=development', '--import', 'tsx', 'packages/api/src/main.ts']],
  npx: ['npx', ['-y', PACKAGE_MANAGER, 'start']],
};

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  /** Every JSON log line the process printed so far. */
  logs: Array<Record<string, unknown>>;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILLs the process if it is still running; for test teardown. */
  kill(): Promise<void>;
}

/**
 * Starts the gateway (see {@link StartMode}) as a child process on a free port and resolves once
 * it logs that it listens. `child` is the process started: signals sent to it test that they reach
 * the gateway through whatever wraps it.
 */
export async function spawnGateway(env: Record<string, string>, timeoutMs = 20_000, mode: StartMode = 'tsx'): Promise<GatewayProcess> {
  const port = await freePort();
  const [command, args] = COMMANDS[mode];
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A group of its own: teardown kills npm, pnpm and the gateway together.
    detached: mode === 'npx',
  });
  const logs: Array<Record<string, unknown>> = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const kill = async () => {
    if (mode === 'npx') {
      // The whole group, even once npm has exited: a gateway left behind must not outlive the test.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    } else if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the gateway did not start in time')), timeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      if (entry.msg === 'llm-gateway listening') {
        clearTimeout(timer);
        resolve(String(entry.url));
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited with ${code} before listening`));
    });
  });
  try {
    return { child, url: await listening, logs, exited, kill };
  } catch (error) {
    await kill();
    throw error;
  }
}
