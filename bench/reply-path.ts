import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
// ioredis through the supervisor package, which depends on it (the bench package does not).
import { createRedisConnection } from '../packages/supervisor/src/queue/redis-connection.ts';
import { startRedisServer } from '@llm-gateway/testkit';
import { REPO_ROOT } from './lib/processes.ts';
import { fixed, table, type BenchSection } from './lib/report.ts';

/**
 * How should a supervisor send a job's events back to the API replica holding the client? This
 * measures the two candidates that need no per-job subscription, in isolation (no BullMQ):
 * a worker process takes a request from a list (BRPOP) and answers with one batch through
 *
 * - `pubsub`: PUBLISH on the replica's channel (subscribed once per process);
 * - `stream`: XADD to the replica's stream (MAXLEN ~), read by one XREAD BLOCK loop.
 *
 * Sequential round trips give latency; 64 requests in flight give throughput.
 */
type Mode = 'pubsub' | 'stream';
const MODES: Mode[] = ['pubsub', 'stream'];
const PAYLOAD_EVENTS = [
  { type: 'job-started', sessionId: 'mock-abcdefgh', supervisor: 'host-1234' },
  ...'This is a mock response to: Hello!'.split(' ').map((word) => ({ type: 'text-delta', text: `${word} ` })),
  { type: 'usage', usage: { promptTokens: 9, completionTokens: 9 } },
  { type: 'finish', finishReason: 'stop' },
];

async function worker(mode: Mode, url: string): Promise<void> {
  const redis = createRedisConnection(url, { kind: 'wait', name: 'bench-worker' });
  const blocking = createRedisConnection(url, { kind: 'wait', name: 'bench-worker-blocking' });
  for (;;) {
    const popped = await blocking.brpop('bench:requests', 0);
    if (!popped) continue;
    const id = popped[1];
    if (id === 'stop') break;
    const message = JSON.stringify({ job: id, attempt: 1, events: PAYLOAD_EVENTS });
    if (mode === 'pubsub') void redis.publish('bench:reply', message);
    else void redis.xadd('bench:reply', 'MAXLEN', '~', '10000', '*', 'm', message);
  }
  redis.disconnect();
  blocking.disconnect();
}

interface ModeResult {
  mode: Mode;
  p50: number;
  p99: number;
  perSecond: number;
}

async function measure(mode: Mode, url: string): Promise<ModeResult> {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', fileURLToPath(import.meta.url), '--worker', mode, url], { cwd: REPO_ROOT, stdio: 'inherit' });
  const producer = createRedisConnection(url, { kind: 'wait', name: 'bench-producer' });
  const listener = createRedisConnection(url, { kind: mode === 'pubsub' ? 'subscriber' : 'wait', name: 'bench-listener' });
  const waiting = new Map<string, () => void>();
  const deliver = (message: string) => {
    const id = (JSON.parse(message) as { job: string }).job;
    waiting.get(id)?.();
    waiting.delete(id);
  };
  let reading = true;
  if (mode === 'pubsub') {
    await listener.subscribe('bench:reply');
    listener.on('message', (_channel: string, message: string) => deliver(message));
  } else {
    void (async () => {
      let last = '$';
      while (reading) {
        const result = (await listener.xread('BLOCK', 100, 'STREAMS', 'bench:reply', last).catch(() => null)) as
          | Array<[string, Array<[string, string[]]>]>
          | null;
        for (const [, entries] of result ?? []) {
          for (const [entryId, fields] of entries) {
            last = entryId;
            deliver(fields[1]!);
          }
        }
      }
    })();
  }
  let next = 0;
  const roundTrip = () =>
    new Promise<number>((resolve) => {
      const id = `j${next++}`;
      const started = process.hrtime.bigint();
      waiting.set(id, () => resolve(Number(process.hrtime.bigint() - started) / 1e6));
      void producer.lpush('bench:requests', id);
    });
  for (let index = 0; index < 500; index++) await roundTrip();
  const samples: number[] = [];
  for (let index = 0; index < 3_000; index++) samples.push(await roundTrip());
  samples.sort((a, b) => a - b);
  const total = 20_000;
  const startedAt = performance.now();
  let issued = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (issued < total) {
        issued += 1;
        await roundTrip();
      }
    }),
  );
  const perSecond = total / ((performance.now() - startedAt) / 1000);
  reading = false;
  await producer.lpush('bench:requests', 'stop');
  await new Promise((resolve) => child.once('exit', resolve));
  producer.disconnect();
  listener.disconnect();
  return { mode, p50: samples[Math.floor(samples.length * 0.5)]!, p99: samples[Math.floor(samples.length * 0.99)]!, perSecond };
}

/** Runs both reply paths on a private Redis, interleaved twice (the machine is noisy). */
export async function benchReplyPath(): Promise<BenchSection> {
  const redis = await startRedisServer();
  try {
    const results: ModeResult[] = [];
    for (let round = 0; round < 2; round++) for (const mode of MODES) results.push(await measure(mode, redis.url));
    const rows = results.map((result) => [result.mode, fixed(result.p50, 3), fixed(result.p99, 3), fixed(result.perSecond, 0)]);
    return {
      title: 'Reply path: pub/sub vs a stream per API replica (no BullMQ)',
      markdown: [
        table(['reply path', 'sequential p50 ms', 'sequential p99 ms', 'round trips/s, 64 in flight'], rows),
        '',
        'Round trip: LPUSH a request, a worker process BRPOPs it and answers with one ~450-byte batch; two interleaved rounds.',
      ].join('\n'),
      headlines: [],
    };
  } finally {
    await redis.stop();
  }
}

if (process.argv[2] === '--worker') {
  await worker(process.argv[3] as Mode, process.argv[4]!);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const section = await benchReplyPath();
  console.log(`## ${section.title}\n\n${section.markdown}`);
}
