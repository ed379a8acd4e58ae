import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/**
 * The SDK's own list of deprecated models: it prints a warning for each call naming one. Not
 * exported, so read from its file (found from the SDK's entry point).
 */
function deprecatedModels(): string[] {
  const sdk = dirname(require.resolve('@anthropic-ai/sdk'));
  const { DEPRECATED_MODELS } = require(join(sdk, 'internal', 'data', 'deprecated-models.js')) as { DEPRECATED_MODELS: Record<string, string> };
  return Object.keys(DEPRECATED_MODELS);
}

/** Every TypeScript file under the packages' sources, tests and the benchmarks. */
function sources(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) return [];
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('model ids in the code', () => {
  it("names none the Anthropic SDK calls deprecated (each call would print a warning)", () => {
    const deprecated = deprecatedModels();
    expect(deprecated.length).toBeGreaterThan(0);
    const named = new RegExp(`['"\`=](${deprecated.map((id) => id.replace(/[.-]/g, '\\$&')).join('|')})['"\`,]`);
    const offenders = [...sources(join(ROOT, 'packages')), ...sources(join(ROOT, 'bench'))].filter((path) => !path.endsWith('deprecated-models.test.ts') && named.test(readFileSync(path, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
