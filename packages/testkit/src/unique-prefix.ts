import { randomBytes } from 'node:crypto';

/**
 * A Redis key prefix no other test uses, so tests can share one redis-server without seeing each
 * other's queues and keys (as bullmq's own tests do).
 */
export function uniquePrefix(label = 't'): string {
  return `${label}-${randomBytes(6).toString('hex')}`;
}
