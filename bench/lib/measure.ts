import { readFileSync } from 'node:fs';
import http from 'node:http';
import autocannon from 'autocannon';

export interface LatencySummary {
  p50: number;
  p99: number;
  /** Requests measured. */
  count: number;
}

export interface LoadSummary {
  connections: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** CPU time the server spent per request, when its pid was given: steadier than req/s on a shared machine. */
  cpuMicrosPerRequest?: number;
}

/** User + system CPU time of a process so far, in microseconds (Linux /proc; clock ticks of 10 ms). */
export function processCpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

export interface BenchRequest {
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

/**
 * Latency at one connection with microsecond resolution (autocannon rounds to whole
 * milliseconds): `count` requests one after another on one keep-alive socket, timed to the last
 * byte of the answer, or to its first byte (time to first streamed byte).
 */
export async function sequentialLatency(
  request: BenchRequest,
  count = 2_000,
  warmup = 200,
  until: 'last-byte' | 'first-byte' = 'last-byte',
): Promise<LatencySummary> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(request.url);
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const started = process.hrtime.bigint();
      const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
      const outgoing = http.request(
        target,
        { method: request.method ?? 'POST', agent, headers: { 'content-type': 'application/json', ...request.headers } },
        (response) => {
          let firstByte: number | undefined;
          response.on('data', () => {
            firstByte ??= elapsed();
          });
          response.on('end', () => {
            const value = until === 'first-byte' ? firstByte : elapsed();
            if ((response.statusCode ?? 500) >= 400 || value === undefined) reject(new Error(`status ${response.statusCode}`));
            else resolve(value);
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });
  for (let index = 0; index < warmup; index++) await once();
  const samples: number[] = [];
  for (let index = 0; index < count; index++) samples.push(await once());
  agent.destroy();
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), count };
}

/** Throughput and latency under `connections` concurrent keep-alive connections (autocannon). */
/**
 * autocannon against `request`. With `serverPids`, also the CPU those processes spent per request
 * (together: a split gateway is several processes).
 */
export async function loadTest(request: BenchRequest, connections: number, durationSeconds = 5, serverPids?: number | readonly number[]): Promise<LoadSummary> {
  const pids = serverPids === undefined ? [] : typeof serverPids === 'number' ? [serverPids] : serverPids;
  const cpu = () => pids.reduce((sum, pid) => sum + processCpuMicros(pid), 0);
  const cpuBefore = cpu();
  const result = await autocannon({
    url: request.url,
    method: request.method ?? 'POST',
    body: request.body,
    headers: { 'content-type': 'application/json', ...request.headers },
    connections,
    duration: durationSeconds,
  });
  const summary: LoadSummary = {
    connections,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
  if (pids.length > 0 && result.requests.total > 0) {
    summary.cpuMicrosPerRequest = (cpu() - cpuBefore) / result.requests.total;
  }
  return summary;
}
