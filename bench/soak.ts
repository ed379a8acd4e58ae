import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { eventually, sleep } from '@llm-gateway/testkit';
import { REPO_ROOT } from './lib/processes.ts';
import { machineDescription, type BenchSection } from './lib/report.ts';
import { takeSample, type SoakSample } from './soak/samples.ts';
import { startSoakTopology } from './soak/topology.ts';
import { cliTraffic, mockTraffic } from './soak/traffic.ts';
import { judgeSoak, soakMarkdown, type SoakVerdict } from './soak/verdict.ts';

export interface SoakOptions {
  /** How long traffic runs. @defaultValue `SOAK_SECONDS`, else 600 */
  durationSeconds?: number;
  /** @defaultValue 10 */
  sampleIntervalSeconds?: number;
}

export interface SoakResult {
  section: BenchSection;
  verdict: SoakVerdict;
}

function defaultDuration(): number {
  const fromEnvironment = Number(process.env.SOAK_SECONDS);
  return Number.isFinite(fromEnvironment) && fromEnvironment > 0 ? fromEnvironment : 600;
}

/**
 * `pnpm soak`: a bounded run of mixed streaming and non-streaming traffic through the split mode
 * with the mock backend and with the real CLI, sampling every process's RSS, open descriptors and
 * handles and Redis's memory every 10 s. It fails if memory grows without bound or any request is
 * lost (every request gets an answer or a clean, OpenAI-shaped error).
 */
export async function runSoak(options: SoakOptions = {}): Promise<SoakResult> {
  const durationMs = (options.durationSeconds ?? defaultDuration()) * 1000;
  const intervalMs = (options.sampleIntervalSeconds ?? 10) * 1000;
  console.log(`soak: starting Redis, a fake Anthropic API and two clusters (4 gateway processes)…`);
  const topology = await startSoakTopology();
  const samples: SoakSample[] = [];
  try {
    console.log(`soak: traffic for ${durationMs / 1000} s, a sample every ${intervalMs / 1000} s`);
    const started = Date.now();
    const traffic = Promise.all([mockTraffic(topology.mock.apis[0]!.url, durationMs), cliTraffic(topology.cli.apis[0]!.url, durationMs)]);
    let trafficDone = false;
    void traffic.finally(() => (trafficDone = true));
    // Bounded: one sample per interval until the traffic ends (it stops by itself after durationMs).
    for (let index = 0; index <= Math.ceil(durationMs / intervalMs) + 6 && !trafficDone; index++) {
      const sample = await takeSample(topology, Date.now() - started);
      samples.push(sample);
      // The fake API keeps every request it saw; the soak has no use for them.
      topology.fake.requests.length = 0;
      const rss = Object.entries(sample.processes)
        .map(([name, figures]) => `${name} ${(figures.rss / 2 ** 20).toFixed(0)}M`)
        .join(', ');
      console.log(`soak: ${Math.round(sample.atMs / 1000)} s: ${rss}; redis used ${(sample.redisUsedMemory / 2 ** 20).toFixed(1)}M`);
      const next = started + (index + 1) * intervalMs;
      while (!trafficDone && Date.now() < next) await sleep(Math.min(250, next - Date.now()));
    }
    const streams = await traffic;
    const left = await eventually(
      async () => {
        const sample = await takeSample(topology, Date.now() - started);
        const queued = Object.values(sample.queues).reduce((sum, queue) => sum + queue.wait + queue.active, 0);
        return queued === 0 ? 0 : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 500, what: 'empty queues' },
    ).catch(() => 1);
    const verdict = judgeSoak(samples, streams, left);
    const markdown = soakMarkdown(samples, streams, verdict, durationMs);
    const total = streams.reduce((sum, stream) => sum + stream.outcomes.length, 0);
    const rssSlopes = verdict.growth.filter((growth) => growth.series.endsWith('RSS')).map((growth) => growth.slopePerMinute);
    const worst = Math.max(...rssSlopes.filter(Number.isFinite));
    const redisFirst = samples[0]?.redisUsedMemory ?? Number.NaN;
    const redisLast = samples.at(-1)?.redisUsedMemory ?? Number.NaN;
    const headlines = [
      `soak ${(durationMs / 60_000).toFixed(1)} min (split mode, mock + real CLI): ${total} requests, ${verdict.lost} lost; steepest RSS slope after warm-up ${(worst / 2 ** 20).toFixed(2)} MiB/min; Redis used_memory ${(redisFirst / 2 ** 20).toFixed(1)} → ${(redisLast / 2 ** 20).toFixed(1)} MiB — ${verdict.passed ? 'passed' : 'FAILED'}`,
    ];
    return { section: { title: 'Soak run', markdown, headlines }, verdict };
  } finally {
    await topology.stop();
  }
}

/** The soak as a `pnpm bench` section. */
export async function benchSoak(options: SoakOptions = {}): Promise<BenchSection> {
  return (await runSoak(options)).section;
}

function parseSeconds(argv: readonly string[]): number | undefined {
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument.startsWith('--seconds=')) return Number(argument.slice('--seconds='.length));
    if (argument === '--seconds') return Number(argv[index + 1]);
  }
  return undefined;
}

async function main(): Promise<void> {
  const seconds = parseSeconds(process.argv.slice(2));
  if (seconds !== undefined && !(seconds > 0)) throw new Error('--seconds needs a positive number');
  const { section, verdict } = await runSoak(seconds === undefined ? {} : { durationSeconds: seconds });
  const report = `# ${section.title}\n\nRun by \`pnpm soak\` on ${new Date().toISOString().slice(0, 10)}; machine: ${machineDescription()}.\n\n${section.markdown}\n`;
  console.log(`\n${report}`);
  writeFileSync(join(REPO_ROOT, 'bench', 'soak', 'RESULTS.md'), report);
  console.log(section.headlines.join('\n'));
  process.exit(verdict.passed ? 0 : 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
