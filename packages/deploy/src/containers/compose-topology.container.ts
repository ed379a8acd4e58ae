import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeRuns, createTopology, type Topology } from './compose-topology.ts';
import { exitCode, podman, processCommands } from './podman.ts';

/**
 * `pnpm test:containers`: the images built from the Dockerfile (scripts/test-containers.sh builds
 * them first), run as docker-compose.yml describes them (redis, supervisor, api on one network),
 * with the mock backend. The Redis image may be a local stand-in (`LLM_TEST_REDIS_IMAGE`).
 */
const REQUEST_TIMEOUT_S = 30;
/** Past the gateway's own timeout plus a margin, a request has hung. */
const CLIENT_DEADLINE_MS = REQUEST_TIMEOUT_S * 1000 + 5_000;

type Outcome = { kind: 'ok'; content: string } | { kind: 'clean-error'; status: number | undefined; code: string } | { kind: 'hung' | 'broken'; detail: string };

/** One chat completion through the openai client, classified; never rejects. */
async function complete(client: OpenAI, content: string, stream: boolean): Promise<Outcome> {
  const signal = AbortSignal.timeout(CLIENT_DEADLINE_MS);
  try {
    if (!stream) {
      const answer = await client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content }] }, { signal });
      return { kind: 'ok', content: answer.choices[0]?.message.content ?? '' };
    }
    let text = '';
    const chunks = await client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content }], stream: true }, { signal });
    for await (const chunk of chunks) text += chunk.choices[0]?.delta.content ?? '';
    return { kind: 'ok', content: text };
  } catch (error) {
    if (signal.aborted) return { kind: 'hung', detail: content };
    // An OpenAI-shaped error: a status and body before the answer, or the stream's error event.
    if (error instanceof APIError && typeof error.code === 'string') return { kind: 'clean-error', status: error.status, code: error.code };
    return { kind: 'broken', detail: String(error) };
  }
}

/** A port free on the host's loopback now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls until `check` holds (expect.poll is for tests, not hooks). */
async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Outcomes counted by kind, clean errors by their code too (`clean-error job_interrupted`). */
const kinds = (outcomes: Outcome[]) =>
  outcomes.reduce<Record<string, number>>((count, outcome) => {
    const key = outcome.kind === 'clean-error' ? `clean-error ${outcome.code}` : outcome.kind;
    return { ...count, [key]: (count[key] ?? 0) + 1 };
  }, {});

describe('the compose topology in containers (podman)', () => {
  let topology: Topology;
  let client: OpenAI;
  let apiUrl: string;

  beforeAll(async () => {
    const apiPort = await freePort();
    const runs = composeRuns(
      { LLM_BACKEND: 'mock', LLM_REQUEST_TIMEOUT: String(REQUEST_TIMEOUT_S), LOG_LEVEL: 'info', HOME: '/nonexistent' },
      process.env.LLM_TEST_REDIS_IMAGE ? { redis: process.env.LLM_TEST_REDIS_IMAGE } : {},
    );
    topology = await createTopology({ runs, name: `llmgw-test-${randomBytes(3).toString('hex')}`, hostPorts: { api: { 5005: apiPort } } });
    // depends_on: service_healthy. The services' own health checks, run the way compose runs them.
    await topology.start('redis');
    await waitFor('redis', async () => (await podman('exec', topology.container('redis'), 'redis-cli', 'ping')) === 'PONG', 20_000);
    await topology.start('supervisor');
    await topology.start('api');
    apiUrl = `http://${topology.hostAddress('api', 5005)}`;
    // Healthy: Redis reachable and a supervisor registered with ready sessions.
    await waitFor('the API to be healthy', async () => (await fetch(`${apiUrl}/health`)).status === 200, 60_000);
    client = new OpenAI({ baseURL: `${apiUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, 120_000);

  afterAll(async () => {
    await topology?.remove();
  }, 60_000);

  it('answers the openai client through the API and a supervisor, plainly and streamed; each container runs node under tini', async () => {
    expect(await complete(client, 'Hello through the containers', false)).toEqual({ kind: 'ok', content: expect.stringContaining('Hello through the containers') });
    expect(await complete(client, 'A streamed hello', true)).toEqual({ kind: 'ok', content: expect.stringContaining('A streamed hello') });
    for (const [service, entry] of [['api', 'packages/api/dist/main.js'], ['supervisor', 'packages/supervisor/dist/main.js']]) {
      expect(await processCommands(topology.container(service!)), service).toEqual([
        `/usr/bin/tini -- node --enable-source-maps --max-semi-space-size=32 ${entry}`,
        `node --enable-source-maps --max-semi-space-size=32 ${entry}`,
      ]);
    }
  });

  it('kills the supervisor under load: no request hangs, and jobs that had no output complete once it is back', async () => {
    let loading = true;
    const underLoad: Outcome[] = [];
    const workers = Array.from({ length: 6 }, async (_, worker) => {
      for (let index = 0; loading; index++) {
        underLoad.push(await complete(client, `[mock:chunk-delay=40] [mock:words=8] worker ${worker} request ${index}`, index % 2 === 0));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await podman('kill', '--signal', 'KILL', topology.container('supervisor'));
    // Sent while no supervisor runs: they wait in the Redis queue, without output.
    const queued = Array.from({ length: 6 }, (_, index) => complete(client, `[mock:delay=50] queued ${index}`, index % 2 === 0));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    loading = false;
    await topology.start('supervisor');
    const [queuedOutcomes] = await Promise.all([Promise.all(queued), Promise.all(workers)]);

    const all = [...underLoad, ...queuedOutcomes];
    console.log(`supervisor killed under load: ${JSON.stringify(kinds(underLoad))} under load, ${JSON.stringify(kinds(queuedOutcomes))} queued during the outage`);
    expect(all.filter((outcome) => outcome.kind === 'hung' || outcome.kind === 'broken')).toEqual([]);
    expect(queuedOutcomes.map((outcome) => outcome.kind)).toEqual(queuedOutcomes.map(() => 'ok'));
    for (const outcome of all) if (outcome.kind === 'clean-error') expect(outcome.code).toMatch(/^(job_interrupted|backend_unavailable|timeout)$/);
    // And it serves again.
    expect((await complete(client, 'after the restart', false)).kind).toBe('ok');
  }, 90_000);

  it('stops the API with SIGTERM: the request in flight completes, the container exits 0; so does the supervisor', async () => {
    const inFlight = complete(client, '[mock:delay=2000] in flight at SIGTERM', false);
    await expect.poll(async () => ((await (await fetch(`${apiUrl}/status`)).json()) as { inflight: number }).inflight, { timeout: 5_000, interval: 50 }).toBe(1);
    // `docker compose stop` / `podman stop`: SIGTERM, then SIGKILL after the grace period.
    const stopped = podman('stop', '--time', '30', topology.container('api'));
    expect(await inFlight).toEqual({ kind: 'ok', content: expect.stringContaining('in flight at SIGTERM') });
    await stopped;
    expect(await exitCode(topology.container('api'))).toBe(0);
    await podman('stop', '--time', '30', topology.container('supervisor'));
    expect(await exitCode(topology.container('supervisor'))).toBe(0);
  }, 60_000);
});
