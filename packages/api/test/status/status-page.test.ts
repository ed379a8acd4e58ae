import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SessionInfo } from '@llm-gateway/shared';
import type { Gateway } from '../../src/gateway.ts';
import { startServer, type RunningServer } from '@llm-gateway/shared';
import { inProcessGateway } from '../helpers/test-gateway.ts';

// Debian's Chromium (installed by scripts/setup.sh): no browser can be downloaded here.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const launch = () =>
  chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
/** Date, time and zone, as the page writes every time. */
const STAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC([+-]\d{2}:\d{2})?$/;
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const post = (url: string, body: Record<string, unknown>) =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'claude-sonnet', ...body }) });
const say = (content: string) => ({ messages: [{ role: 'user', content }] });
/** The cells of each row of a table's body. */
const cells = (page: Page, table: string) =>
  page.locator(`#${table} tbody tr`).evaluateAll((rows) => rows.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));

describe('the status page in a real browser', () => {
  let gateway: Gateway;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/setup.sh as root, or set CHROMIUM_PATH`);
    gateway = await inProcessGateway({ LLM_POOL_SIZE: '3', LLM_MAX_OVERFLOW: '1' });
    server = await startServer(gateway.app, { port: 0, host: '127.0.0.1' });
    browser = await launch();
    // The warm pool first, so the answer is a warm session's (and the page shows it used).
    const ready = async () => ((await (await fetch(`${server.url}/sessions`)).json()) as { sessions: SessionInfo[] }).sessions.filter((x) => x.status === 'ready').length;
    await vi.waitFor(async () => expect(await ready()).toBe(3), { timeout: 10_000, interval: 50 });
    await post(server.url, say('warm up'));
    await post(server.url, say('[mock:error=upstream_error]'));
    await post(server.url, { messages: 'not a list' });
    await post(server.url, { ...say('hi'), model: 'gpt-17' });
    // After the failure (whose session is recycled), one more answer: a session shown used.
    await post(server.url, say('and another'));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await gateway?.close();
  });

  it('shows the sessions, each supervisor with its pool, latency with its sample count, and errors apart', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.locator('#sessions tbody tr').count(), { timeout: 10_000 }).toBe(3);

    const listed = ((await (await fetch(`${server.url}/sessions`)).json()) as { sessions: SessionInfo[] }).sessions;
    const sessions = await cells(page, 'sessions');
    expect(sessions.map((cell) => cell[0]).sort()).toEqual(listed.map((session) => session.id).sort());
    for (const cell of sessions) expect(cell[7]).toMatch(STAMP);

    // One supervisor, this process's: the configured pool, and its sessions by state.
    const [supervisor, ...others] = await cells(page, 'supervisor-table');
    expect(others).toEqual([]);
    expect(supervisor!.slice(0, 2)).toEqual([listed[0]!.supervisor, VERSION]);
    expect(supervisor![2]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC.* \(\d+ (s|min)/);
    expect(supervisor!.slice(3, 5)).toEqual(['mock', 'mock: 3 + 1']);
    expect(supervisor!.slice(5).reduce((sum, count) => sum + Number(count), 0)).toBe(3);

    // Latency over the two answers, said so; the errors counted and listed apart, with their messages.
    expect(await page.locator('#latency-detail').textContent()).toBe('over 2 answers');
    expect(await page.locator('#rate-detail').textContent()).toBe('5 requests');
    expect(sessions.some((cell) => cell[6] === '1' && /^\d{4}-\d{2}-\d{2} .* UTC.* \(\d+ s\)$/.test(cell[8]!))).toBe(true);
    expect(await page.locator('#server-count').textContent()).toBe('1');
    expect(await page.locator('#client-count').textContent()).toBe('2');
    const [serverError] = await cells(page, 'server-errors');
    expect(serverError![0]).toMatch(STAMP);
    expect(serverError!.slice(1, 3)).toEqual(['502', 'upstream_error']);
    expect(serverError![3]!.length).toBeGreaterThan(0);
    const clientErrors = await cells(page, 'client-errors');
    expect(clientErrors.map((cell) => cell.slice(1, 4))).toEqual([
      ['404', 'model_not_found', 'The model `gpt-17` does not exist or you do not have access to it.'],
      ['400', 'invalid_type', "Invalid type for 'messages': expected an array of objects, but got a string instead."],
    ]);

    const subtitle = (await page.locator('#subtitle').textContent()) ?? '';
    expect(subtitle).toContain(`version ${VERSION}`);
    expect(subtitle).toMatch(/API up \d+ (s|min)/);
    expect(subtitle).toMatch(/updated \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
    expect(await page.locator('#overall').textContent()).toContain('ok');

    // A picture a person can look at (docs/status-page.png is one): the whole page, every table filled.
    const png = await page.screenshot({ fullPage: true });
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
    if (process.env.STATUS_PAGE_SCREENSHOT) writeFileSync(process.env.STATUS_PAGE_SCREENSHOT, png);
    await page.close();
  });

  it("shows a newer supervisor's record: backends, pool, version and start", async () => {
    const page = await browser.newPage();
    const real = (await (await fetch(`${server.url}/status`)).json()) as Record<string, unknown>;
    const startedAt = Date.now() - 90 * 60_000;
    const records = [
      { id: 'sup-a', backends: ['cli', 'api'], pool: [{ backend: 'cli', size: 2, maxOverflow: 2 }], version: '9.9.9', startedAt },
      { id: 'sup-b' }, // an older supervisor: no such fields
    ];
    await page.route('**/status', (route) => route.fulfill({ json: { ...real, mode: 'redis', supervisors: records.length, supervisorRecords: records, sessions: [] } }));
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.locator('#supervisor-table tbody tr').count(), { timeout: 10_000 }).toBe(2);
    const [a, b] = await cells(page, 'supervisor-table');
    expect(a!.slice(0, 5)).toEqual(['sup-a', '9.9.9', expect.stringMatching(/ \(1 h 30 min\)$/), 'cli, api', 'cli: 2 + 2']);
    expect(b!.slice(0, 5)).toEqual(['sup-b', '–', '–', '–', '–']);
    expect(await page.locator('#supervisors').textContent()).toBe('2');
    await page.close();
  });
});

describe('the status page after a lone timeout', () => {
  let gateway: Gateway;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    gateway = await inProcessGateway({ LLM_POOL_SIZE: '1', LLM_REQUEST_TIMEOUT: '1' });
    server = await startServer(gateway.app, { port: 0, host: '127.0.0.1' });
    browser = await launch();
    expect((await post(server.url, say('[mock:hang]'))).status).toBe(504);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await gateway?.close();
  });

  it('reads as one timeout, not as the latency of the answers', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.locator('#server-count').textContent(), { timeout: 10_000 }).toBe('1');
    expect(await page.locator('#latency').textContent()).toBe('–');
    expect(await page.locator('#latency-detail').textContent()).toBe('no answers yet');
    const [timeout] = await cells(page, 'server-errors');
    expect(timeout!.slice(1, 3)).toEqual(['504', 'timeout']);
    expect(timeout![4]).toMatch(/^1\.\d s$/);
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
    browser = await launch();
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
