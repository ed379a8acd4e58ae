import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { descendants, freePort, rssBytes, sleep } from '@llm-gateway/testkit';
import { REPO_ROOT } from './lib/processes.ts';
import { fixed, table, type BenchSection } from './lib/report.ts';

/**
 * Start-up of the all-in-one gateway (mock backend) four ways, taking turns: `pnpm dev` (what
 * `pnpm start` ran before the build: pnpm → tsx → node + esbuild), `pnpm start` (pnpm → node on
 * dist/, after an up-to-date check of the build), and the two programs without pnpm. Per run: time
 * from spawn to the first 200 from `/health`, then, after a second's rest, the resident memory of
 * the whole process tree and its process count; then SIGTERM, which each must survive with exit 0.
 * `pnpm build` must have run (`pnpm bench` does it).
 */
const MODES = {
  'pnpm dev (tsx)': ['pnpm', ['dev']],
  'pnpm start (node)': ['pnpm', ['start']],
  'tsx src/main.ts': ['node_modules/.bin/tsx', ['--conditions=development', 'packages/api/src/main.ts']],
  'node dist/main.js': [process.execPath, ['--enable-source-maps', '--max-semi-space-size=32', 'packages/api/dist/main.js']],
} as const satisfies Record<string, readonly [string, readonly string[]]>;

type Mode = keyof typeof MODES;

interface StartupRun {
  healthyMs: number;
  rssMiB: number;
  processes: number;
  exitCode: number | null;
}

async function startOnce(mode: Mode): Promise<StartupRun> {
  const port = await freePort();
  const [command, args] = MODES[mode];
  const startedAt = performance.now();
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, LLM_BACKEND: 'mock', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    let healthyMs = Number.NaN;
    while (performance.now() - startedAt < 30_000 && child.exitCode === null) {
      const status = await fetch(`http://127.0.0.1:${port}/health`).then((response) => response.status, () => 0);
      if (status === 200) {
        healthyMs = performance.now() - startedAt;
        break;
      }
      await sleep(10);
    }
    await sleep(1_000);
    const tree = [child.pid!, ...descendants(child.pid!).map((entry) => entry.pid)];
    const rss = tree.reduce((sum, pid) => sum + (rssBytes(pid) ?? 0), 0);
    child.kill('SIGTERM');
    const exitCode = await Promise.race([exited, sleep(15_000).then(() => null)]);
    return { healthyMs, rssMiB: rss / 2 ** 20, processes: tree.length, exitCode };
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is gone
    }
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function benchStartup(rounds = Number(process.env.BENCH_STARTUP_ROUNDS ?? 5)): Promise<BenchSection> {
  const modes = Object.keys(MODES) as Mode[];
  const runs = new Map<Mode, StartupRun[]>(modes.map((mode) => [mode, []]));
  // One warm-up each (tsx's compile cache, the page cache), then the modes take turns.
  for (const mode of modes) await startOnce(mode);
  for (let round = 0; round < rounds; round++) {
    for (const mode of modes) runs.get(mode)!.push(await startOnce(mode));
  }
  const rows = modes.map((mode) => {
    const list = runs.get(mode)!;
    const exits = [...new Set(list.map((run) => String(run.exitCode)))].join(', ');
    return [`\`${mode}\``, fixed(median(list.map((run) => run.healthyMs)) / 1000), fixed(median(list.map((run) => run.rssMiB)), 0), median(list.map((run) => run.processes)), exits];
  });
  const healthy = (mode: Mode) => median(runs.get(mode)!.map((run) => run.healthyMs));
  const rss = (mode: Mode) => median(runs.get(mode)!.map((run) => run.rssMiB));
  return {
    title: 'Start-up: tsx against the compiled build',
    markdown: [
      table(['command', 'spawn → /health 200 (s)', 'RSS of the process tree (MiB)', 'processes', 'exit code after SIGTERM'], rows),
      '',
      `Medians of ${rounds} interleaved runs each (after one warm-up), mock backend, all-in-one. \`pnpm start\` includes its up-to-date check of the build (\`tsc -b\`); tsx's compile cache is warm.`,
    ].join('\n'),
    headlines: [
      `start-up: \`pnpm start\` healthy in ${fixed(healthy('pnpm start (node)') / 1000)} s with ${fixed(rss('pnpm start (node)'), 0)} MiB, against ${fixed(healthy('pnpm dev (tsx)') / 1000)} s and ${fixed(rss('pnpm dev (tsx)'), 0)} MiB under tsx`,
    ],
  };
}

// `tsx --conditions=development bench/startup.ts` runs this section alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchStartup();
  console.log(`## ${result.title}\n\n${result.markdown}\n\n${result.headlines.join('\n')}`);
}
