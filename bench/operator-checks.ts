import { connect } from 'node:net';
import { spawnRole, startRedisServer, type RoleProcess } from '@llm-gateway/testkit';

/**
 * `npx tsx bench/operator-checks.ts`: the security issue's operations checks against real
 * processes with the shipped defaults, in split mode (a private redis-server, one API, one
 * supervisor, mock backend, 4 sessions, LLM_REQUEST_TIMEOUT=1):
 *
 * 1. 50 slowloris sockets on the supervisor's port (one header byte every 200 ms): when each is
 *    cut, and how `/livez` answers meanwhile;
 * 2. 30 streams for the 4 sessions, each answer slower than the timeout, three rounds: how many
 *    stream (200, output, then a `timeout` event) and how many get a plain 504;
 * 3. `/metrics` on both ports without a key and with a tenant, admin and metrics key, and whether
 *    `/health` names the tenant.
 */
const KEYS = { tenant: 'sk-acme-4c8e1f0b9d', admin: 'sk-admin-9f1e3d5b7a', metrics: 'sk-metrics-2b4d6f8a0c' };

async function slowloris(supervisor: RoleProcess, sockets = 50): Promise<string> {
  const port = Number(new URL(supervisor.url).port);
  const started = Date.now();
  const attack = (): Promise<{ ms: number; status: string }> =>
    new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let reply = '';
      let timer: ReturnType<typeof setInterval> | undefined;
      socket.on('connect', () => {
        socket.write('GET /livez HTTP/1.1\r\nHost: x\r\n');
        timer = setInterval(() => socket.write('X'), 200);
      });
      socket.on('data', (chunk: Buffer) => (reply += chunk.toString('latin1')));
      socket.on('error', () => {});
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ ms: Date.now() - started, status: reply.slice(9, 12) || 'none' });
      });
    });
  let over = false;
  const attacks = Promise.all(Array.from({ length: sockets }, attack)).finally(() => (over = true));
  const probes: number[] = [];
  while (!over) {
    const probeStarted = Date.now();
    const response = await fetch(`${supervisor.url}/livez`);
    await response.text();
    if (response.status !== 200) throw new Error(`/livez answered ${response.status} during the attack`);
    probes.push(Date.now() - probeStarted);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const cut = (await attacks).map((result) => result.ms).sort((a, b) => a - b);
  const statuses = [...new Set((await attacks).map((result) => result.status))].join(', ');
  return `${sockets} slowloris sockets cut after ${cut[0]}-${cut.at(-1)} ms (status ${statuses}); /livez meanwhile: ${probes.length} probes, all 200, slowest ${Math.max(...probes)} ms`;
}

async function streamsForFewSessions(api: RoleProcess, streams = 30): Promise<string> {
  const outcomes = await Promise.all(
    Array.from({ length: streams }, async (_, index) => {
      const response = await fetch(`${api.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.tenant}` },
        body: JSON.stringify({ model: 'claude-sonnet', stream: true, messages: [{ role: 'user', content: `[mock:words=40] [mock:chunk-delay=50] ${index}` }] }),
      });
      const text = await response.text();
      const kind = response.headers.get('content-type')?.split(';')[0];
      return `${response.status} ${kind}${text.includes('"code":"timeout"') ? ' (timeout)' : ''}`;
    }),
  );
  const counts = new Map<string, number>();
  for (const outcome of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  return [...counts].map(([outcome, count]) => `${count} × ${outcome}`).join(', ');
}

async function metricsAccess(name: string, process: RoleProcess): Promise<string> {
  const statuses: string[] = [];
  for (const [who, key] of [['none', undefined], ['tenant', KEYS.tenant], ['admin', KEYS.admin], ['metrics', KEYS.metrics]] as const) {
    const response = await fetch(`${process.url}/metrics`, key ? { headers: { authorization: `Bearer ${key}` } } : {});
    await response.text();
    statuses.push(`${who} ${response.status}`);
  }
  const health = await (await fetch(`${process.url}/health`)).text();
  return `${name} /metrics: ${statuses.join(', ')}; /health names the tenant: ${health.includes('acme')}`;
}

const redis = await startRedisServer();
const env = {
  REDIS_URL: `redis://127.0.0.1:${redis.port}`,
  REDIS_PREFIX: 'operator-checks',
  LLM_BACKEND: 'mock',
  LLM_POOL_SIZE: '4',
  LLM_MAX_OVERFLOW: '0',
  LLM_REQUEST_TIMEOUT: '1',
  LLM_API_KEYS: `${KEYS.tenant}:acme`,
  LLM_ADMIN_KEY: KEYS.admin,
  LLM_METRICS_KEY: KEYS.metrics,
};
const supervisor = await spawnRole('supervisor', 'supervisor', env);
const api = await spawnRole('api', 'api', env);
try {
  console.log(await slowloris(supervisor));
  for (let round = 1; round <= 3; round++) console.log(`streams, round ${round}: ${await streamsForFewSessions(api)}`);
  console.log(await metricsAccess('api', api));
  console.log(await metricsAccess('supervisor', supervisor));
} finally {
  await api.stop();
  await supervisor.stop();
  await redis.stop();
}
