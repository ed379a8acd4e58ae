import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rssBytes } from '@llm-gateway/testkit';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.ts';

const KEYS = { open: 'sk-abuse-open-4c1e9a', limited: 'sk-abuse-limited-7b2d5f', admin: 'sk-abuse-admin-3e8a1c' };
const MB = 1024 * 1024;

interface Answer {
  status: number;
  bytes: number;
  ms: number;
}

/** POSTs `body` `count` times, `concurrency` at a time, and reads every answer whole. */
async function flood(url: string, key: string, body: Buffer, count: number, concurrency: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const started = performance.now();
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body,
      });
      const text = await response.text();
      answers.push({ status: response.status, bytes: Buffer.byteLength(text), ms: performance.now() - started });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return answers;
}

/**
 * Sends a request head declaring `declaredBytes` of body and then only `sent` of them, over a raw
 * socket, and resolves with the status once the whole answer is in: an answer at all proves the
 * gateway did not wait for the rest of the body.
 */
function postHead(url: string, key: string, sent: Buffer, declaredBytes: number): Promise<Answer> {
  const { hostname, port } = new URL(url);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const text = received.toString('latin1');
      const headEnd = text.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(text);
      if (headEnd < 0 || !length || received.length < headEnd + 4 + Number(length[1])) return;
      socket.destroy();
      resolve({ status: Number(text.slice(9, 12)), bytes: Number(length[1]), ms: performance.now() - started });
    });
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: ${hostname}\r\nauthorization: Bearer ${key}\r\n` +
        `content-type: application/json\r\ncontent-length: ${declaredBytes}\r\n\r\n`,
    );
    socket.write(sent);
  });
}

async function sequentially(count: number, send: () => Promise<Answer>): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let index = 0; index < count; index++) answers.push(await send());
  return answers;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const request = (model: string, content: string) => Buffer.from(JSON.stringify({ model, messages: [{ role: 'user', content }] }));

/**
 * The incident: 1,050 requests with 4 MB `model` strings ran the gateway out of memory, and the
 * rate limit never saw them. A real gateway process on 127.0.0.1; its RSS read from /proc.
 */
describe('abuse: huge model strings against a real gateway process', () => {
  let gateway: GatewayProcess;
  const hugeModel = request('m'.repeat(4 * MB), 'Hi');
  beforeAll(async () => {
    gateway = await spawnGateway({
      LLM_BACKEND: 'mock',
      LLM_API_KEYS: `${KEYS.open}:open,${KEYS.limited}:limited`,
      LLM_ADMIN_KEY: KEYS.admin,
      LLM_TENANT_LIMITS: 'limited:rpm=5',
      // Past the 4 MB of the model: the body limit is not what protects the gateway here.
      LLM_MAX_BODY_BYTES: String(8 * MB),
    });
  });
  afterAll(() => gateway?.kill());

  // ~7 s alone, ~12 s beside the rest of the suite on two cores.
  it('answers hundreds of 4 MB models with small 400s naming the param, and its memory stays bounded', { timeout: 60_000 }, async () => {
    // Warm up on the same path, so the baseline includes what parsing a 4 MB body needs at all.
    await flood(gateway.url, KEYS.open, hugeModel, 16, 4);
    const baseline = rssBytes(gateway.child.pid!)!;
    const started = performance.now();
    // In two halves: garbage left for the collector makes RSS jump by a varying amount (+11 to
    // +228 MB over 200 requests, measured), but a gateway that kept what it was sent would grow by
    // 4 MB a request in each half alike: 400 MB per half.
    const answers = await flood(gateway.url, KEYS.open, hugeModel, 100, 4);
    const halfway = rssBytes(gateway.child.pid!)!;
    answers.push(...(await flood(gateway.url, KEYS.open, hugeModel, 100, 4)));
    const seconds = (performance.now() - started) / 1000;
    const end = rssBytes(gateway.child.pid!)!;
    const growth = end - baseline;
    const secondHalf = end - halfway;
    console.info(`200 × 4 MB model: ${seconds.toFixed(2)} s, RSS ${(baseline / MB).toFixed(0)} MB → +${(growth / MB).toFixed(0)} MB (second 100: ${(secondHalf / MB).toFixed(0)} MB)`);

    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([400]));
    expect(Math.max(...answers.map((answer) => answer.bytes))).toBeLessThan(300);
    // Without the cap: +1,565 MB. Kept models would be 400 MB per half; bodies in flight and
    // uncollected garbage are tens to a couple of hundred.
    expect(secondHalf).toBeLessThan(150 * MB);
    expect(growth).toBeLessThan(400 * MB);
    expect(gateway.child.exitCode).toBeNull();
    expect((await fetch(`${gateway.url}/livez`)).status).toBe(200);
    const status = await (await fetch(`${gateway.url}/status`, { headers: { authorization: `Bearer ${KEYS.admin}` } })).text();
    expect(status.length).toBeLessThan(64 * 1024);
    const longest = Math.max(...gateway.logs.map((line) => JSON.stringify(line).length));
    expect(longest).toBeLessThan(4096);
  });

  it('refuses a tenant over its RPM before reading the body: a 4.9 MB request gets its 429 as fast as a tiny one', async () => {
    const tiny = request('claude-sonnet', 'Hi');
    const admitted = await flood(gateway.url, KEYS.limited, tiny, 5, 1);
    expect(admitted.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    const huge = Buffer.from(JSON.stringify({ model: 'm'.repeat(4 * MB), messages: [{ role: 'user', content: 'x'.repeat(900_000) }] }));
    // Only the first 64 KiB of the 4.9 MB are ever sent: the gateway answers without the rest.
    const headOnly = await sequentially(100, () => postHead(gateway.url, KEYS.limited, huge.subarray(0, 64 * 1024), huge.length));
    const small = await sequentially(100, () => postHead(gateway.url, KEYS.limited, tiny, tiny.length));
    const baseline = rssBytes(gateway.child.pid!)!;
    const whole = await flood(gateway.url, KEYS.limited, huge, 50, 4);
    const growth = rssBytes(gateway.child.pid!)! - baseline;
    const [hugeMs, tinyMs] = [median(headOnly.map((answer) => answer.ms)), median(small.map((answer) => answer.ms))];
    console.info(`429 median: ${hugeMs.toFixed(2)} ms for a 4.9 MB request, ${tinyMs.toFixed(2)} ms for a tiny one; 50 whole 4.9 MB bodies: RSS +${(growth / MB).toFixed(0)} MB`);

    for (const answers of [headOnly, small, whole]) {
      expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([429]));
      expect(Math.max(...answers.map((answer) => answer.bytes))).toBeLessThan(300);
    }
    expect(hugeMs).toBeLessThan(tinyMs * 2 + 5);
    expect(growth).toBeLessThan(100 * MB);
    expect(gateway.child.exitCode).toBeNull();
  });
});
