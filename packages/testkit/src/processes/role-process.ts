import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../redis-server.ts';
import { rssBytes } from './proc.ts';
import { eventually } from './wait.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../..', import.meta.url));

/**
 * Which program a role runs: `all` is `pnpm start` (API and supervisor in one process), `api` is
 * `pnpm start:api`, `supervisor` is `pnpm start:supervisor`.
 */
const ROLE_SCRIPTS = {
  all: 'packages/api/src/main.ts',
  api: 'packages/api/src/main.ts',
  supervisor: 'packages/supervisor/src/main.ts',
} as const;

export type Role = keyof typeof ROLE_SCRIPTS;

/** One gateway process started for a test cluster, a fault case or the soak run. */
export interface RoleProcess {
  readonly name: string;
  readonly role: Role;
  /** `http://127.0.0.1:PORT` of its HTTP server (the API, or the supervisor's probes). */
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines it printed (stdout and stderr), for failure messages. */
  output(): string;
  alive(): boolean;
  /** Resident memory now, in bytes (undefined once it is gone). */
  rss(): number | undefined;
  /** SIGKILL: a crash. Resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`. Resolves with the exit code (null when killed). */
  stop(graceMs?: number): Promise<number | null>;
}

export interface SpawnRoleOptions {
  /** Extra arguments for node before the script (e.g. `--expose-gc`). */
  nodeArguments?: string[];
  /** How long to wait for `/livez`. @defaultValue 40_000 */
  readyTimeoutMs?: number;
}

/**
 * Starts a role's `main.ts` under tsx (node itself, no wrapper, so signals reach the gateway) on a
 * free port, and resolves once its `/livez` answers.
 */
export async function spawnRole(role: Role, name: string, env: Record<string, string>, options: SpawnRoleOptions = {}): Promise<RoleProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(options.nodeArguments ?? []), '--conditions=development', '--import', 'tsx', ROLE_SCRIPTS[role]], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      ...env,
      ...(role === 'api' ? { LLM_ROLE: 'api' } : {}),
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 400) lines.splice(0, lines.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  const started: RoleProcess = {
    name,
    role,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    child,
    exited,
    output: () => lines.slice(-40).join('\n'),
    alive,
    rss: () => rssBytes(child.pid!),
    kill: async () => {
      if (!alive()) return;
      child.kill('SIGKILL');
      await exited;
    },
    stop: async (graceMs = 5_000) => {
      if (!alive()) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const { code } = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  try {
    await eventually(
      async () => {
        if (!alive()) throw new Error('exited');
        const response = await fetch(`${started.url}/livez`, { signal: AbortSignal.timeout(1_000) });
        await response.body?.cancel();
        return response.ok ? true : undefined;
      },
      { timeoutMs: options.readyTimeoutMs ?? 40_000, what: `${name} to listen`, stopWhen: () => !alive() },
    );
  } catch (error) {
    await started.kill();
    throw new Error(`${(error as Error).message}\n--- ${name} printed:\n${started.output()}`);
  }
  return started;
}
