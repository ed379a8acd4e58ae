import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { processCpuMicros } from './lib/measure.ts';
import { REPO_ROOT, startBenchProcess, stopChild, type BenchProcess } from './lib/processes.ts';
import { fixed, table } from './lib/report.ts';

/**
 * Where a streamed chunk's CPU goes, by layer, for the embedded gateway and the plain relay of
 * `pnpm bench -- streams`: `perf record -g` on the server process during one load (300 streams ×
 * 40 deltas, 25 ms apart, after 6 warm-up loads), each sample charged to the first frame from the
 * leaf up that names a layer. Needs Linux `perf` (Debian: linux-perf) and the right to profile.
 * Run: `npx tsx --conditions=development bench/stream-profile.ts` (after `pnpm build`).
 */
const LOAD = { streams: 300, intervalMs: 25, deltas: 40 };

const LAYERS: ReadonlyArray<readonly [string, RegExp]> = [
  ['V8 garbage collector', /Scavenger|MarkCompact|Heap::|GCTracer|ConcurrentMarking|Sweeper|MinorMark/],
  ['V8 optimising compiler', /v8::internal::compiler|v8::internal::maglev|OptimizingCompile/],
  ['zod (request validation)', /\/zod@/],
  ['Anthropic SDK (request building)', /@anthropic-ai\+sdk/],
  ['undici (upstream HTTP client)', /\/undici@|node:internal\/deps\/undici/],
  ['hono + @hono/node-server', /\/hono@|@hono\+node-server/],
  ['gateway: api package (routes, SSE writer)', /packages\/api\/dist/],
  ['gateway: supervisor package (runJob)', /packages\/supervisor\/dist/],
  ['gateway: backends package (SSE reader, translator, fetch)', /packages\/backends\/dist/],
  ['gateway: shared package', /packages\/shared\/dist/],
  ['relay script', /sse-relay\.mjs/],
  ['node:http server and client, streams, net', /node:_http|node:net|node:internal\/streams|node:internal\/stream_base/],
];

/** The layer of one sample's stack (leaf first). */
function layerOf(stack: readonly string[]): string {
  if (stack[0]?.includes('[kernel')) {
    const frames = stack.join(' ');
    if (frames.includes('writev')) return 'kernel: writev (one per chunk and stream)';
    if (/ksys_read|sys_read\b/.test(frames)) return 'kernel: read';
    return 'kernel: epoll, accept, close, other';
  }
  for (const frame of stack) for (const [name, pattern] of LAYERS) if (pattern.test(frame)) return name;
  return 'node/V8 runtime (promises, microtasks, builtins)';
}

function layersOf(perfScript: string): Map<string, number> {
  const counts = new Map<string, number>();
  let stack: string[] = [];
  const flush = () => {
    if (stack.length > 0) counts.set(layerOf(stack), (counts.get(layerOf(stack)) ?? 0) + 1);
    stack = [];
  };
  for (const line of perfScript.split('\n')) {
    if (line.trim() === '') flush();
    else if (line.startsWith(' ') || line.startsWith('\t')) stack.push(line.trim());
  }
  flush();
  return counts;
}

async function runLoad(url: string, model: string): Promise<void> {
  const body = JSON.stringify({ model, max_tokens: 1024, stream: true, messages: [{ role: 'user', content: 'Stream, please.' }] });
  const spec = { url: `${url}/v1/chat/completions`, body, headers: {}, ...LOAD, rampMs: LOAD.streams };
  const child = spawn(process.execPath, ['bench/lib/stream-load.mjs', JSON.stringify(spec)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  for await (const line of createInterface({ input: child.stdout! })) {
    const failures = (JSON.parse(line) as { result?: { failures: number } }).result?.failures ?? 0;
    if (failures > 0) throw new Error(`${failures} streams failed`);
  }
  await stopChild(child);
}

interface Profile {
  name: string;
  cpuPerChunk: number;
  /** Samples per layer. */
  layers: Map<string, number>;
}

async function profile(server: BenchProcess, model: string, name: string): Promise<Profile> {
  for (let round = 0; round < 6; round++) await runLoad(server.url, model);
  const data = join(tmpdir(), `stream-profile-${process.pid}.data`);
  const recorder = spawn('perf', ['record', '-F', '2000', '-g', '-p', String(server.child.pid), '-o', data], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const cpuBefore = processCpuMicros(server.child.pid!);
  await runLoad(server.url, model);
  const cpu = processCpuMicros(server.child.pid!) - cpuBefore;
  recorder.kill('SIGINT');
  await new Promise((resolve) => recorder.once('exit', resolve));
  const script = execFileSync('perf', ['script', '-i', data], { maxBuffer: 1 << 30, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  rmSync(data, { force: true });
  return { name, cpuPerChunk: cpu / (LOAD.streams * LOAD.deltas), layers: layersOf(script) };
}

const upstream = await startBenchProcess('bench/servers/paced-anthropic.mjs');
try {
  await fetch(`${upstream.url}/pace`, { method: 'POST', body: JSON.stringify({ intervalMs: LOAD.intervalMs, deltas: LOAD.deltas }) });
  // --perf-basic-prof: perf can name JIT-compiled JavaScript frames.
  const profiled = { NODE_OPTIONS: '--perf-basic-prof' };
  const results: Profile[] = [];
  for (const [script, model, name] of [
    ['bench/servers/embedded.mjs', 'claude-sonnet', 'gateway embedded'],
    ['bench/servers/sse-relay.mjs', 'claude-sonnet-4-6', 'plain relay'],
  ] as const) {
    const server = await startBenchProcess(script, { ...profiled, UPSTREAM_URL: upstream.url, LLM_BACKEND: 'api', ANTHROPIC_API_KEY: 'sk-ant-bench', ANTHROPIC_BASE_URL: upstream.url, LOG_LEVEL: 'warn' });
    try {
      results.push(await profile(server, model, name));
    } finally {
      await server.stop();
      // What --perf-basic-prof leaves behind: the perf map, and V8's log in the working directory.
      rmSync(`/tmp/perf-${server.child.pid}.map`, { force: true });
      for (const file of readdirSync(REPO_ROOT)) if (file.startsWith('isolate-') && file.endsWith(`-${server.child.pid}-v8.log`)) rmSync(join(REPO_ROOT, file), { force: true });
    }
  }
  const names = [...new Set(results.flatMap((result) => [...result.layers.keys()]))];
  const share = (result: Profile, layer: string) => {
    const total = [...result.layers.values()].reduce((sum, count) => sum + count, 0);
    return ((result.layers.get(layer) ?? 0) / total) * result.cpuPerChunk;
  };
  names.sort((a, b) => share(results[0]!, b) - share(results[0]!, a));
  console.log(
    table(
      ['layer', ...results.map((result) => `${result.name} µs/chunk`)],
      [...names.map((layer) => [layer, ...results.map((result) => fixed(share(result, layer), 1))]), ['total (CPU from /proc)', ...results.map((result) => fixed(result.cpuPerChunk, 1))]],
    ),
  );
} finally {
  await upstream.stop();
}
