import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, getJson, spawnRole, startRedisServer, uniquePrefix, type RedisServer, type RoleProcess } from '@llm-gateway/testkit';
import { chat, sessionsOf } from './cluster-harness.ts';

interface ApiHealth {
  status: string;
  supervisors: number;
  redis?: string;
}

/**
 * Real processes: 2 API replicas (`LLM_ROLE=api`) and 2 supervisors (`start:supervisor`) on one
 * Redis, mock backend. The Redis is private to this file because one test restarts it.
 */
describe('a cluster of 2 API processes and 2 supervisor processes', () => {
  let redis: RedisServer;
  let apis: RoleProcess[] = [];
  let supervisors: RoleProcess[] = [];
  const all = () => [...apis, ...supervisors];
  let killed: RoleProcess | undefined;

  beforeAll(async () => {
    redis = await startRedisServer();
    const env = {
      LLM_BACKEND: 'mock',
      LLM_POOL_SIZE: '2',
      LLM_MAX_OVERFLOW: '0',
      LLM_REQUEST_TIMEOUT: '10',
      LLM_HEARTBEAT_INTERVAL: '0.25',
      LLM_SHUTDOWN_GRACE: '1',
      LOG_LEVEL: 'warn',
      REDIS_URL: redis.url,
      REDIS_PREFIX: uniquePrefix('cluster'),
    };
    [apis, supervisors] = await Promise.all([
      Promise.all(['api-1', 'api-2'].map((name) => spawnRole('api', name, env))),
      Promise.all(['sup-a', 'sup-b'].map((name) => spawnRole('supervisor', name, { ...env, LLM_SUPERVISOR_ID: name }))),
    ]);
    for (const api of apis) {
      await eventually(
        async () => {
          const { status, body } = await getJson<ApiHealth>(`${api.url}/health`);
          return status === 200 && body.supervisors === 2 ? true : undefined;
        },
        { timeoutMs: 60_000, what: `${api.name} to see both supervisors`, intervalMs: 20 },
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n${all().map((process) => `--- ${process.name}\n${process.output()}`).join('\n')}`);
      });
    }
  }, 90_000);

  afterAll(async () => {
    await Promise.all(all().map((process) => process.stop()));
    await redis?.stop();
  });

  it('serves the official openai client through both API replicas, on both supervisors', async () => {
    for (const api of apis) {
      const client = new OpenAI({ baseURL: `${api.url}/v1`, apiKey: 'not-required', maxRetries: 0, timeout: 10_000 });
      const completion = await client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'Hello!' }] });
      expect(completion.choices[0]!.message.content).toBe('This is a mock response to: Hello!');
      const stream = await client.chat.completions.create({
        model: 'claude-sonnet',
        messages: [{ role: 'user', content: 'Stream please' }],
        stream: true,
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      expect(text).toBe('This is a mock response to: Stream please');
    }
    // Enough slow jobs at once that both supervisors (2 sessions each) must take some.
    const answers = await Promise.all(Array.from({ length: 8 }, (_, index) => chat(apis[index % 2]!.url, `[mock:delay=100] job ${index}`)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    await eventually(
      async () => {
        const sessions = await sessionsOf(apis[0]!.url);
        const served = (id: string) => sessions.filter((session) => session.supervisor === id).reduce((sum, session) => sum + session.requests, 0);
        return served('sup-a') > 0 && served('sup-b') > 0 ? true : undefined;
      },
      { timeoutMs: 3_000, what: 'both supervisors to report served requests', intervalMs: 20 },
    );
  });

  it('lists every supervisor’s sessions on every API replica', async () => {
    for (const api of apis) {
      const sessions = await sessionsOf(api.url);
      expect(sessions.filter((session) => session.supervisor === 'sup-a')).toHaveLength(2);
      expect(sessions.filter((session) => session.supervisor === 'sup-b')).toHaveLength(2);
      const { status, body } = await getJson<ApiHealth>(`${api.url}/health`);
      expect(status).toBe(200);
      expect(body).toMatchObject({ status: 'ok', mode: 'redis', redis: 'up', supervisors: 2 });
    }
    const { status, body } = await getJson<{ supervisor: string; redis: string }>(`${supervisors[0]!.url}/health`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ supervisor: 'sup-a', redis: 'up' });
  });

  it('cancels the job on the supervisor process when the client disconnects from the API process', async () => {
    const controller = new AbortController();
    const pending = chat(apis[0]!.url, '[mock:hang]', { stream: true, signal: controller.signal }).catch(() => 'aborted');
    const holder = await eventually(
      async () => {
        for (const supervisor of supervisors) {
          if ((await sessionsOf(supervisor.url)).some((session) => session.status === 'busy')) return supervisor;
        }
        return undefined;
      },
      { timeoutMs: 5_000, what: 'a supervisor to take the hanging job', intervalMs: 20 },
    );
    const abortedAt = Date.now();
    controller.abort();
    expect(await pending).toBe('aborted');
    await eventually(
      async () => {
        const { body } = await getJson<{ running: number }>(`${holder.url}/health`);
        const busy = (await sessionsOf(holder.url)).some((session) => session.status === 'busy');
        return body.running === 0 && !busy ? true : undefined;
      },
      { timeoutMs: 2_000, what: 'the supervisor to stop the job and free its session', intervalMs: 20 },
    );
    // Measured as ~10–30 ms here (plus up to 20 ms of polling); the bound allows a loaded machine.
    expect(Date.now() - abortedAt).toBeLessThan(1_000);
  });

  it('survives SIGKILL of a supervisor under load: jobs complete elsewhere or fail cleanly, none hangs', async () => {
    type Outcome = 'completed' | 'failed-cleanly' | 'hung' | string;
    const signal = () => AbortSignal.timeout(15_000);
    const quiet = (index: number): Promise<Outcome> =>
      // claude-haiku marks the quiet jobs in the supervisors' session lists.
      chat(apis[index % 2]!.url, `[mock:delay=600] quiet ${index}`, { model: 'claude-haiku', signal: signal() }).then(
        ({ status, text }) => (status === 200 && text.includes(`quiet ${index}`) ? 'completed' : `quiet ${status}: ${text}`),
        () => 'hung',
      );
    const loud = (index: number): Promise<Outcome> =>
      chat(apis[index % 2]!.url, `[mock:words=40] [mock:chunk-delay=25] loud ${index}`, { stream: true, signal: signal() }).then(
        ({ status, text }) => {
          const words = [...text.matchAll(/"content":"(word\d+ ?)"/g)].map((match) => match[1]!.trim());
          const inOrder = words.every((word, position) => word === `word${position}`);
          if (status === 200 && text.includes('[DONE]') && words.length === 40 && inOrder) return 'completed';
          if (status === 200 && text.includes('"code":"job_interrupted"') && inOrder && words.length > 0) return 'failed-cleanly';
          return `loud ${status}: ${text.slice(-300)}`;
        },
        () => 'hung',
      );
    // 3 streams and 1 quiet job fill the 4 sessions: each supervisor holds at least one stream.
    const quiets = [quiet(0)];
    const louds = [loud(0), loud(1), loud(2)];
    const busy = async (supervisor: RoleProcess) => (await sessionsOf(supervisor.url)).filter((session) => session.status === 'busy');
    const victim = await eventually(
      async () => {
        const [a, b] = await Promise.all(supervisors.map(busy));
        if (a!.length + b!.length < 4) return undefined;
        return supervisors[a!.some((session) => session.model === 'claude-haiku') ? 0 : 1];
      },
      { timeoutMs: 5_000, what: 'all four sessions to be busy', intervalMs: 20 },
    );
    const survivor = supervisors.find((supervisor) => supervisor !== victim)!;
    for (let index = 1; index < 12; index++) quiets.push(quiet(index));
    // Let the victim's stream put some words on the wire before it dies.
    await new Promise((resolve) => setTimeout(resolve, 250));
    await victim.kill();
    killed = victim;
    const killedAt = Date.now();
    const vanished = eventually(
      async () => ((await sessionsOf(apis[1]!.url)).some((session) => session.supervisor === victim.name) ? undefined : Date.now() - killedAt),
      { timeoutMs: 3_000, what: 'the killed supervisor’s sessions to leave the cluster view', intervalMs: 20 },
    );
    const outcomes = await Promise.all([...quiets, ...louds]);
    const count = (outcome: string) => outcomes.filter((value) => value === outcome).length;
    expect(outcomes.filter((value) => !['completed', 'failed-cleanly', 'hung'].includes(value))).toEqual([]);
    expect(count('hung')).toBe(0);
    // Nothing had been written for the quiet jobs yet, including the one the victim held:
    // another supervisor ran them to the end.
    expect(outcomes.slice(0, quiets.length)).toEqual(Array(quiets.length).fill('completed'));
    // The victim's stream had output on the wire: it ends with job_interrupted, not a second answer.
    expect(count('failed-cleanly')).toBeGreaterThanOrEqual(1);
    expect(survivor.alive()).toBe(true);

    // Registry entries live 3 heartbeats (0.75 s here).
    expect(await vanished).toBeLessThan(3_000);
    const { body } = await getJson<ApiHealth>(`${apis[0]!.url}/health`);
    expect(body.supervisors).toBe(1);
  }, 30_000);

  it('rides out a Redis restart under load: fast 503s in the gap, then recovery, no process crashes', async () => {
    const results: Array<{ status: number; ms: number }> = [];
    let running = true;
    const clients = Array.from({ length: 4 }, async (_, index) => {
      while (running) {
        const startedAt = Date.now();
        const { status } = await chat(apis[index % 2]!.url, `load ${index}`, { signal: AbortSignal.timeout(10_000) }).catch(() => ({ status: 0 }));
        results.push({ status, ms: Date.now() - startedAt });
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    await eventually(async () => (results.filter((result) => result.status === 200).length >= 20 ? true : undefined), { timeoutMs: 5_000, what: 'load', intervalMs: 20 });
    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await redis.start();
    const restartedAt = results.length;
    await eventually(
      async () => (results.slice(restartedAt).filter((result) => result.status === 200).length >= 20 ? true : undefined),
      { timeoutMs: 10_000, what: 'requests to succeed again after the restart', intervalMs: 20 },
    );
    running = false;
    await Promise.all(clients);

    const failures = results.filter((result) => result.status !== 200);
    expect(failures.length).toBeGreaterThan(0);
    // Every failure was a quick 503 (or a 502 for a job cut off mid-flight), never a hang.
    expect(failures.filter((result) => result.status !== 503 && result.status !== 502)).toEqual([]);
    expect(Math.max(...failures.map((result) => result.ms))).toBeLessThan(1_000);
    for (const process of all().filter((candidate) => candidate !== killed)) expect(process.alive(), process.output()).toBe(true);
    for (const api of apis) {
      await eventually(
        async () => ((await getJson<ApiHealth>(`${api.url}/health`)).status === 200 ? true : undefined),
        { timeoutMs: 5_000, what: `${api.name} to be healthy again`, intervalMs: 20 },
      );
    }
  }, 30_000);

  it('stops every surviving process cleanly on SIGTERM', async () => {
    const survivors = all().filter((process) => process.alive());
    expect(survivors.map((process) => process.name)).toHaveLength(3);
    expect(await Promise.all(survivors.map((process) => process.stop()))).toEqual([0, 0, 0]);
  });
});
