import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, loadConfig } from '@llm-gateway/shared';
import { createGateway, type Gateway } from '../gateway.ts';

/**
 * A stream whose job fails before its first part (an error event, or the request timeout) is
 * answered with a plain HTTP error. The job must still be ended: in-process, its pooled session
 * stayed busy for good before, so a pool of one was dead after a single such request.
 */
describe('a stream that fails before its first part', () => {
  let gateway: Gateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  const post = (content: string, stream: boolean) =>
    gateway!.app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet', stream, messages: [{ role: 'user', content }] }),
    });

  const settled = async () => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const statuses = gateway!.supervisor!.sessions().map((session) => session.status);
      if (statuses.length > 0 && statuses.every((status) => status === 'ready')) return statuses;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return gateway!.supervisor!.sessions().map((session) => session.status);
  };

  it('gives its session back, whether the job failed or timed out', async () => {
    gateway = await createGateway({
      config: loadConfig({ LLM_BACKEND: 'mock', LLM_POOL_SIZE: '1', LLM_MAX_OVERFLOW: '0', LLM_REQUEST_TIMEOUT: '0.3', LOG_LEVEL: 'silent' }),
      log: createLogger({ level: 'silent' }),
    });
    for (let index = 0; index < 3; index++) {
      const failed = await post('[mock:error=upstream_error] fail', true);
      expect(failed.status).toBe(502);
      expect(await settled()).toEqual(['ready']);
    }
    const timedOut = await post('[mock:hang] wait', true);
    expect(timedOut.status).toBe(504);
    expect(await settled()).toEqual(['ready']);

    const answered = await post('Hello!', false);
    expect(answered.status).toBe(200);
  });
});
