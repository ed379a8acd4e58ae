import { defineConfig } from 'vitest/config';
import { DEVELOPMENT_CONDITIONS } from './vitest.config.ts';

/**
 * `pnpm test:containers` (scripts/test-containers.sh builds the images, then runs this): the
 * docker-compose topology in podman containers. One file at a time; each starts and removes its own.
 */
export default defineConfig({
  resolve: { conditions: DEVELOPMENT_CONDITIONS },
  ssr: { resolve: { conditions: DEVELOPMENT_CONDITIONS } },
  test: {
    include: ['packages/deploy/src/containers/**/*.container.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    env: { LOG_LEVEL: 'silent' },
  },
});
