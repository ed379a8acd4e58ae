import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SessionInfo } from '@llm-gateway/shared';
import { freePort } from '@llm-gateway/testkit';

const REPO_ROOT = fileURLToPath(new URL('../../../..', import.meta.url));

/** One gateway process of a test cluster (an API replica or a supervisor). */
export interface ClusterProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** The last lines it printed, for failure messages. */
  output(): string;
  alive(): boolean;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 5 s. Resolves with the exit code. */
  stop(): Promise<number | null>;
}

const ROLE_SCRIPTS = {
  api: 'packages/api/src/main.ts',
  supervisor: 'packages/supervisor/src/main.ts',
} as const;

/** Starts `main.ts` of a role under tsx (no npx/tsx wrapper: signals reach the gateway itself). */
export async function spawnRole(role: keyof typeof ROLE_SCRIPTS, name: string, env: Record<string, string>): Promise<ClusterProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', ROLE_SCRIPTS[role]], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, ...(role === 'api' ? { LLM_ROLE: 'api' } : {}), PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => lines.slice(-30).join('\n'),
    alive,
    kill: async () => {
      if (!alive()) return;
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (!alive()) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Polls until `check` returns a value (not undefined), or throws after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

export async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  return { status: response.status, body: (await response.json()) as T };
}

export async function sessionsOf(url: string): Promise<SessionInfo[]> {
  return (await getJson<{ sessions: SessionInfo[] }>(`${url}/sessions`)).body.sessions;
}

/** Posts a chat completion with fetch; never throws for HTTP errors. */
export async function chat(
  url: string,
  content: string,
  options: { stream?: boolean; signal?: AbortSignal; model?: string } = {},
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: options.model ?? 'claude-sonnet', stream: options.stream ?? false, messages: [{ role: 'user', content }] }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { status: response.status, text: await response.text() };
}
