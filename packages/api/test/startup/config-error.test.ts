import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../../..', import.meta.url));

/** Runs an entry point from its sources with `env` added; returns its exit code and last log line. */
function start(entry: string, env: Record<string, string>): { status: number | null; line: { level: string; variable: string; msg: string } } {
  const result = spawnSync(process.execPath, ['--conditions=development', '--import', 'tsx', entry], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, line: JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { level: string; variable: string; msg: string } };
}

/** A bad value stops start-up with a message naming the variable, for both entry points. */
describe.each([
  ['pnpm start', 'packages/api/src/main.ts', 'supervisor', 'pnpm start:supervisor'],
  ['pnpm start:supervisor', 'packages/supervisor/src/main.ts', 'api', 'pnpm start:api'],
])('%s with a bad configuration', (_name, entry, otherRole, otherCommand) => {
  it('exits 78 and names the variable', () => {
    const { status, line } = start(entry, { LLM_POOL_SIZE: 'lots' });
    expect(status).toBe(78);
    expect(line).toMatchObject({ level: 'fatal', variable: 'LLM_POOL_SIZE' });
    expect(line.msg).toContain('LLM_POOL_SIZE');
  });

  it(`refuses LLM_ROLE=${otherRole}, naming the command that runs it`, () => {
    const { status, line } = start(entry, { LLM_ROLE: otherRole });
    expect(status).toBe(78);
    expect(line).toMatchObject({ level: 'fatal', variable: 'LLM_ROLE' });
    expect(line.msg).toContain(otherCommand);
  });
});
