import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { GatewayError } from '@llm-gateway/shared';
import { refill, timeToReach } from '../tenants/token-bucket.ts';

/**
 * Failed authentications per client address, in a token bucket each: an address may fail
 * `failuresPerMinute` times in a burst, then once per 60/`failuresPerMinute` seconds. Only failures
 * are counted and only failures are refused: a valid key is accepted from any address, so a client
 * behind the same proxy or NAT as someone guessing keys is never locked out.
 */
export interface AuthThrottle {
  /** Milliseconds until `address` may fail again; 0 when it may now. */
  retryAfterMs(address: string): number;
  /** Counts one failed authentication from `address`. */
  fail(address: string): void;
  /** Addresses tracked now (at most `maxAddresses`). */
  readonly size: number;
}

export interface AuthThrottleOptions {
  /** `LLM_AUTH_FAILURES_PER_MINUTE`; 0 turns the throttle off. @defaultValue 30 */
  failuresPerMinute?: number;
  /** The table's bound: past it, the address that failed longest ago is forgotten. @defaultValue 10_000 */
  maxAddresses?: number;
  /** @defaultValue `Date.now` */
  now?: () => number;
}

interface Entry {
  /** Failures still allowed (the bucket's level). */
  level: number;
  /** Epoch milliseconds of the last failure. */
  updatedAt: number;
}

/** An {@link AuthThrottle} in memory: each API replica counts the failures it sees. */
export function createAuthThrottle(options: AuthThrottleOptions = {}): AuthThrottle {
  const { failuresPerMinute = 30, maxAddresses = 10_000, now = Date.now } = options;
  // Map order is insertion order and every failure re-inserts its address: the first key is the
  // address that failed longest ago, the one to forget when the table is full.
  const entries = new Map<string, Entry>();
  const levelAt = (entry: Entry, time: number) => refill(entry.level, failuresPerMinute, time - entry.updatedAt);
  return {
    retryAfterMs(address) {
      const entry = entries.get(address);
      if (entry === undefined || failuresPerMinute <= 0) return 0;
      const level = levelAt(entry, now());
      if (level >= failuresPerMinute) entries.delete(address);
      return timeToReach(level, failuresPerMinute, 1);
    },
    fail(address) {
      if (failuresPerMinute <= 0) return;
      const time = now();
      const entry = entries.get(address);
      const level = entry === undefined ? failuresPerMinute : levelAt(entry, time);
      entries.delete(address);
      if (entries.size >= maxAddresses) entries.delete(entries.keys().next().value!);
      entries.set(address, { level: Math.max(0, level - 1), updatedAt: time });
    },
    get size() {
      return entries.size;
    },
  };
}

/**
 * The peer address of the request's socket. Never a header: `x-forwarded-for` is whatever the
 * client wants it to be. `unknown` outside @hono/node-server (`app.request()` in tests).
 */
export function clientAddress(c: Context): string {
  const bindings = c.env as { incoming?: IncomingMessage; server?: { incoming?: IncomingMessage } } | undefined;
  const incoming = bindings?.server?.incoming ?? bindings?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

/** The 429 for an address over its failure budget. */
export function tooManyFailuresError(retryAfterMs: number): GatewayError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new GatewayError('rate_limit_exceeded', `Too many failed authentications from your address. Please try again in ${seconds}s.`, {
    retryAfter: retryAfterMs / 1000,
  });
}
