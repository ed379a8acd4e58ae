import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.ts';
import { inProcessGateway } from '../helpers/test-gateway.ts';

/** An endpoint under fuzzing, on an embedded mock gateway of its own. */
export interface FuzzTarget {
  /** Posts `body` as is; the status, once the whole answer is read (and its JSON parses). */
  statusFor(body: string): Promise<number>;
}

/** Starts the gateway before the suite and closes it after; call inside a `describe`. */
export function fuzzTarget(path: string): FuzzTarget {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await inProcessGateway({ LLM_POOL_SIZE: '4' });
  });
  afterAll(async () => {
    await gateway?.close();
  });
  return {
    async statusFor(body) {
      const response = await gateway.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const text = await response.text();
      if (response.headers.get('content-type')?.startsWith('application/json')) JSON.parse(text);
      return response.status;
    },
  };
}

/** The properties every body endpoint has: arbitrary JSON or text, and deep nesting, are never a 5xx. */
export function itRefusesArbitraryBodies(target: FuzzTarget, deepBody: (nested: string) => string): void {
  it('never answers arbitrary JSON or arbitrary text with a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null'), fc.string()), async (text) => {
        expect(await target.statusFor(text)).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });

  it('survives deep nesting', async () => {
    expect(await target.statusFor(deepBody('['.repeat(5_000) + ']'.repeat(5_000)))).toBe(400);
  });
}
