import { loadTest, sequentialLatency, type BenchRequest } from './lib/measure.ts';
import { startBenchProcess } from './lib/processes.ts';
import { fixed, table, type BenchSection } from './lib/report.ts';

const BODY = JSON.stringify({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'Hello!' }] });

/**
 * Issue 2's benchmark: the embedded gateway (mock backend) against a plain node:http server
 * answering the same JSON, measured interleaved in one run. Targets: added p50 at one
 * connection ≤ 0.5 ms; throughput at 32 connections ≥ 50 % of the plain server.
 */
export async function benchEmbedded(options: { durationSeconds?: number } = {}): Promise<BenchSection> {
  const durationSeconds = options.durationSeconds ?? 5;
  const plain = await startBenchProcess('bench/servers/plain.ts');
  const gateway = await startBenchProcess('bench/servers/embedded.mjs', { LLM_POOL_SIZE: '8', LLM_MAX_OVERFLOW: '0' });
  try {
    const request = (url: string): BenchRequest => ({ url: `${url}/v1/chat/completions`, body: BODY });
    const plainLatency = await sequentialLatency(request(plain.url));
    const gatewayLatency = await sequentialLatency(request(gateway.url));
    const loads = [];
    for (const connections of [1, 32]) {
      const plainLoad = await loadTest(request(plain.url), connections, durationSeconds, plain.child.pid);
      const gatewayLoad = await loadTest(request(gateway.url), connections, durationSeconds, gateway.child.pid);
      loads.push({ connections, plainLoad, gatewayLoad });
    }
    const addedP50 = gatewayLatency.p50 - plainLatency.p50;
    const at32 = loads.find((load) => load.connections === 32)!;
    const share = at32.gatewayLoad.requestsPerSecond / at32.plainLoad.requestsPerSecond;
    const cpu = (value: number | undefined) => (value === undefined ? 'n/a' : fixed(value, 0));
    const at1 = loads[0]!;
    const rows = [
      ['plain node:http', 1, fixed(plainLatency.p50, 3), fixed(plainLatency.p99, 3), fixed(at1.plainLoad.requestsPerSecond, 0), cpu(at1.plainLoad.cpuMicrosPerRequest), '-'],
      ['embedded gateway (mock)', 1, fixed(gatewayLatency.p50, 3), fixed(gatewayLatency.p99, 3), fixed(at1.gatewayLoad.requestsPerSecond, 0), cpu(at1.gatewayLoad.cpuMicrosPerRequest), `${at1.gatewayLoad.errors + at1.gatewayLoad.non2xx}`],
      ['plain node:http', 32, at32.plainLoad.p50, at32.plainLoad.p99, fixed(at32.plainLoad.requestsPerSecond, 0), cpu(at32.plainLoad.cpuMicrosPerRequest), '-'],
      ['embedded gateway (mock)', 32, at32.gatewayLoad.p50, at32.gatewayLoad.p99, fixed(at32.gatewayLoad.requestsPerSecond, 0), cpu(at32.gatewayLoad.cpuMicrosPerRequest), `${at32.gatewayLoad.errors + at32.gatewayLoad.non2xx}`],
    ];
    const markdown = [
      table(['server', 'connections', 'p50 ms', 'p99 ms', 'req/s', 'server CPU µs/request', 'errors'], rows),
      '',
      `Latency at 1 connection: ${sequentialLatencyNote()}; at 32 connections: autocannon, ${durationSeconds} s, whole milliseconds. Server CPU per request from /proc (user + system), steadier than req/s when the load generator shares the two cores.`,
      `Added p50 at 1 connection: **${fixed(addedP50, 3)} ms** (target ≤ 0.5 ms). Throughput at 32 connections: **${fixed(share * 100, 0)} %** of the plain server (target ≥ 50 %).`,
    ].join('\n');
    return {
      title: 'Embedded gateway vs plain node:http (mock backend)',
      markdown,
      headlines: [
        `embedded gateway adds ${fixed(addedP50, 3)} ms p50 at 1 connection over a plain node:http server`,
        `embedded gateway at 32 connections: ${fixed(share * 100, 0)} % of the plain server's req/s (${fixed(at32.gatewayLoad.requestsPerSecond, 0)} vs ${fixed(at32.plainLoad.requestsPerSecond, 0)})`,
      ],
    };
  } finally {
    await Promise.all([plain.stop(), gateway.stop()]);
  }
}

function sequentialLatencyNote(): string {
  return '2,000 sequential requests on one keep-alive socket after 200 warm-up, microsecond timer';
}
