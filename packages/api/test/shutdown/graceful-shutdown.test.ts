import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnGateway, type GatewayProcess, type StartMode } from '../helpers/gateway-process.ts';
import { descendants, isRunning } from '../helpers/process-tree.ts';

const body = (content: string) =>
  JSON.stringify({ model: 'claude-sonnet', messages: [{ role: 'user', content }] });

/** The command line of a live process, read from /proc (Linux). */
const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((word) => word !== '').join(' ');

/** npx fetches pnpm once (then it is cached) and pnpm builds dist/ when it is stale. */
const START_TIMEOUT_MS: Record<StartMode, number> = { tsx: 20_000, npx: 90_000 };

describe.each<StartMode>(['tsx', 'npx'])('graceful shutdown on SIGTERM (started with %s)', (mode) => {
  let gateway: GatewayProcess | undefined;
  afterEach(async () => {
    await gateway?.kill();
  });

  it('fails readiness, refuses new work, finishes the request in flight and exits 0', { timeout: START_TIMEOUT_MS[mode] + 20_000 }, async () => {
    gateway = await spawnGateway({ LLM_BACKEND: 'mock', LLM_SHUTDOWN_GRACE: '10' }, START_TIMEOUT_MS[mode], mode);
    const { url } = gateway;
    const tree = descendants(gateway.child.pid!);
    if (mode === 'npx') {
      // npm → pnpm → node on the compiled entry point: no shell, tsx or esbuild left in between.
      const commands = tree.map((process) => commandLine(process.pid));
      expect(commands.filter((command) => command.startsWith('node ') || command.includes('/node '))).toEqual([
        expect.stringMatching(/node --enable-source-maps --max-semi-space-size=32 packages\/api\/dist\/main\.js$/),
      ]);
      expect(commands.filter((command) => /tsx|esbuild/.test(command))).toEqual([]);
    }
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
    expect(tree.filter((process) => isRunning(process.pid))).toEqual([]);
  });

  it('exits 0 at the end of the grace period even when a request does not finish', { timeout: START_TIMEOUT_MS[mode] + 20_000 }, async () => {
    gateway = await spawnGateway({ LLM_BACKEND: 'mock', LLM_SHUTDOWN_GRACE: '1', LLM_REQUEST_TIMEOUT: '30' }, START_TIMEOUT_MS[mode], mode);
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
