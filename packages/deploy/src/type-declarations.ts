import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The shape of a TypeScript type, as far as unknown-field checking needs it. Declarations of the
 * `kubernetes-models` packages use a small subset of TypeScript (interfaces of quoted properties,
 * `Array<T>`, index signatures, unions, aliases, imports): that subset is parsed here, anything
 * else becomes an `open` node that accepts every value.
 */
export type TypeNode =
  | { type: 'object'; members: Map<string, TypeNode>; index: TypeNode | undefined; bases: TypeNode[] }
  | { type: 'array'; element: TypeNode }
  | { type: 'union'; options: TypeNode[] }
  | { type: 'reference'; name: string; file: string }
  | { type: 'open' };

/** One declaration file: its interfaces and aliases, imports and renaming exports. */
export interface DeclarationModule {
  declarations: Map<string, TypeNode>;
  /** Local name → the imported name and the specifier it comes from (resolved when followed). */
  imports: Map<string, { name: string; specifier: string }>;
  exportAliases: Map<string, string>;
  /** `export * from "…"` specifiers, searched for names not found otherwise. */
  starExports: string[];
}

const OPEN: TypeNode = { type: 'open' };
const PRIMITIVES = new Set(['string', 'number', 'boolean', 'any', 'unknown', 'object', 'never', 'null', 'undefined', 'true', 'false', 'bigint', 'symbol', 'void']);

/** Splits declaration source into tokens: strings, names, numbers and punctuation; comments go. */
export function tokenize(source: string): string[] {
  const tokens: string[] = [];
  let at = 0;
  while (at < source.length) {
    const char = source[at]!;
    if (/\s/.test(char)) at++;
    else if (source.startsWith('/*', at)) at = source.indexOf('*/', at + 2) + 2 || source.length;
    else if (source.startsWith('//', at)) at = source.indexOf('\n', at) === -1 ? source.length : source.indexOf('\n', at);
    else if (char === '"' || char === "'") {
      let end = at + 1;
      while (end < source.length && source[end] !== char) end += source[end] === '\\' ? 2 : 1;
      tokens.push(source.slice(at, end + 1));
      at = end + 1;
    } else {
      const word = /^[A-Za-z_$][\w$]*|^-?\d+(\.\d+)?/.exec(source.slice(at, at + 200));
      const token = word ? word[0] : char;
      tokens.push(token);
      at += token.length;
    }
  }
  return tokens;
}

const unquote = (token: string) => (/^["']/.test(token) ? token.slice(1, -1) : token);

/** Parses one declaration file; `file` resolves its imports. */
export function parseDeclarations(source: string, file: string): DeclarationModule {
  const tokens = tokenize(source);
  const module: DeclarationModule = { declarations: new Map(), imports: new Map(), exportAliases: new Map(), starExports: [] };
  let at = 0;
  const peek = (offset = 0) => tokens[at + offset];
  const next = () => tokens[at++]!;
  const expect = (token: string) => {
    if (tokens[at] !== token) throw new Error(`${file}: expected ${token} at token ${at}, found ${String(tokens[at])}`);
    at++;
  };
  const skipStatement = () => {
    let depth = 0;
    while (at < tokens.length) {
      const token = next();
      if (token === '{' || token === '(' || token === '[') depth++;
      else if (token === '}' || token === ')' || token === ']') {
        depth--;
        if (depth === 0 && token === '}' && peek() !== ';' && peek() !== '&' && peek() !== '|') return;
      } else if (token === ';' && depth === 0) return;
    }
  };

  const parseType = (): TypeNode => {
    if (peek() === '|') next();
    const options = [parseIntersection()];
    while (peek() === '|') {
      next();
      options.push(parseIntersection());
    }
    return options.length === 1 ? options[0]! : { type: 'union', options };
  };
  const parseIntersection = (): TypeNode => {
    const parts = [parsePostfix()];
    while (peek() === '&') {
      next();
      parts.push(parsePostfix());
    }
    return parts.length === 1 ? parts[0]! : { type: 'object', members: new Map(), index: undefined, bases: parts };
  };
  const parsePostfix = (): TypeNode => {
    let node = parsePrimary();
    while (peek() === '[') {
      next();
      if (peek() === ']') {
        next();
        node = { type: 'array', element: node };
      } else {
        parseType(); // indexed access type: not followed
        expect(']');
        node = OPEN;
      }
    }
    return node;
  };
  const parseTypeArguments = (): TypeNode[] => {
    const list: TypeNode[] = [];
    if (peek() !== '<') return list;
    next();
    while (peek() !== '>') {
      list.push(parseType());
      if (peek() === ',') next();
    }
    next();
    return list;
  };
  const parsePrimary = (): TypeNode => {
    const token = next();
    if (token === '{') return parseMembers();
    if (token === '(') {
      const inner = parseType();
      expect(')');
      return inner;
    }
    if (token === '[') {
      while (peek() !== ']') next();
      next();
      return OPEN;
    }
    if (/^["'\d-]/.test(token) || PRIMITIVES.has(token)) return OPEN;
    let name = token;
    while (peek() === '.') {
      next();
      name += `.${next()}`;
    }
    const typeArguments = parseTypeArguments();
    if (name === 'Array' || name === 'ReadonlyArray') return { type: 'array', element: typeArguments[0] ?? OPEN };
    if (name === 'Record') return { type: 'object', members: new Map(), index: typeArguments[1] ?? OPEN, bases: [] };
    if (typeArguments.length > 0) return OPEN; // Partial<...>, Omit<...>: not followed
    return { type: 'reference', name, file };
  };
  const parseMembers = (): TypeNode => {
    const node = { type: 'object' as const, members: new Map<string, TypeNode>(), index: undefined as TypeNode | undefined, bases: [] as TypeNode[] };
    while (peek() !== '}') {
      if (peek() === 'readonly' && peek(1) !== ':' && peek(1) !== '?') next();
      if (peek() === '[') {
        next();
        next(); // the key's name
        expect(':');
        parseType();
        expect(']');
        expect(':');
        node.index = parseType();
      } else {
        const name = unquote(next());
        if (peek() === '?') next();
        expect(':');
        node.members.set(name, parseType());
      }
      if (peek() === ';' || peek() === ',') next();
    }
    next();
    return node;
  };

  while (at < tokens.length) {
    if (peek() === 'import' && peek(1) === '{') {
      next();
      next();
      const names: Array<[string, string]> = [];
      while (peek() !== '}') {
        const imported = next();
        const local = peek() === 'as' ? (next(), next()) : imported;
        names.push([local, imported]);
        if (peek() === ',') next();
      }
      next();
      expect('from');
      const specifier = unquote(next());
      for (const [local, imported] of names) module.imports.set(local, { name: imported, specifier });
      if (peek() === ';') next();
      continue;
    }
    if (peek() === 'export' && peek(1) === '{') {
      next();
      next();
      const names: Array<[string, string]> = [];
      while (peek() !== '}') {
        const local = next();
        const exported = peek() === 'as' ? (next(), next()) : local;
        names.push([exported, local]);
        if (peek() === ',') next();
      }
      next();
      if (peek() === 'from') {
        // A re-export: `export { A as B } from "./x"` imports A under the name B.
        next();
        const specifier = unquote(next());
        for (const [exported, local] of names) module.imports.set(exported, { name: local, specifier });
      } else {
        for (const [exported, local] of names) module.exportAliases.set(exported, local);
      }
      if (peek() === ';') next();
      continue;
    }
    if (peek() === 'export' && peek(1) === '*' && peek(2) === 'from') {
      at += 3;
      module.starExports.push(unquote(next()));
      if (peek() === ';') next();
      continue;
    }
    const start = at;
    while (peek() === 'export' || peek() === 'declare') next();
    try {
      parseDeclaration();
    } catch {
      // Outside the subset (function types, conditional types): the declaration stays open.
      at = start;
      while (peek() === 'export' || peek() === 'declare') next();
      if (peek() === 'interface' || peek() === 'type') module.declarations.set(String(peek(1)), OPEN);
      at = start;
      skipStatement();
    }
  }
  return module;

  function parseDeclaration(): void {
    if (peek() === 'interface') {
      next();
      const name = next();
      const bases: TypeNode[] = [];
      if (peek() === 'extends') {
        next();
        while (peek() !== '{') {
          bases.push(parsePostfix());
          if (peek() === ',') next();
        }
      }
      expect('{');
      const body = parseMembers();
      if (body.type === 'object') body.bases.push(...bases);
      module.declarations.set(name, body);
    } else if (peek() === 'type') {
      next();
      const name = next();
      if (peek() === '<') parseTypeArguments();
      expect('=');
      module.declarations.set(name, parseType());
      if (peek() === ';') next();
    } else {
      skipStatement();
    }
  }
}

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
    module = existsSync(file)
      ? parseDeclarations(readFileSync(file, 'utf8'), file)
      : { declarations: new Map(), imports: new Map(), exportAliases: new Map(), starExports: [] };
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
