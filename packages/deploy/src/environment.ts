import { CONFIG_VARIABLES } from '@llm-gateway/shared';

/**
 * Variables the deployment files may set besides the gateway's own configuration
 * (`CONFIG_VARIABLES`, from the config schema), each for a stated reason.
 */
export const EXTRA_VARIABLES: Record<string, string> = {
  LLM_ROLE: 'read by both entry points: which role the process runs (each refuses a role it does not run)',
  HOME: 'the writable home of the image user (pnpm, the claude CLI)',
  CLAUDE_CONFIG_DIR: "Claude Code: where the CLI keeps its login and settings",
  DISABLE_AUTOUPDATER: 'Claude Code: the image is read-only and pinned; never self-update',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: 'Claude Code: no telemetry or update checks from servers',
  DISABLE_TELEMETRY: 'Claude Code: no telemetry',
  DISABLE_ERROR_REPORTING: 'Claude Code: no error reports',
  PATH: 'the image puts the `claude` binary on it',
  npm_config_nodedir: 'build stage: node-gyp compiles node-pty against the local Node headers',
  pnpm_config_verify_deps_before_run: 'pnpm: no install attempt before `pnpm start*` in the read-only image',
};

/** Every variable a deployment file may set. */
export const ALLOWED_VARIABLES: ReadonlySet<string> = new Set([...CONFIG_VARIABLES, ...Object.keys(EXTRA_VARIABLES)]);

/** The names among `names` that the gateway does not know (typos, stale settings). */
export function unknownVariables(names: Iterable<string>): string[] {
  return [...names].filter((name) => !ALLOWED_VARIABLES.has(name));
}

/**
 * Compose-style interpolation: `${NAME:-default}` and `${NAME-default}` take the default unless
 * `environment` has the variable, `${NAME}` and `$NAME` take it from `environment` (empty if absent).
 */
export function interpolate(value: string, environment: Record<string, string> = {}): string {
  return value.replace(/\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)/g, (_, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    return environment[name] ?? fallback ?? '';
  });
}
