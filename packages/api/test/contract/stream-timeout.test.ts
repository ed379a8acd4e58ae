import { afterEach, describe, expect, it } from 'vitest';
import { START_MARGIN_MS } from '@llm-gateway/supervisor';
import type { Gateway } from '../../src/gateway.ts';
import { redisGateway } from '../helpers/redis-gateway.ts';
import { inProcessGateway, type GatewayFactory } from '../helpers/test-gateway.ts';

const SESSIONS = 4;
const STREAMS = 30;
/** How long after the 4 the 26 come: well inside the start margin, long enough for a word to be sent over Redis. */
const GAP_MS = 50;

interface Outcome {
  status: number;
  contentType: string;
  body: string;
}

/**
 * The case: 30 streams for 4 sessions, each answer slower than the request timeout. The 4
 * that get a session stream output, then end with a `timeout` event; the 26 that wait for a
 * session until (nearly) their deadline must get a plain 504, never SSE headers, a word and a
 * timeout event (18 of 30 did: the session freed at one stream's deadline went at once to the
 * next waiter, whose own deadline was a few ms later).
 *
 * The 26 come 50 ms after the 4, all at once through `app.request()`: each is handed a session at
 * the deadline of the one before it with ~50 ms of its own left, in both modes the case that
 * streamed one word (over sockets on a loaded machine, arrivals spread over more than the start
 * margin, and a waiter may rightly get a session with time left, stream, then time out;
 * `bench/operator-checks.ts` runs the burst over sockets against real processes).
 */
describe.each<[string, GatewayFactory]>([
  ['in-process', inProcessGateway],
  ['redis', redisGateway],
])('streams that time out waiting for a session (%s)', (_name, factory) => {
  let gateway: Gateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  const stream = async (index: number): Promise<Outcome> => {
    const response = await gateway!.app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'claude-sonnet',
        stream: true,
        messages: [{ role: 'user', content: `[mock:words=40] [mock:chunk-delay=50] stream ${index}` }],
      }),
    });
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
  };

  /**
   * One burst: the 4 streams that take the sessions, then the 26 some {@link GAP_MS} later. Returns the
   * gap too: on a loaded machine the sleep can last past the start margin, and then a waiter
   * rightly gets a session with time left.
   */
  const burst = async () => {
    for (let attempt = 0; attempt < 200 && (await gateway!.dispatcher.health()).pool.ready < SESSIONS; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const occupantsSent = Date.now();
    const occupants = Array.from({ length: SESSIONS }, (_, index) => stream(index));
    await new Promise((resolve) => setTimeout(resolve, GAP_MS));
    const gapMs = Date.now() - occupantsSent;
    const waiters = Array.from({ length: STREAMS - SESSIONS }, (_, index) => stream(SESSIONS + index));
    return { outcomes: await Promise.all([...occupants, ...waiters]), gapMs };
  };

  it('answers 504 with an OpenAI error body, before any header, to each one', async () => {
    gateway = await factory({ LLM_POOL_SIZE: String(SESSIONS), LLM_MAX_OVERFLOW: '0', LLM_REQUEST_TIMEOUT: '1' });
    let { outcomes, gapMs } = await burst();
    for (let retry = 0; retry < 2 && gapMs > START_MARGIN_MS - 25; retry++) ({ outcomes, gapMs } = await burst());
    expect(gapMs, `the machine is too busy to keep a ${GAP_MS} ms gap`).toBeLessThanOrEqual(START_MARGIN_MS - 25);

    const streamed = outcomes.filter((outcome) => outcome.status === 200);
    const refused = outcomes.filter((outcome) => outcome.status !== 200);
    expect(streamed.length).toBe(SESSIONS);
    for (const outcome of streamed) {
      expect(outcome.contentType).toContain('text/event-stream');
      expect(outcome.body).toContain('"content":"word0 "');
      expect(outcome.body).toContain('"code":"timeout"');
    }
    expect(refused.length).toBe(STREAMS - SESSIONS);
    for (const outcome of refused) {
      expect(outcome.status).toBe(504);
      expect(outcome.contentType).toContain('application/json');
      expect(JSON.parse(outcome.body)).toEqual({
        error: { message: expect.any(String), type: 'server_error', param: null, code: 'timeout' },
      });
    }
  });
});
