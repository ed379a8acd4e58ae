import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** The workspace root: the Dockerfile, the compose file and `k8s/` live there. */
export const REPOSITORY_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A path under the repository root. */
export function repositoryPath(...segments: string[]): string {
  return join(REPOSITORY_ROOT, ...segments);
}

export function readText(path: string): string {
  return readFileSync(repositoryPath(path), 'utf8');
}

export function readJson<T = unknown>(path: string): T {
  return JSON.parse(readText(path)) as T;
}

export function exists(path: string): boolean {
  return existsSync(repositoryPath(path));
}

/** A plain JSON-like object, as parsed from YAML. */
export type Data = Record<string, unknown>;

export function isData(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Every YAML document of a file, parsed strictly: a syntax error, a duplicate key or an alias
 * bomb throws, naming the file.
 */
export function readYamlDocuments(path: string): unknown[] {
  // `merge`: the compose file shares its services' settings through `<<: *anchor`.
  const documents = parseAllDocuments(readText(path), { uniqueKeys: true, prettyErrors: true, merge: true });
  const list = Array.isArray(documents) ? documents : [documents];
  return list
    .map((document) => {
      const problem = document.errors[0] ?? document.warnings[0];
      if (problem) throw new Error(`${path}: ${problem.message}`);
      return document.toJS({ maxAliasCount: 10 }) as unknown;
    })
    .filter((value) => value !== null && value !== undefined);
}

/** Files under a repository folder whose names end with one of `extensions`, sorted. */
export function listFiles(folder: string, extensions: string[]): string[] {
  const found: string[] = [];
  const walk = (absolute: string) => {
    for (const entry of readdirSync(absolute, { withFileTypes: true })) {
      const child = join(absolute, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (extensions.some((extension) => entry.name.endsWith(extension))) found.push(relative(REPOSITORY_ROOT, child));
    }
  };
  walk(repositoryPath(folder));
  return found.sort();
}
