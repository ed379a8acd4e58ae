import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { repositoryPath } from '../repository.ts';

const run = promisify(execFile);

/**
 * podman as this kind of machine runs it (runc; no default ulimits: see
 * scripts/containers/containers.conf). Resolves with stdout; rejects with stderr in the message.
 */
export async function podman(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('podman', ['--runtime', 'runc', ...args], {
      env: { ...process.env, CONTAINERS_CONF: process.env.CONTAINERS_CONF ?? repositoryPath('scripts/containers/containers.conf') },
      maxBuffer: 16 * 2 ** 20,
    });
    return stdout.trim();
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`podman ${args.join(' ')}: ${stderr?.trim() || String(error)}`);
  }
}

/** A container's exit code once it has stopped (podman inspect). */
export async function exitCode(container: string): Promise<number> {
  return Number(await podman('inspect', '--format', '{{.State.ExitCode}}', container));
}

/** The command lines of a container's processes, PID 1 first (podman top). */
export async function processCommands(container: string): Promise<string[]> {
  const lines = (await podman('top', container, 'args')).split('\n').slice(1);
  return lines.map((line) => line.trim()).filter((line) => line !== '');
}
