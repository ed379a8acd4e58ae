import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../../..', import.meta.url));

/** A bad value stops start-up with a message naming the variable, for both entry points. */
describe.each([
  ['pnpm start', 'packages/api/src/main.ts'],
  ['pnpm start:supervisor', 'packages/supervisor/src/main.ts'],
])('%s with a bad configuration', (_name, entry) => {
  it('exits 78 and names the variable', () => {
    const result = spawnSync(process.execPath, ['--conditions=development', '--import', 'tsx', entry], {
      cwd: REPO_ROOT,
      env: { ...process.env, LLM_POOL_SIZE: 'lots', LOG_LEVEL: 'info' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(78);
    const line = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { level: string; variable: string; msg: string };
    expect(line).toMatchObject({ level: 'fatal', variable: 'LLM_POOL_SIZE' });
    expect(line.msg).toContain('LLM_POOL_SIZE');
  });
});
