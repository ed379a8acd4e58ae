import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from './logger.ts';

/** EX_CONFIG: how a process says its configuration is wrong. */
export const CONFIG_ERROR_EXIT_CODE = 78;

/** Logs a configuration error naming its variable and ends the process with exit code 78. */
export function exitOnConfigError(error: ConfigError): never {
  createLogger().fatal({ variable: error.variable }, `invalid configuration: ${error.message}`);
  process.exit(CONFIG_ERROR_EXIT_CODE);
}

/**
 * The configuration of a process entry point (`pnpm start`, `pnpm start:supervisor`): checked
 * once, and a bad value stops the process with a message naming the variable.
 */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) exitOnConfigError(error);
    throw error;
  }
}
