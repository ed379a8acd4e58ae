import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startRedisServer } from '@llm-gateway/testkit';
import { REPO_ROOT, SERVER_NODE_FLAGS, startBenchProcess } from './processes.ts';

/** A running split-mode gateway: an API process and a supervisor process over a private Redis. */
export interface SplitGateway {
  /** The API process's base URL. */
  url: string;
  /** The API process, the supervisor process and redis-server: what the split gateway spends. */
  pids: number[];
  stop(): Promise<void>;
}

/**
 * Starts the split mode with `env` for both roles (the API role with `LLM_ROLE=api`) and resolves
 * once the API sees the supervisor alive (and, for a pooled backend, a ready session).
 */
export async function startSplitGateway(env: Record<string, string>, timeoutMs = 30_000, options: { supervisorFromBuild?: boolean } = {}): Promise<SplitGateway> {
  const redis = await startRedisServer();
  const stops: Array<() => Promise<void>> = [() => redis.stop()];
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne();
  };
  try {
    const roleEnv = { ...env, REDIS_URL: redis.url, REDIS_PREFIX: 'bench' };
    const api = await startBenchProcess('bench/servers/embedded.mjs', { ...roleEnv, LLM_ROLE: 'api' });
    stops.push(api.stop);
    const supervisor = spawnSupervisor({ ...roleEnv, PORT: String(await freePort()) }, options.supervisorFromBuild ?? false);
    stops.push(() => stopChild(supervisor));
    await waitForSupervisor(api.url, supervisor, env.LLM_BACKEND === 'mock' || env.LLM_BACKEND === 'cli', timeoutMs);
    return { url: api.url, pids: [api.child.pid!, supervisor.pid!, redis.pid!], stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** On the sources under tsx, or (`fromBuild`) on packages/supervisor/dist with plain node, as production runs it. */
function spawnSupervisor(env: Record<string, string>, fromBuild: boolean): ChildProcess {
  const args = [...SERVER_NODE_FLAGS, ...(fromBuild ? ['packages/supervisor/dist/main.js'] : ['--conditions=development', '--import', 'tsx', 'packages/supervisor/src/main.ts'])];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Drained so a chatty supervisor never blocks on a full pipe.
  createInterface({ input: child.stdout! }).on('line', () => {});
  return child;
}

async function waitForSupervisor(apiUrl: string, child: ChildProcess, pooled: boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the supervisor exited with ${child.exitCode}`);
    const health = await fetch(`${apiUrl}/health`).then(
      (response) => response.json() as Promise<{ supervisors?: number; pool?: { ready: number } }>,
      () => undefined,
    );
    if ((health?.supervisors ?? 0) > 0 && (!pooled || (health?.pool?.ready ?? 0) > 0)) return;
    await sleep(100);
  }
  throw new Error(`the supervisor did not join the cluster within ${timeoutMs} ms`);
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
  });
}
