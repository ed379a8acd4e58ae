import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startRedisServer } from '@llm-gateway/testkit';
import { loadTest, sequentialLatency, type BenchRequest, type LatencySummary, type LoadSummary } from './lib/measure.ts';
import { REPO_ROOT, startBenchProcess, stopChild, type BenchProcess } from './lib/processes.ts';
import { fixed, table, type BenchSection } from './lib/report.ts';

const BODY = JSON.stringify({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'Hello!' }] });

/** Same pool on both sides, so only the hop through Redis differs. */
const POOL_ENV = { LLM_BACKEND: 'mock', LLM_POOL_SIZE: '8', LLM_MAX_OVERFLOW: '0', LOG_LEVEL: 'warn' };

export interface SplitBenchOptions {
  /** Seconds per autocannon run. @defaultValue 5 */
  durationSeconds?: number;
  /** @defaultValue [1, 64] */
  connections?: number[];
}

interface ModeFigures {
  latency: LatencySummary;
  loads: LoadSummary[];
}

/** Spawns the supervisor role and resolves once the API sees it alive. */
async function startSupervisor(env: Record<string, string>, apiUrl: string): Promise<{ child: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'packages/supervisor/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = () => stopChild(child);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the supervisor exited with ${child.exitCode}`);
    const health = await fetch(`${apiUrl}/health`).then((response) => response.json() as Promise<{ supervisors?: number; pool?: { ready: number } }>, () => undefined);
    if ((health?.supervisors ?? 0) > 0 && (health?.pool?.ready ?? 0) > 0) return { child, stop };
    await sleep(100);
  }
  await stop();
  throw new Error('the supervisor did not join the cluster within 30 s');
}

async function measure(url: string, connections: number[], durationSeconds: number): Promise<ModeFigures> {
  const request: BenchRequest = { url: `${url}/v1/chat/completions`, body: BODY };
  const latency = await sequentialLatency(request);
  const loads: LoadSummary[] = [];
  for (const count of connections) loads.push(await loadTest(request, count, durationSeconds));
  return { latency, loads };
}

/**
 * Issue 3's benchmark: the split mode (API process → private Redis → supervisor process, mock
 * backend) against the embedded mode (one process, in-process dispatcher), measured in one run.
 * Targets: added p50 at 1 connection ≤ 2 ms; ≥ 1,500 req/s and p99 ≤ 60 ms at 64 connections.
 */
export async function benchSplit(options: SplitBenchOptions = {}): Promise<BenchSection> {
  const { durationSeconds = 5, connections = [1, 64] } = options;
  const redis = await startRedisServer();
  const processes: Array<{ stop(): Promise<void> }> = [];
  try {
    const embedded: BenchProcess = await startBenchProcess('bench/servers/embedded.ts', { ...POOL_ENV, REDIS_URL: '' });
    processes.push(embedded);
    const splitEnv = { ...POOL_ENV, REDIS_URL: redis.url, REDIS_PREFIX: 'bench' };
    const api = await startBenchProcess('bench/servers/embedded.ts', { ...splitEnv, LLM_ROLE: 'api' });
    processes.push(api);
    processes.push(await startSupervisor(splitEnv, api.url));

    const embeddedFigures = await measure(embedded.url, connections, durationSeconds);
    const splitFigures = await measure(api.url, connections, durationSeconds);
    return report(embeddedFigures, splitFigures, durationSeconds);
  } finally {
    await Promise.all(processes.map((process) => process.stop()));
    await redis.stop();
  }
}

function report(embedded: ModeFigures, split: ModeFigures, durationSeconds: number): BenchSection {
  const rows: Array<Array<string | number>> = [
    ['embedded', '1 (sequential)', fixed(embedded.latency.p50, 3), fixed(embedded.latency.p99, 3), '-', '-'],
    ['split (API + Redis + supervisor)', '1 (sequential)', fixed(split.latency.p50, 3), fixed(split.latency.p99, 3), '-', '-'],
  ];
  embedded.loads.forEach((load, index) => {
    const other = split.loads[index]!;
    rows.push(['embedded', load.connections, load.p50, load.p99, fixed(load.requestsPerSecond, 0), load.errors + load.non2xx]);
    rows.push(['split (API + Redis + supervisor)', other.connections, other.p50, other.p99, fixed(other.requestsPerSecond, 0), other.errors + other.non2xx]);
  });
  const addedP50 = split.latency.p50 - embedded.latency.p50;
  const at64 = split.loads.find((load) => load.connections === 64);
  const targets = [
    `Added p50 at 1 connection: **${fixed(addedP50, 3)} ms** (target ≤ 2 ms).`,
    ...(at64
      ? [`Split at 64 connections: **${fixed(at64.requestsPerSecond, 0)} req/s** (target ≥ 1,500), p99 **${at64.p99} ms** (target ≤ 60 ms).`]
      : []),
  ];
  return {
    title: 'Split mode (API process + Redis + supervisor process) vs embedded (mock backend)',
    markdown: [
      table(['mode', 'connections', 'p50 ms', 'p99 ms', 'req/s', 'errors'], rows),
      '',
      `Same pool on both sides (LLM_POOL_SIZE=8, no overflow). Sequential rows: 2,000 requests on one keep-alive socket after 200 warm-up, microsecond timer; other rows: autocannon, ${durationSeconds} s, whole milliseconds. Replies come back over one Redis pub/sub channel per API process, deltas batched every 4 ms.`,
      ...targets,
    ].join('\n'),
    headlines: [
      `split mode adds ${fixed(addedP50, 3)} ms p50 at 1 connection over the embedded mode`,
      ...(at64 ? [`split mode at 64 connections: ${fixed(at64.requestsPerSecond, 0)} req/s, p99 ${at64.p99} ms`] : []),
    ],
  };
}

// `tsx bench/split.ts` runs this section alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const section = await benchSplit();
  console.log(`## ${section.title}\n\n${section.markdown}`);
}
