import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * What `pnpm start` and the images pass to node (package.json, Dockerfile): a 32 MiB young
 * generation, so an open stream's per-chunk objects (which live until its next chunk) die young
 * rather than filling the old generation (`pnpm bench -- streams`, bench/RESULTS.md). Every server
 * process of the benches runs with it, the plain floors and Portkey included: they compare code,
 * not runtime flags.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];

/** SIGTERM, then SIGKILL after 5 s; resolves once the child has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
  });
}

export interface BenchProcess {
  child: ChildProcess;
  /** What the process printed as `{"url": ...}` once it listened. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts a server script and waits for the JSON line `{"url":"..."}` it prints once listening.
 * Everything else it prints is discarded. A `.mjs` script runs on plain node (on the compiled
 * packages, as production does); a TypeScript one under tsx on the sources.
 */
export function startBenchProcess(script: string, env: Record<string, string> = {}, timeoutMs = 30_000): Promise<BenchProcess> {
  const args = [...SERVER_NODE_FLAGS, ...(script.endsWith('.mjs') ? [script] : ['--conditions=development', '--import', 'tsx', script])];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = () => stopChild(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${script} did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (!line.startsWith('{"url"')) return;
      clearTimeout(timer);
      resolve({ child, url: (JSON.parse(line) as { url: string }).url, stop });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before listening`));
    });
  });
}
