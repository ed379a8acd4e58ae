import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoReply, eventually, getJson, spawnRole, startFakeAnthropic, testRedisUrl, uniquePrefix, type FakeAnthropic, type FakeReply, type RoleProcess } from '@llm-gateway/testkit';

const FAIL_MARK = '[upstream-overloaded]';

/** Overloaded (529, before any output) for prompts carrying the mark; the echo otherwise. */
function replyFor(body: unknown): FakeReply {
  return JSON.stringify(body).includes(FAIL_MARK) ? { kind: 'error', status: 529 } : echoReply(body);
}

/**
 * `LLM_DIRECT_DISPATCH` in split mode, as deployed: two API replicas (`local` and `supervisor`)
 * and one supervisor on a real Redis. The replicas and the supervisor reach the api backend
 * through different fake Anthropic APIs, so the fake a request reached says where its job ran.
 */
describe('direct-backend jobs in split mode: in the API replica or through the supervisors', () => {
  let replicaUpstream: FakeAnthropic;
  let supervisorUpstream: FakeAnthropic;
  let processes: RoleProcess[] = [];
  let local: OpenAI;
  let viaSupervisor: OpenAI;

  beforeAll(async () => {
    [replicaUpstream, supervisorUpstream] = await Promise.all([startFakeAnthropic({ defaultReply: replyFor }), startFakeAnthropic({ defaultReply: replyFor })]);
    const env = {
      LLM_BACKEND: 'mock',
      LLM_POOL_SIZE: '1',
      LLM_MODELS: 'claude-haiku=api,claude-opus=api|mock,local-model=mock',
      LLM_REQUEST_TIMEOUT: '10',
      LLM_HEARTBEAT_INTERVAL: '0.25',
      LLM_SHUTDOWN_GRACE: '1',
      ANTHROPIC_API_KEY: 'sk-ant-split',
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: uniquePrefix('direct-local'),
    };
    processes = await Promise.all([
      spawnRole('api', 'api-local', { ...env, ANTHROPIC_BASE_URL: replicaUpstream.url, LLM_DIRECT_DISPATCH: 'local' }),
      spawnRole('api', 'api-via-supervisor', { ...env, ANTHROPIC_BASE_URL: replicaUpstream.url, LLM_DIRECT_DISPATCH: 'supervisor' }),
      spawnRole('supervisor', 'supervisor', { ...env, ANTHROPIC_BASE_URL: supervisorUpstream.url }),
    ]);
    for (const api of processes.slice(0, 2)) {
      await eventually(
        async () => {
          const { status, body } = await getJson<{ supervisors: number; pool?: { ready: number } }>(`${api.url}/health`);
          return status === 200 && body.supervisors === 1 && (body.pool?.ready ?? 0) > 0 ? true : undefined;
        },
        { timeoutMs: 30_000, what: `${api.name} to see its supervisor` },
      );
    }
    const client = (api: RoleProcess) => new OpenAI({ baseURL: `${api.url}/v1`, apiKey: 'not-required', maxRetries: 0, timeout: 10_000 });
    local = client(processes[0]!);
    viaSupervisor = client(processes[1]!);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop()));
    await Promise.all([replicaUpstream?.close(), supervisorUpstream?.close()]);
  });

  const streamText = async (client: OpenAI, model: string, content: string) => {
    const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    return text;
  };
  const reached = (fake: FakeAnthropic, content: string) => fake.requests.filter((request) => JSON.stringify(request.body).includes(content)).length;

  it('local: the replica streams from the upstream itself, the supervisor never sees the job', async () => {
    expect(await streamText(local, 'claude-haiku', 'ran where? one')).toBe('echo: ran where? one');
    const completion = await local.chat.completions.create({ model: 'claude-haiku', messages: [{ role: 'user', content: 'ran where? two' }] });
    expect(completion.choices[0]!.message.content).toBe('echo: ran where? two');
    expect(reached(replicaUpstream, 'ran where?')).toBe(2);
    expect(reached(supervisorUpstream, 'ran where?')).toBe(0);
  });

  it('local: pooled backends still run on the supervisors', async () => {
    expect(await streamText(local, 'local-model', 'pooled please')).toBe('This is a mock response to: pooled please');
  });

  it('local: a direct backend failing before output falls back to the pooled one, through the supervisors', async () => {
    const content = `${FAIL_MARK} fall back`;
    expect(await streamText(local, 'claude-opus', content)).toBe(`This is a mock response to: ${content}`);
    expect(reached(replicaUpstream, content)).toBeGreaterThan(0);
    expect(reached(supervisorUpstream, content)).toBe(0);
  });

  it('local: with no fallback, the upstream failure reaches the client as OpenAI would say it', async () => {
    const error = await local.chat.completions.create({ model: 'claude-haiku', messages: [{ role: 'user', content: `${FAIL_MARK} alone` }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBeGreaterThanOrEqual(500);
  });

  it('supervisor: every job goes through Redis, direct ones included', async () => {
    expect(await streamText(viaSupervisor, 'claude-haiku', 'via redis')).toBe('echo: via redis');
    expect(reached(supervisorUpstream, 'via redis')).toBe(1);
    expect(reached(replicaUpstream, 'via redis')).toBe(0);
  });
});
