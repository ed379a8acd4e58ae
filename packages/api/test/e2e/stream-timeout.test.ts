import { afterEach, describe, expect, it } from 'vitest';
import { redisGateway } from '../helpers/redis-gateway.ts';
import { serveGateway, type ServedGateway } from '../helpers/served-gateway.ts';
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
 * that get a session stream output, then end with a `timeout` event; the 26 still waiting for a
 * session at their deadline must get a plain 504, never SSE headers, a word and a timeout event
 * (18 of 30 did: the timer that freed a session at the deadline handed it to the next waiter
 * before that waiter's own deadline timer fired).
 */
describe.each<[string, GatewayFactory]>([
  ['in-process', inProcessGateway],
  ['redis', redisGateway],
])('streams that time out waiting for a session (%s)', (_name, factory) => {
  let served: ServedGateway | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
  });

  const stream = async (url: string, index: number): Promise<Outcome> => {
    const response = await fetch(`${url}/v1/chat/completions`, {
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
    served = await serveGateway(
      { LLM_POOL_SIZE: String(SESSIONS), LLM_MAX_OVERFLOW: '0', LLM_REQUEST_TIMEOUT: '1' },
      { factory },
    );
    const gateway = served.gateway;
    // Warm sessions first, so the 4 first streams start at once.
    for (let attempt = 0; attempt < 200 && (await gateway.dispatcher.health()).pool.ready < SESSIONS; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const url = served.url;
    const outcomes = await Promise.all(Array.from({ length: STREAMS }, (_, index) => stream(url, index)));

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
