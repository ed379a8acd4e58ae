import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { collectAnswer, createCliBackend } from '../packages/backends/src/index.ts';
import type { ChatRequest, CompletionJob, JobEvent, StreamPart, ToolDefinition } from '../packages/shared/src/index.ts';
import { SessionPool } from '../packages/supervisor/src/pool/session-pool.ts';
import { pooledExecutor, runJob } from '../packages/supervisor/src/run-job.ts';
import { startBenchProcess } from './lib/processes.ts';
import { fixed, table, type BenchSection } from './lib/report.ts';

const weather: ToolDefinition = {
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

function percentile(samples: readonly number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

/** Runs one request through the pool and the job runner, as the supervisor does. */
async function ask(executor: ReturnType<typeof pooledExecutor>, request: ChatRequest, index: number) {
  const job: CompletionJob = {
    id: `tools-${index}`,
    requestId: `tools-${index}`,
    tenant: 'bench',
    backend: 'cli',
    request,
    stream: true,
    deadline: Date.now() + 30_000,
    acceptedAt: Date.now(),
  };
  const events = runJob(job, new AbortController().signal, { executor, supervisorId: 'bench' });
  const parts = (async function* () {
    for await (const event of events as AsyncIterable<JobEvent>) if (event.type !== 'job-started') yield event as StreamPart;
  })();
  return collectAnswer(parts);
}

/**
 * One tool round trip per sample: a request with a tool the fake model calls, then the follow-up
 * with the result, timed alone. `parked`: the follow-up goes on with the turn left open on its
 * session; `history`: the pool parks nothing, so the follow-up is a new prompt rendering the whole
 * conversation, on a warm session that was reset in between.
 */
async function measure(env: NodeJS.ProcessEnv, parked: boolean, rounds: number): Promise<number[]> {
  const backend = createCliBackend({ env });
  const pool = new SessionPool({ backend, size: 1, maxOverflow: 0, keepAliveIntervalMs: 0, toolResultTimeoutMs: parked ? 60_000 : 0 });
  pool.start();
  const executor = pooledExecutor(pool, backend);
  const samples: number[] = [];
  try {
    while (!pool.sessions().some((session) => session.status === 'ready')) await new Promise((resolve) => setTimeout(resolve, 20));
    for (let index = 0; index < rounds + 5; index++) {
      const question: ChatRequest['messages'][number] = { role: 'user', content: [{ type: 'text', text: `Weather, round ${index}?` }] };
      const first = await ask(executor, { model: 'claude-sonnet', messages: [question], tools: [weather] }, index);
      if (first.finishReason !== 'tool_calls') throw new Error(`expected a tool call, got ${first.finishReason}`);
      // The parked session is claimed by the follow-up; otherwise it is reset meanwhile.
      if (!parked) while (!pool.sessions().some((session) => session.status === 'ready')) await new Promise((resolve) => setTimeout(resolve, 2));
      const followUp: ChatRequest = {
        model: 'claude-sonnet',
        tools: [weather],
        messages: [question, { role: 'assistant', content: '', toolCalls: first.toolCalls }, ...first.toolCalls.map((call) => ({ role: 'tool' as const, toolCallId: call.id, content: 'sunny, 21 C' }))],
      };
      const started = performance.now();
      const answer = await ask(executor, followUp, index);
      const elapsed = performance.now() - started;
      if (!answer.text.includes('sunny')) throw new Error(`the follow-up did not use the result: ${answer.text}`);
      if (index >= 5) samples.push(elapsed);
      while (!pool.sessions().some((session) => session.status === 'ready')) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return samples;
  } finally {
    await pool.stop();
  }
}

/** Issue 14's benchmark: a tool round trip's follow-up, on the parked turn vs from history. */
export async function benchCliTools(options: { rounds?: number } = {}): Promise<BenchSection> {
  const { rounds = 30 } = options;
  const fake = await startBenchProcess('bench/servers/fake-anthropic.ts');
  const home = await mkdtemp(join(tmpdir(), 'bench-cli-tools-'));
  try {
    const env = { PATH: process.env.PATH, HOME: home, CLAUDE_CONFIG_DIR: join(home, '.claude'), ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'sk-ant-bench' };
    const parked = await measure(env, true, rounds);
    const history = await measure(env, false, rounds);
    const ratio = percentile(parked, 0.5) / percentile(history, 0.5);
    const rows = [
      ['follow-up on the parked turn', fixed(percentile(parked, 0.5), 1), fixed(percentile(parked, 0.95), 1)],
      ['follow-up from history (warm session, reset in between)', fixed(percentile(history, 0.5), 1), fixed(percentile(history, 0.95), 1)],
    ];
    return {
      title: 'CLI backend: a tool round trip',
      markdown: [
        table(['path', 'p50 ms', 'p95 ms'], rows),
        '',
        `Real \`claude\` against the fake Anthropic API in its own process (answers at once, so this is the CLI's and the gateway's own cost); ${rounds} round trips each after 5 of warm-up, through the pool and the job runner, one session.`,
      ].join('\n'),
      headlines: [`cli tools: follow-up on a parked turn p50 ${fixed(percentile(parked, 0.5), 1)} ms vs ${fixed(percentile(history, 0.5), 1)} ms from history (${fixed(ratio, 2)}×; target ≤ 0.33×)`],
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
