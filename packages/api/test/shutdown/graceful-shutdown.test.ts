import { afterEach, describe, expect, it } from 'vitest';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.ts';

const body = (content: string) =>
  JSON.stringify({ model: 'claude-sonnet', messages: [{ role: 'user', content }] });

describe('graceful shutdown on SIGTERM', () => {
  let gateway: GatewayProcess | undefined;
  afterEach(async () => {
    await gateway?.kill();
  });

  it('fails readiness, refuses new work, finishes the request in flight and exits 0', async () => {
    gateway = await spawnGateway({ LLM_BACKEND: 'mock', LLM_SHUTDOWN_GRACE: '10' });
    const { url } = gateway;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    const inFlight = fetch(`${url}/v1/chat/completions`, { method: 'POST', body: body('slow one [mock:delay=1500]') });
    // Wait until the gateway has accepted it, then ask it to stop.
    await expect.poll(async () => ((await (await fetch(`${url}/status`)).json()) as { inflight: number }).inflight).toBe(1);
    const signalledAt = Date.now();
    gateway.child.kill('SIGTERM');

    await expect.poll(async () => (await fetch(`${url}/readyz`)).status).toBe(503);
    const refused = await fetch(`${url}/v1/chat/completions`, { method: 'POST', body: body('too late') });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');

    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toContain('slow one');

    const { code } = await gateway.exited;
    expect(code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(gateway.logs.some((line) => line.msg === 'shut down')).toBe(true);
  });

  it('exits 0 at the end of the grace period even when a request does not finish', async () => {
    gateway = await spawnGateway({ LLM_BACKEND: 'mock', LLM_SHUTDOWN_GRACE: '1', LLM_REQUEST_TIMEOUT: '30' });
    const hanging = fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body: body('[mock:hang]') }).catch((error: unknown) => error);
    await expect.poll(async () => ((await (await fetch(`${gateway!.url}/status`)).json()) as { inflight: number }).inflight).toBe(1);
    const signalledAt = Date.now();
    gateway.child.kill('SIGTERM');
    const { code } = await gateway.exited;
    expect(code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
    await hanging;
  });
});
