import { readdirSync } from 'node:fs';
import { queueCounts, redisMemory, type QueueCounts } from '@llm-gateway/faults';
import { rssBytes } from '@llm-gateway/testkit';
import type { SoakTopology } from './topology.ts';

/** One process's figures at one moment. */
export interface ProcessFigures {
  rss: number;
  /** Open file descriptors (/proc/PID/fd). */
  fds: number;
  /** `nodejs_active_handles_total` from its /metrics, for Node processes. */
  handles?: number;
  /** `nodejs_heap_size_used_bytes` from its /metrics, for Node processes. */
  heapUsed?: number;
}

export interface SoakSample {
  /** ms since the traffic started. */
  atMs: number;
  processes: Record<string, ProcessFigures>;
  redisUsedMemory: number;
  queues: Record<string, QueueCounts>;
  claudeCount: number;
}

function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return Number.NaN;
  }
}

/** Reads one gauge (summed over its label sets) from Prometheus text. */
function gauge(text: string, name: string): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

async function nodeFigures(pid: number, metricsUrl: string): Promise<ProcessFigures> {
  const figures: ProcessFigures = { rss: rssBytes(pid) ?? Number.NaN, fds: openFds(pid) };
  try {
    const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(3_000) });
    const text = await response.text();
    const handles = gauge(text, 'nodejs_active_handles_total');
    const heapUsed = gauge(text, 'nodejs_heap_size_used_bytes');
    if (handles !== undefined) figures.handles = handles;
    if (heapUsed !== undefined) figures.heapUsed = heapUsed;
  } catch {
    // a missed scrape leaves the gaps as they are
  }
  return figures;
}

/** Samples every process of the topology, Redis and the queues. */
export async function takeSample(topology: SoakTopology, atMs: number): Promise<SoakSample> {
  const processes: Record<string, ProcessFigures> = {};
  const nodes = [
    ['api (mock)', topology.mock.apis[0]!],
    ['supervisor (mock)', topology.mock.supervisors[0]!],
    ['api (cli)', topology.cli.apis[0]!],
    ['supervisor (cli)', topology.cli.supervisors[0]!],
  ] as const;
  await Promise.all(nodes.map(async ([name, process]) => (processes[name] = await nodeFigures(process.pid, `${process.url}/metrics`))));
  const claude = topology.claudeProcesses();
  processes['claude (sum)'] = {
    rss: claude.reduce((sum, entry) => sum + (rssBytes(entry.pid) ?? 0), 0),
    fds: claude.reduce((sum, entry) => sum + (openFds(entry.pid) || 0), 0),
  };
  const redisPid = topology.redis.pid;
  if (redisPid !== null) processes['redis-server'] = { rss: rssBytes(redisPid) ?? Number.NaN, fds: openFds(redisPid) };
  const [memory, mockQueue, cliQueue] = await Promise.all([
    redisMemory(topology.redis.url),
    queueCounts(topology.redis.url, topology.mock.prefix),
    queueCounts(topology.redis.url, topology.cli.prefix),
  ]);
  return { atMs, processes, redisUsedMemory: memory.usedMemory, queues: { mock: mockQueue, cli: cliQueue }, claudeCount: claude.length };
}
