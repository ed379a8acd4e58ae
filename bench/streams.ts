import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { rssBytes } from '@llm-gateway/testkit';
import { processCpuMicros } from './lib/measure.ts';
import { startPortkeyGateway } from './lib/portkey-gateway.ts';
import { REPO_ROOT, startBenchProcess, stopChild } from './lib/processes.ts';
import { fixed, table, type BenchSection } from './lib/report.ts';
import { startSplitGateway } from './lib/split-gateway.ts';

const API_KEY = 'sk-ant-bench';
const UPSTREAM_MODEL = 'claude-sonnet-4-6';

/** One load: `streams` concurrent streams of `deltas` text deltas `intervalMs` apart. */
interface Load {
  streams: number;
  intervalMs: number;
  deltas: number;
}

interface Path {
  name: string;
  url: string;
  headers: Record<string, string>;
  model: string;
  /** Every server process of the path: their CPU and RSS are the path's. */
  pids: number[];
}

interface Figures {
  path: string;
  load: Load;
  cpuMicrosPerChunk: number;
  /** The highest RSS while every stream was open, over the path's RSS after warm-up, per stream. */
  rssPerStreamKiB: number;
  /** The highest RSS while every stream was open (all the path's processes). */
  peakRssMiB: number;
  /** The first stream ended before the last had started: RSS was sampled once, with some streams gone. */
  windowMissed: boolean;
  firstByteP50: number;
  firstByteP99: number;
  gapP50: number;
  gapP99: number;
  failures: number;
  reasons: Record<string, number>;
}

interface LoadResult {
  chunks: number;
  failures: number;
  reasons: Record<string, number>;
  firstByteP50: number;
  firstByteP99: number;
  gapP50: number;
  gapP99: number;
}

const totalRss = (pids: readonly number[]) => pids.reduce((sum, pid) => sum + (rssBytes(pid) ?? 0), 0);
const totalCpu = (pids: readonly number[]) => pids.reduce((sum, pid) => sum + processCpuMicros(pid), 0);

/**
 * Runs the load generator (bench/lib/stream-load.mjs) in its own process against one path.
 * `idleRss`: the path's RSS after warm-up, the baseline of every load (a sample just before each
 * load would count only growth beyond what the loads before it left behind).
 */
async function runLoad(path: Path, load: Load, idleRss = totalRss(path.pids)): Promise<Figures> {
  const body = JSON.stringify({ model: path.model, max_tokens: 1024, stream: true, messages: [{ role: 'user', content: 'Stream, please.' }] });
  const spec = { url: `${path.url}/v1/chat/completions`, body, headers: path.headers, ...load, rampMs: Math.min(load.streams, 2_000) };
  const cpuBefore = totalCpu(path.pids);
  const child = spawn(process.execPath, ['bench/lib/stream-load.mjs', JSON.stringify(spec)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  // The highest RSS while every stream is open: sampled from the moment the last stream has its
  // first chunk until the first one ends (one sample taken at GC's mercy understated it).
  let rssOpen = 0;
  let sampler: ReturnType<typeof setInterval> | undefined;
  let closing = false;
  let windowMissed = false;
  const sample = () => (rssOpen = Math.max(rssOpen, totalRss(path.pids)));
  let result: LoadResult | undefined;
  try {
    for await (const line of createInterface({ input: child.stdout! })) {
      const message = JSON.parse(line) as { phase?: string; result?: LoadResult };
      if (message.phase === 'open') {
        sample();
        if (closing) windowMissed = true;
        else sampler = setInterval(sample, 50);
      }
      if (message.phase === 'closing') {
        closing = true;
        clearInterval(sampler);
      }
      if (message.result) result = message.result;
    }
  } finally {
    clearInterval(sampler);
    await stopChild(child);
  }
  if (!result) throw new Error(`the load generator gave no result for ${path.name}`);
  const cpu = totalCpu(path.pids) - cpuBefore;
  return {
    path: path.name,
    load,
    cpuMicrosPerChunk: result.chunks > 0 ? cpu / result.chunks : Number.NaN,
    rssPerStreamKiB: Math.max(0, rssOpen - idleRss) / 1024 / load.streams,
    peakRssMiB: rssOpen / 1024 / 1024,
    windowMissed,
    firstByteP50: result.firstByteP50,
    firstByteP99: result.firstByteP99,
    gapP50: result.gapP50,
    gapP99: result.gapP99,
    failures: result.failures,
    reasons: result.reasons,
  };
}

async function setPace(upstreamUrl: string, load: Load): Promise<void> {
  await fetch(`${upstreamUrl}/pace`, { method: 'POST', body: JSON.stringify({ intervalMs: load.intervalMs, deltas: load.deltas }) });
}

export interface StreamsBenchOptions {
  /** `BENCH_QUICK=1`: one round of 100 and 500 fast and 500 slow streams, for iterating. @defaultValue BENCH_QUICK */
  quick?: boolean;
  /** Rounds per load; the median round counts. @defaultValue 1 quick, 2 otherwise */
  rounds?: number;
}

/**
 * Issue 15's benchmark: paced streams (bench/servers/paced-anthropic.mjs, 40 text deltas) through
 * the embedded gateway, the split mode (with `LLM_DIRECT_DISPATCH` local and supervisor), Portkey
 * 1.15 and a plain node:http SSE relay (the floor), taking turns path by path within each load.
 * The gateways run the production build (plain node on packages/*\/dist).
 */
export async function benchStreams(options: StreamsBenchOptions = {}): Promise<BenchSection> {
  const quick = options.quick ?? process.env.BENCH_QUICK === '1';
  const rounds = options.rounds ?? (quick ? 1 : 2);
  const loads: Load[] = [
    { streams: 100, intervalMs: 25, deltas: 40 },
    { streams: 500, intervalMs: 25, deltas: 40 },
    { streams: quick ? 500 : 2_000, intervalMs: 250, deltas: 40 },
  ];
  const running: Array<{ stop(): Promise<void> }> = [];
  try {
    const upstream = await startBenchProcess('bench/servers/paced-anthropic.mjs');
    running.push(upstream);
    const gatewayEnv = { LLM_BACKEND: 'api', ANTHROPIC_API_KEY: API_KEY, ANTHROPIC_BASE_URL: upstream.url, LOG_LEVEL: 'warn', LLM_REQUEST_TIMEOUT: '120' };
    const relay = await startBenchProcess('bench/servers/sse-relay.mjs', { UPSTREAM_URL: upstream.url });
    running.push(relay);
    const embedded = await startBenchProcess('bench/servers/embedded.mjs', gatewayEnv);
    running.push(embedded);
    const splitLocal = await startSplitGateway({ ...gatewayEnv, LLM_DIRECT_DISPATCH: 'local' }, 30_000, { supervisorFromBuild: true });
    running.push(splitLocal);
    const splitSupervisor = await startSplitGateway({ ...gatewayEnv, LLM_DIRECT_DISPATCH: 'supervisor' }, 30_000, { supervisorFromBuild: true });
    running.push(splitSupervisor);
    const portkey = await startPortkeyGateway();
    running.push(portkey);

    const paths: Path[] = [
      { name: 'plain node:http SSE relay (floor)', url: relay.url, headers: {}, model: UPSTREAM_MODEL, pids: [relay.child.pid!] },
      { name: 'gateway embedded', url: embedded.url, headers: {}, model: 'claude-sonnet', pids: [embedded.child.pid!] },
      { name: 'gateway split, direct jobs in the API replica (local)', url: splitLocal.url, headers: {}, model: 'claude-sonnet', pids: splitLocal.pids },
      { name: 'gateway split, direct jobs through Redis (supervisor)', url: splitSupervisor.url, headers: {}, model: 'claude-sonnet', pids: splitSupervisor.pids },
      { name: 'Portkey 1.15', url: portkey.url, headers: portkey.anthropicHeaders(upstream.url, API_KEY), model: UPSTREAM_MODEL, pids: [portkey.pid] },
    ];
    // Warm-up, not measured: connection pools, and the JIT. V8 keeps optimising a gateway's
    // request path for a couple of thousand requests (measured: CPU per request fell from 2.3 to
    // 0.87 ms over eight rounds of 300 streams); a long-running gateway is past that, so each path
    // gets 2,400 short streams first.
    const warmUp: Load = { streams: 300, intervalMs: 5, deltas: 10 };
    await setPace(upstream.url, warmUp);
    for (const path of paths) for (let round = 0; round < 8; round++) await runLoad(path, warmUp);
    // Each path's RSS once its warm-up streams have closed: the baseline of its RSS per stream.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const idleRss = new Map(paths.map((path) => [path.name, totalRss(path.pids)]));

    const figures: Figures[] = [];
    for (const load of loads) {
      await setPace(upstream.url, load);
      const perPath = new Map<string, Figures[]>();
      for (let round = 0; round < rounds; round++) {
        for (const path of paths) {
          const result = await runLoad(path, load, idleRss.get(path.name));
          console.log(`  ${load.streams} × ${load.intervalMs} ms, ${path.name}: ${fixed(result.cpuMicrosPerChunk, 0)} µs/chunk, ${result.failures} failures`);
          perPath.set(path.name, [...(perPath.get(path.name) ?? []), result]);
        }
      }
      for (const path of paths) figures.push(median(perPath.get(path.name)!));
    }
    return report(figures, rounds, quick);
  } finally {
    for (const process of running.reverse()) await process.stop();
  }
}

/**
 * The round with the median CPU per chunk, with the failures of every round (none hidden) and the
 * highest RSS of any round.
 */
function median(results: Figures[]): Figures {
  const sorted = [...results].sort((a, b) => a.cpuMicrosPerChunk - b.cpuMicrosPerChunk);
  const reasons: Record<string, number> = {};
  for (const result of results) for (const [reason, count] of Object.entries(result.reasons)) reasons[reason] = (reasons[reason] ?? 0) + count;
  const failures = results.reduce((sum, result) => sum + result.failures, 0);
  return {
    ...sorted[Math.floor((sorted.length - 1) / 2)]!,
    failures,
    reasons,
    rssPerStreamKiB: Math.max(...results.map((result) => result.rssPerStreamKiB)),
    peakRssMiB: Math.max(...results.map((result) => result.peakRssMiB)),
    windowMissed: results.some((result) => result.windowMissed),
  };
}

function report(figures: Figures[], rounds: number, quick: boolean): BenchSection {
  const relayOf = (load: Load) => figures.find((figure) => figure.load === load && figure.path.startsWith('plain'))!;
  const rows = figures.map((figure) => {
    const relay = relayOf(figure.load);
    const failures = figure.failures === 0 ? '0' : `${figure.failures} (${Object.entries(figure.reasons).map(([reason, count]) => `${count}× ${reason}`).join(', ')})`;
    return [
      `${figure.load.streams} × ${figure.load.intervalMs} ms`,
      figure.path,
      fixed(figure.cpuMicrosPerChunk, 0),
      `${fixed(figure.cpuMicrosPerChunk / relay.cpuMicrosPerChunk, 2)}×`,
      `${fixed(figure.rssPerStreamKiB, 1)}${figure.windowMissed ? ' †' : ''}`,
      fixed(figure.peakRssMiB, 0),
      `${fixed(figure.firstByteP50, 1)} / ${fixed(figure.firstByteP99, 1)}`,
      `${fixed(figure.gapP50, 1)} / ${fixed(figure.gapP99, 1)}`,
      failures,
    ];
  });
  const ratio = (prefix: string, load: Load) => {
    const figure = figures.find((candidate) => candidate.load === load && candidate.path.startsWith(prefix));
    return figure ? figure.cpuMicrosPerChunk / relayOf(load).cpuMicrosPerChunk : Number.NaN;
  };
  const fast = figures[0]!.load;
  const slow = figures.at(-1)!.load;
  const embeddedSlow = figures.find((figure) => figure.load === slow && figure.path === 'gateway embedded')!;
  const headlines = [
    `streams (${fast.streams} × ${fast.intervalMs} ms): CPU per chunk ${fixed(ratio('gateway embedded', fast), 2)}× the plain relay's embedded (target ≤ 1.25×), ${fixed(ratio('gateway split, direct jobs in the API', fast), 2)}× split with direct jobs in the API replica, ${fixed(ratio('gateway split, direct jobs through', fast), 2)}× through the supervisors (target ≤ 2×), ${fixed(ratio('Portkey', fast), 2)}× Portkey`,
    `streams: ${slow.streams} slow streams embedded: ${embeddedSlow.failures} failures, ${fixed(embeddedSlow.rssPerStreamKiB, 1)} KiB RSS per open stream (target 0 and ≤ 64 KiB)`,
  ];
  const markdown = [
    table(['load', 'path', 'CPU µs/chunk', '× relay', 'RSS KiB/stream', 'peak RSS MiB', 'added first byte p50 / p99 ms', 'added inter-chunk p50 / p99 ms', 'failures'], rows),
    '',
    `Each stream: 40 text deltas from bench/servers/paced-anthropic.mjs, the first at once, then one per interval; starts spread over min(streams, 2,000) ms; a new connection per stream. CPU: user + system of every server process of the path (split: API, supervisor and redis-server) over the load, per content chunk the client received. RSS per stream: the path's highest RSS while every stream is open (sampled every 50 ms from the last stream's first chunk to the first stream's end; the highest of the rounds) minus its RSS after warm-up, over the streams; † where the first stream ended before the last began, so RSS was sampled once with some streams gone. Peak RSS: that highest RSS, all the path's processes together. Added first byte: request sent to first content chunk (the upstream sends its first delta at once); added inter-chunk: gap between content chunks minus the upstream's interval. The load generator runs in its own process. ${rounds} round(s) per load taking turns across paths, the median round shown (failures: all rounds together)${quick ? ' (quick mode)' : ''}.`,
  ].join('\n');
  return { title: 'Streaming at scale: paced streams through the gateway, Portkey and a plain relay', markdown, headlines };
}

// `tsx bench/streams.ts` runs this section alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const section = await benchStreams();
  console.log(`## ${section.title}\n\n${section.markdown}\n\n${section.headlines.map((line) => `- ${line}`).join('\n')}`);
}
