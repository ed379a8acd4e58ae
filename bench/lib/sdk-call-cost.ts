import Anthropic from '@anthropic-ai/sdk';
import { createAnthropicBackend, createKeepAliveFetch } from '@llm-gateway/backends';
import type { ChatRequest } from '@llm-gateway/shared';

/** CPU this process spent per call, with `inFlight` calls at a time. */
export interface CallCost {
  name: string;
  cpuMicrosPerCall: number;
  callsPerSecond: number;
}

const API_KEY = 'sk-ant-bench';
const MESSAGE = { model: 'claude-sonnet-5-5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'Hello!' }] };
const CHAT: ChatRequest = { model: 'claude-sonnet', maxTokens: 64, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello!' }] }] };

async function measure(name: string, call: () => Promise<unknown>, calls: number, inFlight: number): Promise<CallCost> {
  for (let warm = 0; warm < Math.min(2_000, calls); warm++) await call();
  let left = calls;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (left-- > 0) await call();
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  return { name, cpuMicrosPerCall: (cpu.user + cpu.system) / calls, callsPerSecond: calls / ((performance.now() - started) / 1000) };
}

/**
 * What the official SDK costs per call, in this process, against the fake Anthropic API at
 * `baseUrl`: the same non-streamed exchange over the gateway's keep-alive fetch without the SDK,
 * through `messages.create`, and through the api backend (SDK plus translation to stream parts).
 * The differences are CPU no gateway built on the SDK can avoid. The three take turns for `rounds`
 * rounds (GC and JIT state drift within a process); each figure is the median of its rounds.
 */
export async function measureSdkCallCost(baseUrl: string, calls = 20_000, inFlight = 32, rounds = 3): Promise<CallCost[]> {
  const pool = createKeepAliveFetch();
  const client = new Anthropic({ apiKey: API_KEY, baseURL: baseUrl, fetch: pool.fetch, maxRetries: 0, openTelemetry: false, logLevel: 'off' });
  const backend = createAnthropicBackend({ apiKey: API_KEY, baseUrl });
  const headers = { 'x-api-key': API_KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json', accept: 'application/json' };
  const candidates: Array<[string, () => Promise<unknown>]> = [
    [
      'keep-alive fetch + JSON.parse, no SDK',
      async () => {
        const response = await pool.fetch(`${baseUrl}/v1/messages`, { method: 'POST', headers, body: JSON.stringify(MESSAGE) });
        await response.json();
      },
    ],
    ['SDK messages.create over the same fetch', () => client.messages.create(MESSAGE, { signal: new AbortController().signal })],
    [
      'api backend stream() (SDK + translation)',
      async () => {
        for await (const part of backend.stream(CHAT, { signal: new AbortController().signal, stream: false })) void part;
      },
    ],
  ];
  try {
    const results: CallCost[][] = candidates.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (const [index, [name, call]] of candidates.entries()) results[index]!.push(await measure(name, call, calls, inFlight));
    }
    return results.map((costs) => {
      const sorted = [...costs].sort((a, b) => a.cpuMicrosPerCall - b.cpuMicrosPerCall);
      return sorted[Math.floor(sorted.length / 2)]!;
    });
  } finally {
    await Promise.all([pool.close(), backend.close()]);
  }
}
