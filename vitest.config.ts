import { defineConfig } from 'vitest/config';

/**
 * The workspace packages' `development` export condition (with Vite's server defaults, which a
 * list given here replaces): tests import their TypeScript sources, never a dist/ that may be
 * stale or missing. `execArgv` gives it to the test processes too, so worker threads they start
 * (the token counter's piscina pool) resolve the sources as well.
 */
export const DEVELOPMENT_CONDITIONS = ['development', 'module', 'node'];

// One vitest run over every package: faster on two cores than a run per package (toolchain facts).
export default defineConfig({
  resolve: { conditions: DEVELOPMENT_CONDITIONS },
  ssr: { resolve: { conditions: DEVELOPMENT_CONDITIONS } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    globalSetup: ['packages/testkit/src/vitest-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    execArgv: ['--conditions=development'],
    env: { LOG_LEVEL: 'silent' },
  },
});
