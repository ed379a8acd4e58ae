import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { OPEN, emptyModule, parseDeclarations, type DeclarationModule, type TypeNode } from './declaration-parser.ts';

export type { TypeNode } from './declaration-parser.ts';

/** The `.d.ts` file an import specifier names, relative or inside a package. */
export function resolveDeclarationFile(specifier: string, fromFile: string): string {
  if (specifier.startsWith('.')) return `${join(dirname(fromFile), specifier)}.d.ts`.replace(/\.d\.ts\.d\.ts$/, '.d.ts');
  const parts = specifier.split('/');
  const packageName = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  const subpath = parts.slice(packageName.split('/').length).join('/');
  // Not require.resolve(`${packageName}/package.json`): packages with an `exports` map refuse it.
  const folders = createRequire(fromFile).resolve.paths(packageName) ?? [];
  const folder = folders.map((candidate) => join(candidate, packageName)).find((candidate) => existsSync(candidate));
  if (!folder) throw new Error(`${fromFile}: cannot find package ${packageName}`);
  if (subpath !== '') return join(folder, `${subpath}.d.ts`);
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { types?: string; typings?: string };
  return join(folder, manifest.types ?? manifest.typings ?? 'index.d.ts');
}

const cache = new Map<string, DeclarationModule>();

/** A declaration file, parsed once; a missing one declares nothing. */
export function loadDeclarations(file: string): DeclarationModule {
  let module = cache.get(file);
  if (!module) {
    module = existsSync(file) ? parseDeclarations(readFileSync(file, 'utf8'), file) : emptyModule();
    cache.set(file, module);
  }
  return module;
}

/** Follows references, imports and export aliases to the declared type; `open` if not found. */
export function resolveReference(name: string, file: string, depth = 0): TypeNode {
  if (depth > 20) return OPEN;
  const module = loadDeclarations(file);
  const local = module.exportAliases.get(name) ?? name;
  const declared = module.declarations.get(local);
  if (declared) return declared.type === 'reference' ? resolveReference(declared.name, declared.file, depth + 1) : declared;
  const imported = module.imports.get(local);
  if (imported) return resolveReference(imported.name, resolveDeclarationFile(imported.specifier, file), depth + 1);
  for (const specifier of module.starExports) {
    const found = resolveReference(local, resolveDeclarationFile(specifier, file), depth + 1);
    if (found.type !== 'open') return found;
  }
  return OPEN;
}
