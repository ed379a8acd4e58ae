import { describe, expect, it } from 'vitest';
import { GatewayError, type StreamPart } from '@llm-gateway/shared';
import { retryBeforeOutput, type RetryBeforeOutputOptions } from './retry-before-output.ts';

const text = (value: string): StreamPart => ({ type: 'text-delta', text: value });
const finish: StreamPart = { type: 'finish', finishReason: 'stop' };

function options(signal = new AbortController().signal): RetryBeforeOutputOptions {
  return {
    signal,
    label: 'test upstream',
    maxRetries: 2,
    baseDelayMs: 1,
    maxDelayMs: 1,
    retryable: (error) => (error as Error).message === 'flaky',
    retryAfter: () => undefined,
    toGatewayError: (error) => new GatewayError('upstream_error', (error as Error).message),
    describe: String,
  };
}

async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const all: StreamPart[] = [];
  for await (const part of parts) all.push(part);
  return all;
}

describe('retryBeforeOutput', () => {
  it('tries again after a retryable failure before any output, up to maxRetries', async () => {
    let attempts = 0;
    const parts = await collect(
      retryBeforeOutput(async function* () {
        if (++attempts < 3) throw new Error('flaky');
        yield text('ok');
        yield finish;
      }, options()),
    );
    expect(attempts).toBe(3);
    expect(parts).toEqual([text('ok'), finish]);
  });

  it('ends with one error part once output has started, or when retries are spent or pointless', async () => {
    let attempts = 0;
    const afterOutput = await collect(
      retryBeforeOutput(async function* () {
        attempts++;
        yield text('half');
        throw new Error('flaky');
      }, options()),
    );
    expect(attempts).toBe(1);
    expect(afterOutput).toMatchObject([text('half'), { type: 'error', error: { code: 'upstream_error', message: 'flaky' } }]);
    const spent = await collect(retryBeforeOutput(async function* () { throw new Error('flaky'); }, options()));
    expect(spent).toMatchObject([{ type: 'error' }]);
    attempts = 0;
    await collect(retryBeforeOutput(async function* () { attempts++; throw new Error('bad request'); }, options()));
    expect(attempts).toBe(1);
  });

  it('stops without an error part when the caller has aborted', async () => {
    const controller = new AbortController();
    const parts = await collect(
      retryBeforeOutput(async function* () {
        controller.abort();
        throw new Error('flaky');
      }, options(controller.signal)),
    );
    expect(parts).toEqual([]);
  });
});
