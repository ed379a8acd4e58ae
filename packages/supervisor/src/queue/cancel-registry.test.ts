import { describe, expect, it } from 'vitest';
import { GatewayError } from '@llm-gateway/shared';
import { CancelRegistry } from './cancel-registry.ts';

describe('CancelRegistry', () => {
  it('aborts a running job with client_closed', () => {
    const registry = new CancelRegistry();
    const controller = registry.register('job-1');
    expect(registry.cancel('job-1')).toBe(true);
    expect(controller.signal.aborted).toBe(true);
    expect((controller.signal.reason as GatewayError).code).toBe('client_closed');
  });

  it('applies a cancel that overtook its job, and forgets it after a while', () => {
    let now = 0;
    const registry = new CancelRegistry({ rememberMs: 100, now: () => now });
    expect(registry.cancel('early')).toBe(false);
    expect(registry.register('early').signal.aborted).toBe(true);
    registry.cancel('stale');
    now = 200;
    registry.cancel('other'); // forgets 'stale' on the way
    expect(registry.register('stale').signal.aborted).toBe(false);
  });

  it('counts running jobs and aborts them all', () => {
    const registry = new CancelRegistry();
    const first = registry.register('a');
    registry.register('b');
    registry.unregister('b');
    expect(registry.size).toBe(1);
    registry.abortAll(new Error('shutdown'));
    expect(first.signal.aborted).toBe(true);
  });
});
