import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveCliSandbox, SANDBOX_HOME, SANDBOX_WORK_DIR, sandboxCommand } from './cli-sandbox.ts';
import type { SpawnHost } from './process-host.ts';

const scratch = mkdtempSync(join(tmpdir(), 'llm-gateway-sandbox-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The value after each occurrence of `flag`, as [source, destination] pairs. */
function mounts(args: string[], flag: string): Array<[string, string]> {
  return args.flatMap((arg, index) => (arg === flag ? [[args[index + 1]!, args[index + 2]!] as [string, string]] : []));
}

describe('resolveCliSandbox', () => {
  const neverCalled: SpawnHost = () => {
    throw new Error('not in this test');
  };

  it('confines when the probe sandbox starts, whether asked for or automatic', () => {
    expect(resolveCliSandbox('auto', () => undefined)).toMatchObject({ kind: 'bwrap' });
    expect(resolveCliSandbox('bwrap', () => undefined).warning).toBeUndefined();
  });

  it('warns with the reason when automatic and the host cannot, and fails when it was required', () => {
    const sandbox = resolveCliSandbox('auto', () => 'bwrap is not installed');
    expect(sandbox.kind).toBe('none');
    expect(sandbox.warning).toContain('bwrap is not installed');
    expect(sandbox.warning).toContain('apt-get install bubblewrap');
    expect(sandbox.wrap(neverCalled)).toBe(neverCalled);
    expect(() => resolveCliSandbox('bwrap', () => 'No permissions to create new namespace')).toThrow(/No permissions/);
  });

  it('never probes when switched off, and says so', () => {
    const sandbox = resolveCliSandbox('off', () => {
      throw new Error('probed');
    });
    expect(sandbox).toMatchObject({ kind: 'none', warning: expect.stringContaining('LLM_CLI_SANDBOX=off') });
  });
});

describe('sandboxCommand', () => {
  const workDir = join(scratch, 'work');
  const configDir = join(scratch, 'config');
  const { args, command, env } = sandboxCommand({
    command: process.execPath,
    args: ['-p', '--verbose'],
    cwd: workDir,
    env: { PATH: process.env.PATH, HOME: '/home/operator', CLAUDE_CONFIG_DIR: configDir, LLM_NOT_PASSED: 'x' },
  });

  it('gives every namespace but the network, no capabilities, and dies with the gateway', () => {
    for (const flag of ['--unshare-all', '--share-net', '--die-with-parent', '--new-session']) expect(args).toContain(flag);
    expect(args[args.indexOf('--cap-drop') + 1]).toBe('ALL');
  });

  it('mounts the session directory as the working directory and the config directory read-write, nothing else writable', () => {
    expect(mounts(args, '--bind')).toEqual([
      [workDir, SANDBOX_WORK_DIR],
      [configDir, configDir],
    ]);
    expect(args[args.indexOf('--chdir') + 1]).toBe(SANDBOX_WORK_DIR);
    expect(env).toMatchObject({ HOME: SANDBOX_HOME, CLAUDE_CONFIG_DIR: configDir, PWD: SANDBOX_WORK_DIR, TMPDIR: '/tmp' });
  });

  it('shows the host only read-only system directories, a few /etc files and the CLI itself', () => {
    const readOnly = [...mounts(args, '--ro-bind'), ...mounts(args, '--ro-bind-try')].map(([source]) => source);
    for (const path of readOnly) expect(path, path).toMatch(/^(\/usr|\/bin|\/sbin|\/lib\w*|\/etc\/[\w.-]+)$|^\/.*\/bin$/);
    expect(readOnly).not.toContain('/');
    expect(readOnly).not.toContain('/etc');
    expect(command).toBe(process.execPath);
  });

  it('creates a missing config directory, since a bind mount needs one', () => {
    const fresh = join(scratch, 'fresh', '.claude');
    sandboxCommand({ command: process.execPath, args: [], cwd: workDir, env: { PATH: process.env.PATH, CLAUDE_CONFIG_DIR: fresh } });
    expect(() => rmSync(fresh, { recursive: true })).not.toThrow();
  });

  it('mounts the CLI after the empty /tmp and /home, so a CLI installed under them is still there', () => {
    const cli = join(scratch, 'checkout', 'claude');
    mkdirSync(dirname(cli), { recursive: true });
    writeFileSync(cli, '');
    const { args: underTmp, command: found } = sandboxCommand({ command: cli, args: [], cwd: workDir, env: { PATH: process.env.PATH, CLAUDE_CONFIG_DIR: configDir } });
    expect(found).toBe(realpathSync(cli));
    const bind = underTmp.findIndex((arg, index) => arg === '--ro-bind' && underTmp[index + 1] === dirname(found));
    expect(bind).toBeGreaterThan(underTmp.indexOf('/tmp'));
    expect(bind).toBeGreaterThan(underTmp.indexOf('/home'));
  });
});
