import { describe, expect, it } from 'vitest';
import { createAuthThrottle } from './auth-throttle.ts';

describe('the auth throttle', () => {
  it('lets an address fail its budget in a burst, then once per refill interval', () => {
    let time = 1_000_000;
    const throttle = createAuthThrottle({ failuresPerMinute: 3, now: () => time });
    for (let index = 0; index < 3; index++) {
      expect(throttle.retryAfterMs('10.0.0.1')).toBe(0);
      throttle.fail('10.0.0.1');
    }
    // 3 a minute: one more failure is allowed 20 s after the last.
    expect(throttle.retryAfterMs('10.0.0.1')).toBe(20_000);
    expect(throttle.retryAfterMs('10.0.0.2')).toBe(0);
    time += 19_999;
    expect(throttle.retryAfterMs('10.0.0.1')).toBe(1);
    time += 1;
    expect(throttle.retryAfterMs('10.0.0.1')).toBe(0);
  });

  it('forgets an address once its budget is full again', () => {
    let time = 0;
    const throttle = createAuthThrottle({ failuresPerMinute: 60, now: () => time });
    throttle.fail('10.0.0.1');
    expect(throttle.size).toBe(1);
    time += 1_000;
    expect(throttle.retryAfterMs('10.0.0.1')).toBe(0);
    expect(throttle.size).toBe(0);
  });

  it('holds at most maxAddresses, forgetting the address that failed longest ago', () => {
    const throttle = createAuthThrottle({ failuresPerMinute: 1, maxAddresses: 100, now: () => 0 });
    for (let index = 0; index < 10_000; index++) throttle.fail(`10.0.${index >> 8}.${index & 255}`);
    expect(throttle.size).toBe(100);
    expect(throttle.retryAfterMs('10.0.0.0')).toBe(0);
    expect(throttle.retryAfterMs('10.0.39.15')).toBeGreaterThan(0);
    // A failure moves its address to the newest end: it survives the next evictions.
    throttle.fail('10.0.38.188');
    for (let index = 0; index < 99; index++) throttle.fail(`192.168.0.${index}`);
    expect(throttle.retryAfterMs('10.0.38.188')).toBeGreaterThan(0);
    expect(throttle.retryAfterMs('10.0.38.189')).toBe(0);
  });

  it('does nothing with a budget of 0', () => {
    const throttle = createAuthThrottle({ failuresPerMinute: 0 });
    for (let index = 0; index < 100; index++) throttle.fail('10.0.0.1');
    expect(throttle.retryAfterMs('10.0.0.1')).toBe(0);
    expect(throttle.size).toBe(0);
  });
});
