import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from './logger.ts';

/** EX_CONFIG: how a process says its configuration is wrong. */
export const CONFIG_ERROR_EXIT_CODE = 78;

/** Logs a configuration error naming its variable and ends the process with exit code 78. */
export function exitOnConfigError(error: ConfigError): never {
  createLogger().fatal({ variable: error.variable }, `invalid configuration: ${error.message}`);
  process.exit(CONFIG_ERROR_EXIT_CODE);
}

/** A process entry point: the `LLM_ROLE`s it runs and the command that runs the others. */
export interface EntryPoint {
  roles: readonly Config['role'][];
  /** Named in the error when `LLM_ROLE` asks for a role this entry point does not run. */
  otherwise: string;
}

/**
 * Checks that `LLM_ROLE` names a role this entry point runs. Without it, `LLM_ROLE=supervisor`
 * on the API's entry point would quietly start API and supervisor both.
 * @throws ConfigError naming `LLM_ROLE` otherwise.
 */
export function checkRole(config: Config, entry: EntryPoint): void {
  if (entry.roles.includes(config.role)) return;
  throw new ConfigError('LLM_ROLE', `=${config.role} is not run by this entry point (it runs ${entry.roles.join(' or ')}): ${entry.otherwise}`);
}

/**
 * The configuration of a process entry point (`pnpm start`, `pnpm start:supervisor`): checked
 * once, and a bad value (a role the entry point does not run included) stops the process with a
 * message naming the variable.
 */
export function loadConfigOrExit(entry: EntryPoint, env: NodeJS.ProcessEnv = process.env): Config {
  try {
    const config = loadConfig(env);
    checkRole(config, entry);
    return config;
  } catch (error) {
    if (error instanceof ConfigError) exitOnConfigError(error);
    throw error;
  }
}
