import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCliBackend, DEFAULT_CLI_HOST, type CliTurnStats, type HostKind } from '../packages/backends/src/index.ts';
import type { CompletionJob } from '../packages/shared/src/index.ts';
import { hostPooled } from '../packages/supervisor/src/pool/pooled-backend.ts';
import { runJob, type Executor } from '../packages/supervisor/src/run-job.ts';
import { bundledClaudePath } from '../packages/backends/src/cli/cli-command.ts';
import { cliArguments } from '../packages/backends/src/cli/cli-environment.ts';
import { startBenchProcess } from './lib/processes.ts';
import { fixed, table, type BenchSection } from './lib/report.ts';

/** Percentiles of a set of milliseconds. */
export interface Spread {
  p50: number;
  p95: number;
  count: number;
}

/** One process host's warm-pool figures. */
export interface WarmFigures {
  host: HostKind;
  /** Spawn until the CLI answered `initialize` (what pre-warming hides). */
  ready: Spread;
  /** A request through the pool and job runner, from submit to the finish part. */
  latency: Spread;
  /** The CLI's own `duration_ms` for the same turns. */
  cliTurn: Spread;
  /** Per request: latency minus the CLI's own turn time. */
  overhead: Spread;
  /** Resident memory of one warm session's processes, in MiB. */
  rssMiB: number;
}

/** What {@link benchCli} measured, besides the report section. */
export interface CliBenchResult extends BenchSection {
  warm: WarmFigures[];
  /** A fresh `claude -p` per request, spawn to exit. */
  cold: Spread;
}

export interface CliBenchOptions {
  /** Warm requests per host. @defaultValue 60 */
  warmRequests?: number;
  /** Fresh CLI processes. @defaultValue 8 */
  coldRequests?: number;
  /** Sessions started one after another per host, to time start-up. @defaultValue 4 */
  starts?: number;
  /** Hosts to measure, in this order. @defaultValue pipe, then pty */
  hosts?: HostKind[];
}

function spread(samples: readonly number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
  return { p50: at(0.5), p95: at(0.95), count: sorted.length };
}

/** VmRSS of a process and its descendants (the pty host adds a shell and `cat`), in MiB. */
async function treeRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  let total = rssKiB / 1024;
  for (const child of children.split(/\s+/).filter(Boolean)) total += await treeRssMiB(Number(child));
  return total;
}

/** The parent of a pid (for the pty host, whose session pid is the CLI under a shell). */
async function parentPid(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

function cliEnvironment(home: string, url: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: home, CLAUDE_CONFIG_DIR: join(home, '.claude'), ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'sk-ant-bench' };
}

async function measureWarm(host: HostKind, env: NodeJS.ProcessEnv, requests: number, starts: number): Promise<WarmFigures> {
  const turns = new Map<string, CliTurnStats>();
  const backend = createCliBackend({ host, env, onTurn: (stats) => turns.set(stats.sessionId, stats) });
  const ready: number[] = [];
  for (let index = 0; index < starts; index++) {
    const session = backend.createSession({ id: `start-${host}-${index}` });
    const started = performance.now();
    await session.start(AbortSignal.timeout(30_000));
    ready.push(performance.now() - started);
    await session.stop();
  }
  const pool = hostPooled({ backend, size: 2, maxOverflow: 0, keepAliveIntervalMs: 0 });
  pool.start();
  const executor = pool.execute;
  const latency: number[] = [];
  const cliTurn: number[] = [];
  const overhead: number[] = [];
  try {
    while (pool.sessions().filter((session) => session.status === 'ready').length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    for (let index = 0; index < requests + 10; index++) {
      const job: CompletionJob = {
        id: `bench-${index}`,
        requestId: `bench-${index}`,
        tenant: 'bench',
        backend: 'cli',
        request: { model: 'claude-sonnet', messages: [{ role: 'user', content: [{ type: 'text', text: `Hello number ${index}` }] }] },
        stream: true,
        deadline: Date.now() + 30_000,
        acceptedAt: Date.now(),
      };
      const started = performance.now();
      let sessionId = '';
      for await (const event of runJob(job, new AbortController().signal, { executor, supervisorId: 'bench' })) {
        if (event.type === 'job-started') sessionId = event.sessionId ?? '';
        if (event.type === 'error') throw new Error(event.error.message);
      }
      const elapsed = performance.now() - started;
      const turn = turns.get(sessionId);
      if (index < 10 || !turn) continue; // warm-up
      latency.push(elapsed);
      cliTurn.push(turn.durationMs);
      overhead.push(elapsed - turn.durationMs);
    }
    const pids = pool.sessions().map((session) => session.pid).filter((pid): pid is number => pid !== null);
    const roots = host === 'pty' ? await Promise.all(pids.map(parentPid)) : pids;
    const rss = await Promise.all(roots.map(treeRssMiB));
    return { host, ready: spread(ready), latency: spread(latency), cliTurn: spread(cliTurn), overhead: spread(overhead), rssMiB: rss.reduce((a, b) => a + b, 0) / rss.length };
  } finally {
    await pool.close();
  }
}

/** What other wrappers do: one `claude -p` process per request, spawn to exit. */
async function measureCold(env: NodeJS.ProcessEnv, requests: number): Promise<Spread> {
  const command = bundledClaudePath() ?? 'claude';
  const args = cliArguments().filter((argument) => argument !== '--include-partial-messages');
  // One prompt on the command line, the answer as one JSON result: the usual per-request wrapper.
  const oneShot = ['-p', 'Hello!', '--output-format', 'json', ...args.slice(args.indexOf('--tools'))];
  const cwd = await mkdtemp(join(tmpdir(), 'bench-cold-'));
  const samples: number[] = [];
  try {
    for (let index = 0; index < requests; index++) {
      const started = performance.now();
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(command, oneShot, { cwd, env, stdio: ['ignore', 'ignore', 'ignore'] });
        child.once('error', reject);
        child.once('exit', resolve);
      });
      if (code !== 0) throw new Error(`claude -p exited with ${code}`);
      samples.push(performance.now() - started);
    }
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
  return spread(samples);
}

/**
 * Issue 4's benchmark: the warm pool (both process hosts) against a fresh `claude -p` per
 * request, the real CLI against the fake Anthropic API in another process.
 */
export async function benchCli(options: CliBenchOptions = {}): Promise<CliBenchResult> {
  const { warmRequests = 60, coldRequests = 8, starts = 4, hosts = ['pipe', 'pty'] } = options;
  const fake = await startBenchProcess('bench/servers/fake-anthropic.ts');
  const home = await mkdtemp(join(tmpdir(), 'bench-cli-home-'));
  try {
    const env = cliEnvironment(home, fake.url);
    const warm: WarmFigures[] = [];
    for (const host of hosts) warm.push(await measureWarm(host, env, warmRequests, starts));
    const cold = await measureCold(env, coldRequests);
    return { ...report(warm, cold), warm, cold };
  } finally {
    await fake.stop();
    await rm(home, { recursive: true, force: true });
  }
}

function report(warm: WarmFigures[], cold: Spread): BenchSection {
  const rows = warm.map((figures) => [
    `warm pool, ${figures.host} host${figures.host === DEFAULT_CLI_HOST ? ' (default)' : ''}`,
    fixed(figures.latency.p50, 1),
    fixed(figures.latency.p95, 1),
    fixed(figures.cliTurn.p50, 1),
    `${fixed(figures.overhead.p50, 1)} / ${fixed(figures.overhead.p95, 1)}`,
    fixed(figures.ready.p50, 0),
    fixed(figures.rssMiB, 0),
  ]);
  rows.push(['fresh `claude -p` per request', fixed(cold.p50, 1), fixed(cold.p95, 1), '–', '–', '–', '–']);
  const chosen = warm.find((figures) => figures.host === DEFAULT_CLI_HOST) ?? warm[0]!;
  const ratio = cold.p50 / chosen.latency.p50;
  const markdown = [
    table(['path', 'p50 ms', 'p95 ms', 'CLI turn p50 ms', 'overhead p50 / p95 ms', 'spawn→ready ms', 'RSS/session MiB'], rows),
    '',
    `Real \`claude\` ${'2.1.332'} against the fake Anthropic API in its own process; ${chosen.latency.count} warm requests per host after 10 of warm-up, ${cold.count} cold ones.`,
    'Warm: through the session pool and the job runner (no HTTP); overhead = request latency minus the CLI\'s own `duration_ms`, per request.',
  ].join('\n');
  return {
    title: 'CLI backend: warm pool vs a fresh CLI per request',
    markdown,
    headlines: [
      `cli: warm p50 ${fixed(chosen.latency.p50, 1)} ms vs ${fixed(cold.p50, 0)} ms for a fresh \`claude -p\` (${fixed(ratio, 1)}× faster; target ≥ 5×)`,
      `cli: gateway overhead over the CLI's own turn time p50 ${fixed(chosen.overhead.p50, 1)} ms (target ≤ 15 ms); ${fixed(chosen.rssMiB, 0)} MiB RSS per session`,
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchCli();
  console.log(`\n## ${result.title}\n\n${result.markdown}\n\n${result.headlines.map((line) => `- ${line}`).join('\n')}`);
}
