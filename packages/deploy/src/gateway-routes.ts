import { readFileSync } from 'node:fs';
import { listFiles, repositoryPath } from './repository.ts';

/** The roles the image runs, each with the port it listens on by default. */
export type Role = 'api' | 'supervisor';

export const EXPECTED_PORTS: Record<Role, number> = { api: 5005, supervisor: 5006 };

/**
 * Probe and scrape paths the deployment files use. Each must be served by the role it is used on:
 * `servedPaths` reads that from the role's source.
 */
export const PROBE_PATHS = { liveness: '/livez', readiness: '/readyz', health: '/health', metrics: '/metrics' } as const;

const SOURCE_FOLDER: Record<Role, string> = { api: 'packages/api/src', supervisor: 'packages/supervisor/src' };

function sources(role: Role): string[] {
  return listFiles(SOURCE_FOLDER[role], ['.ts'])
    .filter((file) => !file.endsWith('.test.ts'))
    .map((file) => readFileSync(repositoryPath(file), 'utf8'));
}

/**
 * The absolute paths a role's source names as string literals (`app.get('/livez', …)`,
 * `case '/readyz':`): the route table, whatever style the server uses.
 */
export function servedPaths(role: Role): Set<string> {
  const paths = new Set<string>();
  for (const source of sources(role)) {
    for (const match of source.matchAll(/['"`](\/(?:[a-z0-9_-]+\/?)*)['"`]/g)) paths.add(match[1]!);
  }
  return paths;
}

/** The default port in a role's source (`config.port ?? 5005`), or undefined when not found. */
export function defaultPort(role: Role): number | undefined {
  for (const source of sources(role)) {
    const match = /port\s*\?\?\s*(\d{4,5})/i.exec(source);
    if (match) return Number(match[1]);
  }
  return undefined;
}
