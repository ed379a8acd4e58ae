import { defineConfig } from 'vitest/config';

// One vitest run over every package: faster on two cores than a run per package (toolchain facts).
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    globalSetup: ['packages/testkit/src/vitest-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    env: { LOG_LEVEL: 'silent' },
  },
});
