import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { findExecutable } from './cli-command.ts';
import type { ProcessHost, SpawnHost, SpawnHostOptions } from './process-host.ts';

/** `LLM_CLI_SANDBOX`: required, never, or whenever the host allows it. */
export type SandboxMode = 'auto' | 'bwrap' | 'off';

/** How CLI sessions are confined, decided once at start-up. */
export interface CliSandbox {
  readonly kind: 'bwrap' | 'none';
  /** Why sessions run unconfined, for the start-up warning; absent when they are confined. */
  readonly warning?: string;
  /** Wraps a process host so every session it starts runs inside the sandbox. */
  wrap(spawnHost: SpawnHost): SpawnHost;
}

/** Where a session's working directory is mounted inside the sandbox: all the model is told of it. */
export const SANDBOX_WORK_DIR = '/session';
/** The session's home inside the sandbox: an empty tmpfs that lives as long as the process. */
export const SANDBOX_HOME = '/home/claude';

/** The system directories a dynamically linked CLI needs, read-only; merged-/usr symlinks are kept as links. */
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
/** The few files of `/etc` that name resolution, TLS and user lookup read; nothing else of it is visible. */
const ETC_FILES = [
  '/etc/resolv.conf', '/etc/hosts', '/etc/nsswitch.conf', '/etc/host.conf', '/etc/gai.conf', '/etc/ssl',
  '/etc/ca-certificates', '/etc/pki', '/etc/passwd', '/etc/group', '/etc/localtime', '/etc/alternatives',
];

const UNSANDBOXED_REMEDY =
  'CLI sessions run as the gateway\'s own user and can see its files; only the permission deny rules and prompt ' +
  'neutralization stand between a tenant and the host. Install bubblewrap (Debian: apt-get install bubblewrap) ' +
  'on a host that allows user namespaces, or run the supervisor as a user of its own that can read no key files.';

/**
 * Decides the sandbox once: `off` never confines; `bwrap` must (throws when bubblewrap cannot
 * start here); `auto` confines when a probe sandbox starts, else warns.
 * @throws Error when `mode` is `bwrap` and bubblewrap does not work on this host.
 */
export function resolveCliSandbox(mode: SandboxMode, probe: () => string | undefined = probeBubblewrap): CliSandbox {
  if (mode === 'off') return unconfined(`LLM_CLI_SANDBOX=off. ${UNSANDBOXED_REMEDY}`);
  const failure = probe();
  if (failure === undefined) return { kind: 'bwrap', wrap: (spawnHost) => (options) => spawnSandboxed(spawnHost, options) };
  if (mode === 'bwrap') throw new Error(`is bwrap, but bubblewrap cannot start a sandbox here: ${failure}`);
  return unconfined(`bubblewrap cannot start a sandbox here (${failure}). ${UNSANDBOXED_REMEDY}`);
}

function unconfined(warning: string): CliSandbox {
  return { kind: 'none', warning, wrap: (spawnHost) => spawnHost };
}

/** Starts the smallest sandbox sessions use; the reason it failed, or undefined when it works. */
export function probeBubblewrap(): string | undefined {
  const result = spawnSync('bwrap', [...namespaceArguments(), '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', 'true'], {
    timeout: 5_000,
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (result.error) return (result.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'bwrap is not installed' : result.error.message;
  return result.status === 0 ? undefined : result.stderr.trim().slice(0, 200) || `bwrap exited with ${String(result.status)}`;
}

/**
 * Every namespace of its own but the network (the CLI must reach its API); killed with its parent;
 * a new terminal session (no TIOCSTI into the gateway's terminal); no capabilities, even as root.
 */
function namespaceArguments(): string[] {
  return ['--unshare-all', '--share-net', '--hostname', 'sandbox', '--die-with-parent', '--new-session', '--cap-drop', 'ALL'];
}

/** Starts one session under bwrap, through the given host, and reports the CLI's own pid. */
function spawnSandboxed(spawnHost: SpawnHost, options: SpawnHostOptions): ProcessHost {
  const { args, command, env } = sandboxCommand(options);
  const host = spawnHost({ command: 'bwrap', args: [...args, '--', command, ...options.args], cwd: options.cwd, env });
  let cliPid: number | undefined;
  return {
    kind: host.kind,
    get pid(): number | null {
      // bwrap -> bwrap (the namespace's init) -> the CLI; until both have forked, the outer pid.
      cliPid ??= host.pid === null ? undefined : grandchild(host.pid);
      return cliPid ?? host.pid;
    },
    write: (data) => host.write(data),
    onLine: (listener) => host.onLine(listener),
    onExit: (listener) => host.onExit(listener),
    kill: (signal) => host.kill(signal),
    exited: host.exited,
  };
}

/**
 * bwrap's arguments for one session: read-only system directories and the CLI's own files, the
 * session's empty working directory at {@link SANDBOX_WORK_DIR}, an empty tmpfs home and `/tmp`,
 * and the Claude Code config directory (its login), read-write. Nothing else of the host's file
 * system exists inside: no key file, no other session's directory, no `/proc` of the gateway.
 */
export function sandboxCommand(options: SpawnHostOptions): { args: string[]; command: string; env: NodeJS.ProcessEnv } {
  const command = realpathSync(findExecutable(options.command, options.env.PATH ?? '') ?? options.command);
  const configDir = options.env.CLAUDE_CONFIG_DIR ?? join(options.env.HOME ?? SANDBOX_HOME, '.claude');
  // The CLI creates its config directory on first use; a bind mount needs it to exist first.
  mkdirSync(configDir, { recursive: true });
  const args = namespaceArguments();
  for (const dir of SYSTEM_DIRS) args.push(...systemMount(dir));
  for (const file of ETC_FILES) args.push('--ro-bind-try', file, file);
  const readOnly = new Set<string>([dirname(command)]);
  // `LLM_CLI_COMMAND=node /path/cli.js`: the script's directory (its package) must exist inside too.
  for (const argument of options.args) if (isAbsolute(argument) && existsSync(argument)) readOnly.add(dirname(realpathSync(argument)));
  for (const name of ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR'] as const) {
    const path = options.env[name];
    if (path !== undefined && isAbsolute(path) && existsSync(path)) readOnly.add(realpathSync(path));
  }
  // The empty file systems first: bwrap mounts in order, and a later tmpfs on /tmp or /home would
  // hide a CLI installed under them (a checkout in /tmp, a user's home), leaving nothing to run.
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--tmpfs', '/home', '--dir', SANDBOX_HOME);
  for (const path of readOnly) if (!underSystemDir(path)) args.push('--ro-bind', path, path);
  args.push('--bind', options.cwd, SANDBOX_WORK_DIR, '--chdir', SANDBOX_WORK_DIR);
  args.push('--bind', configDir, configDir);
  const env = { ...options.env, HOME: SANDBOX_HOME, CLAUDE_CONFIG_DIR: configDir, PWD: SANDBOX_WORK_DIR, TMPDIR: '/tmp' };
  return { args, command, env };
}

function systemMount(dir: string): string[] {
  try {
    const stat = lstatSync(dir);
    return stat.isSymbolicLink() ? ['--symlink', readlinkSync(dir), dir] : ['--ro-bind', dir, dir];
  } catch {
    return [];
  }
}

function underSystemDir(path: string): boolean {
  return SYSTEM_DIRS.some((dir) => path === dir || path.startsWith(`${dir}/`));
}

/** The first child of the first child of `pid`, from `/proc`; undefined until both exist. */
function grandchild(pid: number): number | undefined {
  const child = firstChild(pid);
  return child === undefined ? undefined : firstChild(child);
}

function firstChild(pid: number): number | undefined {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}
