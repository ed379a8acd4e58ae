import { monitorEventLoopDelay } from 'node:perf_hooks';
import { countTextTokens } from '../packages/api/src/tenants/tokens/count-text-tokens.ts';
import { createTokenCountPool } from '../packages/api/src/tenants/tokens/token-count-pool.ts';
import { fixed, table, type BenchSection } from './lib/report.ts';

/**
 * Issue 6: what counting the tokens of a ~200k-token prompt does to the event loop, inline on the
 * main thread and on the piscina pool the gateway uses for large prompts; and, for the inline
 * threshold, what each way costs for small prompts. `pnpm bench -- tokenizer`.
 */
export async function benchTokenizerEventLoop(options: { rounds?: number } = {}): Promise<BenchSection> {
  const rounds = options.rounds ?? 5;
  const large = prose(500_000);
  const largeTokens = countTextTokens([large]);
  const pool = createTokenCountPool({ threads: 1 });
  try {
    // Start the worker and warm both tokenizers up; distinct texts per round defeat their caches.
    for (const seed of [3, 4, 5]) {
      await pool.count([prose(20_000, seed)]);
      countTextTokens([prose(20_000, seed)]);
    }
    const texts = Array.from({ length: rounds }, (_, round) => prose(500_000, round + 11));
    // Rare letter sequences: about twice the tokens per character and much slower to count.
    const hard = Array.from({ length: rounds }, (_, round) => prose(420_000, round + 31, 0));
    const hardTokens = countTextTokens([hard[0]!]);
    const idle = await underMonitor(rounds, async () => new Promise((resolve) => setTimeout(resolve, 20)));
    const inline = await underMonitor(rounds, async (round) => countTextTokens([texts[round]!]));
    const pooled = await underMonitor(rounds, async (round) => pool.count([texts[round]!]));
    const hardInline = await underMonitor(rounds, async (round) => countTextTokens([hard[round]!]));
    const hardPooled = await underMonitor(rounds, async (round) => pool.count([hard[round]!]));
    const row = (label: string, report: LoopReport) => [label, fixed(report.countMs, 1), fixed(report.maxDelayMs, 1), fixed(report.p99DelayMs, 1), fixed(report.meanDelayMs, 2)];
    const rows = [
      ['nothing (noise floor: a 20 ms timer instead)', '-', fixed(idle.maxDelayMs, 1), fixed(idle.p99DelayMs, 1), fixed(idle.meanDelayMs, 2)],
      row('prose, inline (main thread)', inline),
      row('prose, piscina pool (1 thread)', pooled),
      row(`random letters (${Math.round(hardTokens / 1000)}k tokens), inline`, hardInline),
      row('random letters, piscina pool', hardPooled),
    ];
    const small = await thresholdRows(pool);
    const markdown = [
      `A ${Math.round(large.length / 1000)}k-character prompt of varied words (${largeTokens.toLocaleString('en')} o200k tokens), counted ${rounds} times in a row;`,
      'event-loop delay from `perf_hooks.monitorEventLoopDelay` (resolution 1 ms) over the whole run.',
      '',
      table(['where the count runs', 'ms per count', 'max loop delay ms', 'p99 loop delay ms', 'mean loop delay ms'], rows),
      '',
      'Small prompts, mean of many counts: the gateway counts inline up to 8,192 characters (at most about half a millisecond of event loop, about what a round trip to the pool takes) and hands larger prompts to the pool.',
      '',
      table(['prompt chars', 'inline µs', 'pool round trip µs'], small),
    ].join('\n');
    return {
      title: 'Token counting and the event loop',
      markdown,
      headlines: [
        `counting a ${Math.round(largeTokens / 1000)}k-token prompt: max event-loop delay ${fixed(inline.maxDelayMs, 0)} ms inline, ${fixed(pooled.maxDelayMs, 1)} ms on the worker pool (noise floor ${fixed(idle.maxDelayMs, 1)} ms)`,
        `counting a ${Math.round(hardTokens / 1000)}k-token prompt of rare words: max event-loop delay ${fixed(hardInline.maxDelayMs, 0)} ms inline, ${fixed(hardPooled.maxDelayMs, 1)} ms on the worker pool`,
      ],
    };
  } finally {
    await pool.close();
  }
}

interface LoopReport {
  countMs: number;
  maxDelayMs: number;
  p99DelayMs: number;
  meanDelayMs: number;
}

async function underMonitor(rounds: number, count: (round: number) => Promise<unknown>): Promise<LoopReport> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let busyMs = 0;
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    await count(round);
    busyMs += performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  histogram.disable();
  return {
    countMs: busyMs / rounds,
    maxDelayMs: histogram.max / 1e6,
    p99DelayMs: histogram.percentile(99) / 1e6,
    meanDelayMs: histogram.mean / 1e6,
  };
}

async function thresholdRows(pool: ReturnType<typeof createTokenCountPool>): Promise<string[][]> {
  const rows: string[][] = [];
  for (const chars of [1_024, 4_096, 8_192, 16_384, 65_536]) {
    const texts = Array.from({ length: 20 }, (_, index) => prose(chars, 100 + index));
    const repeats = Math.max(3, Math.floor(200_000 / chars));
    let started = performance.now();
    for (let index = 0; index < repeats; index++) countTextTokens([texts[index % texts.length]!]);
    const inlineUs = ((performance.now() - started) * 1000) / repeats;
    started = performance.now();
    for (let index = 0; index < repeats; index++) await pool.count([texts[index % texts.length]!]);
    const pooledUs = ((performance.now() - started) * 1000) / repeats;
    rows.push([chars.toLocaleString('en'), fixed(inlineUs, 0), fixed(pooledUs, 0)]);
  }
  return rows;
}

/** Varied lowercase words (a fixed pseudo-random sequence), so the tokenizer's caches do not flatter it. */
function prose(chars: number, seed = 7, commonShare = 0.5): string {
  let state = seed;
  const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const common = ['the', 'of', 'and', 'to', 'in', 'is', 'that', 'for', 'it', 'with', 'as', 'was', 'on', 'be', 'by', 'this', 'are', 'from'];
  const words: string[] = [];
  let length = 0;
  while (length < chars) {
    let word = '';
    if (random() < commonShare) word = common[Math.floor(random() * common.length)]!;
    else for (let index = 3 + Math.floor(random() * 7); index > 0; index--) word += String.fromCharCode(97 + Math.floor(random() * 26));
    if (random() < 0.08) word += '.';
    words.push(word);
    length += word.length + 1;
  }
  return words.join(' ').slice(0, chars);
}

// `tsx bench/tokenizer-event-loop.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  benchTokenizerEventLoop().then(
    (section) => console.log(`## ${section.title}\n\n${section.markdown}\n\n${section.headlines.join('\n')}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
