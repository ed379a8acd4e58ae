import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@llm-gateway/shared';
import type { LifecycleState } from './app-context.ts';

export interface GracefulShutdownOptions {
  lifecycle: LifecycleState;
  /** Longest wait for in-flight requests. */
  graceMs: number;
  /** Stops accepting connections. */
  closeServer: () => Promise<void>;
  /** Stops sessions and closes Redis connections. */
  closeGateway: () => Promise<void>;
  log: Logger;
  /** How often in-flight work is checked. @defaultValue 50 */
  pollMs?: number;
}

/**
 * The shutdown order Kubernetes expects: fail readiness first (draining), refuse new work, let
 * in-flight requests finish within the grace period, then stop sessions and connections.
 * Resolves true when everything in flight finished in time.
 */
export async function shutDownGracefully(options: GracefulShutdownOptions): Promise<boolean> {
  const { lifecycle, graceMs, log, pollMs = 50 } = options;
  lifecycle.draining = true;
  log.info({ inflight: lifecycle.inflight, graceMs }, 'shutting down: draining');
  const deadline = Date.now() + graceMs;
  while (lifecycle.inflight > 0 && Date.now() < deadline) await sleep(pollMs);
  const drained = lifecycle.inflight === 0;
  if (!drained) log.warn({ inflight: lifecycle.inflight }, 'grace period over with requests still in flight');
  const serverClosed = options.closeServer();
  await options.closeGateway();
  await Promise.race([serverClosed, sleep(1_000)]);
  log.info('shut down');
  return drained;
}
