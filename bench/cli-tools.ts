import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCliBackend } from '../packages/backends/src/index.ts';
import { collectAnswer, type ChatMessage, type ChatRequest, type CompletionJob, type JobEvent, type StreamPart, type ToolDefinition } from '../packages/shared/src/index.ts';
import { hostPooled } from '../packages/supervisor/src/pool/pooled-backend.ts';
import { runJob, type Executor } from '../packages/supervisor/src/run-job.ts';
import type { LatencyModelOptions } from '../packages/testkit/src/index.ts';
import { startBenchProcess } from './lib/processes.ts';
import { fixed, table, type BenchSection } from './lib/report.ts';

const weather: ToolDefinition = {
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

/**
 * The upstream's latency model (testkit `latency-model.ts`; the reasons for each figure are in
 * bench/RESULTS.md, cli-tools section): 500 ms to the first token of any request, 0.03 ms per input
 * token not read from the prompt cache, 0.003 ms per token read from it; prefixes kept 5 minutes.
 */
export const UPSTREAM_LATENCY: Required<Pick<LatencyModelOptions, 'baseMs' | 'uncachedTokenMs' | 'cachedTokenMs' | 'ttlMs' | 'minCacheableTokens'>> = {
  baseMs: 500,
  uncachedTokenMs: 0.03,
  cachedTokenMs: 0.003,
  ttlMs: 300_000,
  minCacheableTokens: 1024,
};

/** One conversation size: the history before the question, and the tool's result. */
interface Scenario {
  name: string;
  /** Earlier user/assistant turns, about 1,000 tokens each (four characters a token). */
  earlierTurns: number;
  /** The tool result, in tokens. */
  resultTokens: number;
}

const SCENARIOS: Scenario[] = [
  { name: 'a working conversation: ~20k tokens of history, a 4k-token tool result', earlierTurns: 20, resultTokens: 4_000 },
  { name: 'a long agent session: ~80k tokens of history, a 4k-token tool result', earlierTurns: 80, resultTokens: 4_000 },
];

const WORDS = ['forecast', 'pressure', 'front', 'humidity', 'the', 'of', 'and', 'a', 'wind', 'north', 'coast', 'valley', 'rain', 'sun', 'cloud', 'report', 'station', 'reading'];

/** Deterministic prose of about `tokens` tokens (four characters each), different per seed. */
function prose(tokens: number, seed: number): string {
  const words: string[] = [];
  let state = seed * 2654435761;
  let length = 0;
  while (length < tokens * 4) {
    state = (state * 1103515245 + 12345) >>> 0;
    const word = WORDS[state % WORDS.length]!;
    words.push(word);
    length += word.length + 1;
  }
  return words.join(' ');
}

function history(scenario: Scenario): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: 'You are a weather assistant for a logistics team. Use the tools when asked about weather.' }];
  for (let turn = 0; turn < scenario.earlierTurns; turn++) {
    messages.push(turn % 2 === 0 ? { role: 'user', content: [{ type: 'text', text: prose(1_000, turn + 1) }] } : { role: 'assistant', content: prose(1_000, turn + 1) });
  }
  return messages;
}

function percentile(samples: readonly number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

const median = (values: readonly number[]) => percentile(values, 0.5);

/** Runs one request through the pool and the job runner, as the supervisor does. */
async function ask(executor: Executor, request: ChatRequest, index: number) {
  const job: CompletionJob = {
    id: `tools-${index}`,
    requestId: `tools-${index}`,
    tenant: 'bench',
    backend: 'cli',
    request,
    stream: true,
    deadline: Date.now() + 60_000,
    acceptedAt: Date.now(),
  };
  const events = runJob(job, new AbortController().signal, { executor, supervisorId: 'bench' });
  const parts = (async function* () {
    for await (const event of events as AsyncIterable<JobEvent>) if (event.type !== 'job-started') yield event as StreamPart;
  })();
  return collectAnswer(parts);
}

/** What one path measured: the follow-ups' times and the prompt tokens the upstream billed them. */
interface PathFigures {
  milliseconds: number[];
  /** Per follow-up: prompt tokens not read from the cache, and those read from it. */
  uncachedTokens: number[];
  cachedTokens: number[];
}

/**
 * One tool round trip per sample: a request with a tool the fake model calls, then the follow-up
 * with the result, timed alone. `parked`: the follow-up goes on with the turn left open on its
 * session; `history`: the pool parks nothing, so the follow-up is a new prompt rendering the whole
 * conversation, on a warm session that was reset in between.
 */
async function measure(env: NodeJS.ProcessEnv, scenario: Scenario, parked: boolean, rounds: number, warmUp: number): Promise<PathFigures> {
  const backend = createCliBackend({ env });
  const pool = hostPooled({ backend, size: 1, maxOverflow: 0, keepAliveIntervalMs: 0, toolResultTimeoutMs: parked ? 60_000 : 0 });
  pool.start();
  const ready = async (pauseMs: number) => {
    while (!pool.sessions().some((session) => session.status === 'ready')) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  };
  const figures: PathFigures = { milliseconds: [], uncachedTokens: [], cachedTokens: [] };
  const earlier = history(scenario);
  const result = `sunny, 21 C. Hourly readings: ${prose(scenario.resultTokens, 7)}`;
  try {
    await ready(20);
    for (let index = 0; index < rounds + warmUp; index++) {
      const question: ChatMessage = { role: 'user', content: [{ type: 'text', text: `Round ${index}: what is the weather in Paris?` }] };
      const messages = [...earlier, question];
      const first = await ask(pool.execute, { model: 'claude-sonnet', messages, tools: [weather] }, index);
      if (first.finishReason !== 'tool_calls') throw new Error(`expected a tool call, got ${first.finishReason}`);
      // The parked session is claimed by the follow-up; otherwise it is reset meanwhile.
      if (!parked) await ready(2);
      const followUp: ChatRequest = {
        model: 'claude-sonnet',
        tools: [weather],
        messages: [...messages, { role: 'assistant', content: '', toolCalls: first.toolCalls }, ...first.toolCalls.map((call) => ({ role: 'tool' as const, toolCallId: call.id, content: result }))],
      };
      const started = performance.now();
      const answer = await ask(pool.execute, followUp, index);
      const elapsed = performance.now() - started;
      if (!answer.text.includes('sunny')) throw new Error(`the follow-up did not use the result: ${answer.text.slice(0, 200)}`);
      if (index >= warmUp) {
        const cached = answer.usage.cachedPromptTokens ?? 0;
        figures.milliseconds.push(elapsed);
        figures.cachedTokens.push(cached);
        figures.uncachedTokens.push(answer.usage.promptTokens - cached);
      }
      await ready(2);
    }
    return figures;
  } finally {
    await pool.close();
  }
}

/** Why the latency model's figures are what they are: printed with the results, so a full run's RESULTS.md keeps it. */
const MODEL_NOTES = [
  '**What the latency model assumes** (testkit `latency-model.ts`, `prompt-cache.ts`):',
  '',
  '- Time to first token = 500 ms + 0.03 ms × every input token not read from the cache (plain input and tokens written to it) + 0.003 ms × every token read from it; the answer then streams at once (output speed, queueing and variance are not modelled).',
  `- 500 ms: the spec's figure for a warm request on the API backend (500–700 ms). 0.03 ms a token: Anthropic's prompt-caching cookbook answers a ~187k-token prompt with 8 tokens in ~4.9–6.9 s uncached. 0.003 ms a cached token: an assumption, a tenth (cache reads are priced at a tenth of input); a fully cached 187k-token prompt then takes 1.06 s vs 6.1 s (−83 %, in line with Anthropic's "up to 85 %").`,
  '- The cache as Anthropic documents it: tools, then system, then message blocks; a `cache_control` block is a breakpoint whose prefix is stored (≥ 1,024 tokens) for 5 minutes (1 hour with `ttl: "1h"`), renewed by hits; a request reads the longest stored prefix at a block boundary up to 20 blocks before one of its breakpoints. Four characters a token.',
  `- The CLI (2.1.332) marks its last two system blocks and the last block of the last message. So the parked follow-up reads the earlier request from the cache and pays for the call and its result; the follow-up from history is one new user message rendering everything, none of it cached.`,
].join('\n');

/** What the latency model alone predicts for a follow-up, from the tokens it billed. */
const modelled = (uncached: number, cached: number) => UPSTREAM_LATENCY.baseMs + uncached * UPSTREAM_LATENCY.uncachedTokenMs + cached * UPSTREAM_LATENCY.cachedTokenMs;

/** Issue 14's benchmark: a tool round trip's follow-up, on the parked turn vs from history. */
export async function benchCliTools(options: { rounds?: number; warmUp?: number } = {}): Promise<BenchSection> {
  const { rounds = 12, warmUp = 2 } = options;
  const fake = await startBenchProcess('bench/servers/fake-anthropic.ts', {
    FAKE_ANTHROPIC_LATENCY: JSON.stringify(UPSTREAM_LATENCY),
    FAKE_ANTHROPIC_MAX_ANSWER_CHARS: '200',
  });
  const home = await mkdtemp(join(tmpdir(), 'bench-cli-tools-'));
  const rows: string[][] = [];
  const headlines: string[] = [];
  try {
    const env = { PATH: process.env.PATH, HOME: home, CLAUDE_CONFIG_DIR: join(home, '.claude'), ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'sk-ant-bench' };
    for (const scenario of SCENARIOS) {
      const parked = await measure(env, scenario, true, rounds, warmUp);
      const fresh = await measure(env, scenario, false, rounds, warmUp);
      const ratio = median(parked.milliseconds) / median(fresh.milliseconds);
      for (const [path, figures] of [['on the parked turn', parked], ['from history (fresh prompt)', fresh]] as const) {
        const uncached = median(figures.uncachedTokens);
        const cached = median(figures.cachedTokens);
        rows.push([scenario.name, path, fixed(median(figures.milliseconds), 0), fixed(percentile(figures.milliseconds, 0.95), 0), String(uncached), String(cached), fixed(modelled(uncached, cached), 0)]);
      }
      headlines.push(
        `cli tools (${scenario.name}, modelled upstream): follow-up on a parked turn p50 ${fixed(median(parked.milliseconds), 0)} ms vs ${fixed(median(fresh.milliseconds), 0)} ms from history (${fixed(ratio, 2)}×; target ≤ 0.33×: ${ratio <= 1 / 3 ? 'met' : 'not met'})`,
      );
    }
    return {
      title: 'CLI backend: a tool round trip',
      markdown: [
        table(['conversation', 'follow-up', 'p50 ms', 'p95 ms', 'uncached prompt tokens', 'cached prompt tokens', 'model alone ms'], rows),
        '',
        `Real \`claude\` against the fake Anthropic API in its own process, with its latency model on (${JSON.stringify(UPSTREAM_LATENCY)}); ${rounds} round trips per row after ${warmUp} of warm-up, through the pool and the job runner, one session. Tokens: the follow-up's usage as the upstream billed it (medians); "model alone": what the latency model charges for those tokens, the rest is the CLI's and the gateway's own time.`,
        '',
        MODEL_NOTES,
      ].join('\n'),
      headlines,
    };
  } finally {
    await fake.stop();
    await rm(home, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchCliTools();
  console.log(`\n## ${result.title}\n\n${result.markdown}\n\n${result.headlines.map((line) => `- ${line}`).join('\n')}`);
}
