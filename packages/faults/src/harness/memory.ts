import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gcFunction: (() => void) | undefined;

/**
 * Runs a full garbage collection, also in a process started without `--expose-gc` (the flag can be
 * set at run time; a fresh context then exposes `gc`).
 */
export function forceGc(): void {
  if (!gcFunction) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) gcFunction = exposed;
    else {
      setFlagsFromString('--expose-gc');
      gcFunction = runInNewContext('gc') as () => void;
    }
  }
  gcFunction();
}

/** Heap and resident memory after two full collections. */
export async function settledMemory(): Promise<{ heapUsed: number; rss: number }> {
  for (let round = 0; round < 2; round++) {
    forceGc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, rss: usage.rss };
}

/** What keeps this process's event loop busy, counted by kind (`TCPSocketWrap`, `Timeout`, …). */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** Kinds whose count grew from `before` to `after`, with the growth. */
export function resourceGrowth(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const growth: Record<string, number> = {};
  for (const [kind, count] of Object.entries(after)) {
    const grown = count - (before[kind] ?? 0);
    if (grown > 0) growth[kind] = grown;
  }
  return growth;
}
