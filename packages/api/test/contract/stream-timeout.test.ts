import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.ts';
import { redisGateway } from '../helpers/redis-gateway.ts';
import { inProcessGateway, type GatewayFactory } from '../helpers/test-gateway.ts';

const SESSIONS = 4;
const STREAMS = 30;

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
 * The 26 come 30 ms after the 4, all at once through `app.request()`: each is handed a session at
 * the deadline of the one before it with ~30 ms of its own left, in both modes the case that
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

  it('answers 504 with an OpenAI error body, before any header, to each one', async () => {
    gateway = await factory({ LLM_POOL_SIZE: String(SESSIONS), LLM_MAX_OVERFLOW: '0', LLM_REQUEST_TIMEOUT: '1' });
    // Warm sessions first, so the 4 first streams start at once.
    for (let attempt = 0; attempt < 200 && (await gateway.dispatcher.health()).pool.ready < SESSIONS; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const occupants = Array.from({ length: SESSIONS }, (_, index) => stream(index));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const waiters = Array.from({ length: STREAMS - SESSIONS }, (_, index) => stream(SESSIONS + index));
    const outcomes = await Promise.all([...occupants, ...waiters]);

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
        error: { message: expect.any(String), type: 'timeout_error', param: null, code: 'timeout' },
      });
    }
  });
});
