import { accessSync, constants, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * The `claude` executable of the pinned `@anthropic-ai/claude-code` dependency, found through its
 * package.json `bin` (not `node_modules/.bin`, which depends on how the install was laid out).
 * Undefined when the package is not installed.
 */
export function bundledClaudePath(): string | undefined {
  try {
    const manifestPath = require.resolve('@anthropic-ai/claude-code/package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin?: string | Record<string, string> };
    const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.claude;
    return bin ? join(dirname(manifestPath), bin) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The command and leading arguments to run: `LLM_CLI_COMMAND` (split on spaces, so
 * `node /path/cli.js` works), else the bundled binary, else `claude` on the PATH.
 */
export function resolveCliCommand(override: string | undefined): { command: string; args: string[] } {
  if (override !== undefined && override.trim() !== '') {
    const [command, ...args] = override.trim().split(/\s+/);
    return { command: command!, args };
  }
  return { command: bundledClaudePath() ?? 'claude', args: [] };
}

/** The absolute path of an executable `command` (searched on `PATH` when it has no slash), or undefined. */
export function findExecutable(command: string, path = process.env.PATH ?? '', cwd = process.cwd()): string | undefined {
  const candidates = command.includes('/') ? [isAbsolute(command) ? command : resolve(cwd, command)] : path.split(delimiter).filter(Boolean).map((dir) => join(dir, command));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** What an operator can do when the CLI cannot serve: the tail of every start error. */
export const CLI_REMEDY =
  'Log in once with `claude` (as the user the gateway runs as), or set ANTHROPIC_API_KEY, ' +
  'or choose another backend with LLM_BACKEND=api or LLM_BACKEND=mock.';
