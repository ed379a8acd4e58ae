import { readFileSync } from 'node:fs';

/**
 * The gateway's version, from this package's package.json (`src/` and `dist/` both sit one level
 * below it), for the cluster registry and the status page. `unknown` when it cannot be read.
 */
export const GATEWAY_VERSION: string = readVersion();

function readVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
