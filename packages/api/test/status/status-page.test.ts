import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionInfo } from '@llm-gateway/shared';
import type { Gateway } from '../../src/gateway.ts';
import { startServer, type RunningServer } from '@llm-gateway/shared';
import { inProcessGateway } from '../helpers/test-gateway.ts';

// Debian's Chromium (installed by scripts/setup.sh): no browser can be downloaded here.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('the status page in a real browser', () => {
  let gateway: Gateway;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/setup.sh as root, or set CHROMIUM_PATH`);
    gateway = await inProcessGateway({ LLM_POOL_SIZE: '3' });
    server = await startServer(gateway.app, { port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const post = (content: string) =>
      fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': `page-${content.length}` },
        body: JSON.stringify({ model: 'claude-sonnet', messages: [{ role: 'user', content }] }),
      });
    await post('warm up');
    await post('[mock:error=upstream_error]');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await gateway?.close();
  });

  it('shows the real sessions, per-supervisor counts and recent errors', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`${server.url}/`);
    const rows = page.locator('#sessions tbody tr');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(3);

    const listed = ((await (await fetch(`${server.url}/sessions`)).json()) as { sessions: SessionInfo[] }).sessions;
    const shownIds = await page.locator('#sessions tbody tr td:first-child').allTextContents();
    expect(shownIds.sort()).toEqual(listed.map((session) => session.id).sort());
    const byState = await page.locator('#by-state tbody tr').first().locator('td').allTextContents();
    expect(byState[0]).toBe(listed[0]!.supervisor);
    expect(Number(byState[2]) + Number(byState[3]) + Number(byState[4])).toBe(3);
    await expect.poll(() => page.locator('#errors tbody').textContent()).toContain('upstream_error');
    expect(await page.locator('#overall').textContent()).toContain('ok');

    // The screenshot of the sessions table holds its three rows, not an empty table.
    const table = page.locator('#sessions');
    const box = await table.boundingBox();
    const png = await table.screenshot();
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(box!.height).toBeGreaterThan(3 * 20);
    expect(png.length).toBeGreaterThan(2_000);
    await page.close();
  });
});

describe('the status page when keys are configured', () => {
  let gateway: Gateway;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    gateway = await inProcessGateway({ LLM_POOL_SIZE: '2', LLM_API_KEYS: 'tenant-key-123:acme', LLM_ADMIN_KEY: 'admin-key-456' });
    server = await startServer(gateway.app, { port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await gateway?.close();
  });

  it('guards /status like /sessions', async () => {
    expect((await fetch(`${server.url}/status`)).status).toBe(401);
    expect((await fetch(`${server.url}/status`, { headers: { authorization: 'Bearer tenant-key-123' } })).status).toBe(403);
    expect((await fetch(`${server.url}/status`, { headers: { authorization: 'Bearer admin-key-456' } })).status).toBe(200);
  });

  it('asks for the admin key, then shows the sessions', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.locator('#login').waitFor({ state: 'visible' });
    expect(await page.locator('#sessions tbody tr').count()).toBe(0);
    await page.fill('#key', 'admin-key-456');
    await page.click('#login button');
    await expect.poll(() => page.locator('#sessions tbody tr').count(), { timeout: 10_000 }).toBe(2);
    expect(await page.locator('#login').isHidden()).toBe(true);
    await page.close();
  });
});
