import { readFileSync } from 'node:fs';

/**
 * This package's version, read once from its `package.json` (beside `src/` and `dist/` alike,
 * and in the image). `unknown` rather than a failed start if it cannot be read.
 */
export const GATEWAY_VERSION: string = (() => {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
})();

/** When this process started, in epoch milliseconds. */
export const PROCESS_STARTED_AT = Math.round(performance.timeOrigin);
