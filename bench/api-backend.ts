import http from 'node:http';
import { loadTest, sequentialLatency, type BenchRequest, type LatencySummary, type LoadSummary } from './lib/measure.ts';
import { startBenchProcess } from './lib/processes.ts';
import { fixed, table, type BenchSection } from './lib/report.ts';

const OPENAI_BODY = { model: 'claude-sonnet', messages: [{ role: 'user', content: 'Hello!' }], max_tokens: 64 };
const ANTHROPIC_BODY = { model: 'claude-sonnet-5-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello!' }] };

export interface ApiBackendBenchOptions {
  /** Seconds per autocannon run. @defaultValue 5 */
  durationSeconds?: number;
  /** @defaultValue [1, 32] */
  connections?: number[];
}

interface PathFigures {
  name: string;
  latency: LatencySummary;
  firstByte: LatencySummary;
  loads: LoadSummary[];
}

/**
 * Time to the first body byte of a streamed answer, `count` requests one after another on one
 * keep-alive socket (microsecond timer).
 */
async function timeToFirstByte(request: BenchRequest, count = 300, warmup = 50): Promise<LatencySummary> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const started = process.hrtime.bigint();
      let first: number | undefined;
      const outgoing = http.request(new URL(request.url), { method: 'POST', agent, headers: { 'content-type': 'application/json', ...request.headers } }, (response) => {
        response.on('data', () => {
          first ??= Number(process.hrtime.bigint() - started) / 1e6;
        });
        response.on('end', () => {
          if ((response.statusCode ?? 500) >= 400 || first === undefined) reject(new Error(`status ${response.statusCode}`));
          else resolve(first);
        });
      });
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });
  for (let index = 0; index < warmup; index++) await once();
  const samples: number[] = [];
  for (let index = 0; index < count; index++) samples.push(await once());
  agent.destroy();
  samples.sort((a, b) => a - b);
  const at = (fraction: number) => samples[Math.min(samples.length - 1, Math.floor(samples.length * fraction))]!;
  return { p50: at(0.5), p99: at(0.99), count };
}

async function measurePath(name: string, request: BenchRequest, streamRequest: BenchRequest, connections: number[], durationSeconds: number): Promise<PathFigures> {
  const latency = await sequentialLatency(request);
  const firstByte = await timeToFirstByte(streamRequest);
  const loads: LoadSummary[] = [];
  for (const count of connections) loads.push(await loadTest(request, count, durationSeconds));
  return { name, latency, firstByte, loads };
}

/**
 * Issue 5's benchmark: an OpenAI request through the embedded gateway (api backend: translation,
 * Anthropic SDK over keep-alive undici) to a fake Anthropic API in another process, against the
 * same fake called directly with the equivalent Anthropic request.
 */
export async function benchApiBackend(options: ApiBackendBenchOptions = {}): Promise<BenchSection> {
  const { durationSeconds = 5, connections = [1, 32] } = options;
  const fake = await startBenchProcess('bench/servers/fake-anthropic.ts');
  const gateway = await startBenchProcess('bench/servers/embedded.ts', {
    LLM_BACKEND: 'api',
    ANTHROPIC_API_KEY: 'sk-ant-bench',
    ANTHROPIC_BASE_URL: fake.url,
    LOG_LEVEL: 'warn',
  });
  try {
    const headers = { 'x-api-key': 'sk-ant-bench', 'anthropic-version': '2023-06-01' };
    const direct = await measurePath(
      'fake Anthropic, called directly',
      { url: `${fake.url}/v1/messages`, body: JSON.stringify(ANTHROPIC_BODY), headers },
      { url: `${fake.url}/v1/messages`, body: JSON.stringify({ ...ANTHROPIC_BODY, stream: true }), headers },
      connections,
      durationSeconds,
    );
    const viaGateway = await measurePath(
      'gateway (api backend) → fake Anthropic',
      { url: `${gateway.url}/v1/chat/completions`, body: JSON.stringify(OPENAI_BODY) },
      { url: `${gateway.url}/v1/chat/completions`, body: JSON.stringify({ ...OPENAI_BODY, stream: true }) },
      connections,
      durationSeconds,
    );
    return report([direct, viaGateway], durationSeconds);
  } finally {
    await Promise.all([gateway.stop(), fake.stop()]);
  }
}

function report(paths: PathFigures[], durationSeconds: number): BenchSection {
  const rows = paths.flatMap((path) => [
    [path.name, 1, fixed(path.latency.p50, 3), fixed(path.latency.p99, 3), fixed(path.firstByte.p50, 3), fixed(path.loads[0]?.requestsPerSecond ?? Number.NaN, 0), ''],
    ...path.loads.slice(1).map((load) => [path.name, load.connections, load.p50, load.p99, '', fixed(load.requestsPerSecond, 0), `${load.errors + load.non2xx}`]),
  ]);
  const [direct, viaGateway] = paths as [PathFigures, PathFigures];
  const addedP50 = viaGateway.latency.p50 - direct.latency.p50;
  const addedFirstByte = viaGateway.firstByte.p50 - direct.firstByte.p50;
  const last = (path: PathFigures) => path.loads.at(-1)!;
  const share = last(viaGateway).requestsPerSecond / last(direct).requestsPerSecond;
  const markdown = [
    table(['path', 'connections', 'p50 ms', 'p99 ms', 'first streamed byte p50 ms', 'req/s', 'errors'], rows),
    '',
    `Non-streaming requests; at 1 connection 2,000 sequential requests on one keep-alive socket (microsecond timer), beyond that autocannon for ${durationSeconds} s (whole milliseconds). First byte: 300 sequential streamed requests.`,
    `The gateway adds **${fixed(addedP50, 3)} ms** p50 at 1 connection and **${fixed(addedFirstByte, 3)} ms** to the first streamed byte; at ${last(viaGateway).connections} connections it serves **${fixed(share * 100, 0)} %** of the direct req/s.`,
  ].join('\n');
  return {
    title: 'API backend: gateway (OpenAI → Anthropic translation) vs the upstream called directly',
    markdown,
    headlines: [
      `api backend adds ${fixed(addedP50, 3)} ms p50 (1 connection) and ${fixed(addedFirstByte, 3)} ms to the first streamed byte over calling the fake Anthropic API directly`,
      `api backend at ${last(viaGateway).connections} connections: ${fixed(last(viaGateway).requestsPerSecond, 0)} req/s (${fixed(share * 100, 0)} % of direct)`,
    ],
  };
}
