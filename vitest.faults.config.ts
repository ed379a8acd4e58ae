import { defineConfig } from 'vitest/config';
import { DEVELOPMENT_CONDITIONS } from './vitest.config.ts';

/**
 * `pnpm test:faults`: the fault-injection cases, real processes and sockets each. One file at a time
 * (they measure timings on a shared 2-core machine); every case starts and stops what it needs.
 */
export default defineConfig({
  resolve: { conditions: DEVELOPMENT_CONDITIONS },
  ssr: { resolve: { conditions: DEVELOPMENT_CONDITIONS } },
  test: {
    include: ['packages/faults/src/**/*.fault.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    execArgv: ['--conditions=development'],
    env: { LOG_LEVEL: 'silent' },
  },
});
