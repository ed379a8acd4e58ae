import { defineConfig } from 'vitest/config';

/**
 * `pnpm test:faults`: the fault-injection cases, real processes and sockets each. One file at a time
 * (they measure timings on a shared 2-core machine); every case starts and stops what it needs.
 */
export default defineConfig({
  test: {
    include: ['packages/faults/src/**/*.fault.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    env: { LOG_LEVEL: 'silent' },
  },
});
