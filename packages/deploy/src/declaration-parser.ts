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

export type ObjectNode = Extract<TypeNode, { type: 'object' }>;

/** One declaration file: its interfaces and aliases, imports and renaming exports. */
export interface DeclarationModule {
  declarations: Map<string, TypeNode>;
  /** Local name → the imported name and the specifier it comes from (resolved when followed). */
  imports: Map<string, { name: string; specifier: string }>;
  exportAliases: Map<string, string>;
  /** `export * from "…"` specifiers, searched for names not found otherwise. */
  starExports: string[];
}

export const OPEN: TypeNode = { type: 'open' };
const PRIMITIVES = new Set(['string', 'number', 'boolean', 'any', 'unknown', 'object', 'never', 'null', 'undefined', 'true', 'false', 'bigint', 'symbol', 'void']);

export function emptyModule(): DeclarationModule {
  return { declarations: new Map(), imports: new Map(), exportAliases: new Map(), starExports: [] };
}

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

/** Parses one declaration file; `file` is recorded on references so imports resolve from it. */
export function parseDeclarations(source: string, file: string): DeclarationModule {
  return new DeclarationParser(tokenize(source), file).parseModule();
}

class DeclarationParser {
  #at = 0;
  readonly #module = emptyModule();

  constructor(
    private readonly tokens: string[],
    private readonly file: string,
  ) {}

  parseModule(): DeclarationModule {
    while (this.#at < this.tokens.length) {
      if (this.peek() === 'import' && this.peek(1) === '{') this.parseImport();
      else if (this.peek() === 'export' && this.peek(1) === '{') this.parseExportList();
      else if (this.peek() === 'export' && this.peek(1) === '*' && this.peek(2) === 'from') {
        this.#at += 3;
        this.#module.starExports.push(unquote(this.next()));
        this.skip(';');
      } else this.parseStatement();
    }
    return this.#module;
  }

  private peek(offset = 0): string | undefined {
    return this.tokens[this.#at + offset];
  }

  private next(): string {
    return this.tokens[this.#at++]!;
  }

  private skip(token: string): void {
    if (this.peek() === token) this.#at++;
  }

  private expect(token: string): void {
    if (this.peek() !== token) throw new Error(`${this.file}: expected ${token} at token ${this.#at}, found ${String(this.peek())}`);
    this.#at++;
  }

  /** `{ A, B as C }`, as [name before `as`, name after] pairs. */
  private parseNameList(): Array<[string, string]> {
    this.expect('{');
    const names: Array<[string, string]> = [];
    while (this.peek() !== '}') {
      const before = this.next();
      names.push([before, this.peek() === 'as' ? (this.next(), this.next()) : before]);
      this.skip(',');
    }
    this.next();
    return names;
  }

  private parseImport(): void {
    this.next();
    const names = this.parseNameList();
    this.expect('from');
    const specifier = unquote(this.next());
    for (const [imported, local] of names) this.#module.imports.set(local, { name: imported, specifier });
    this.skip(';');
  }

  private parseExportList(): void {
    this.next();
    const names = this.parseNameList();
    if (this.peek() === 'from') {
      // A re-export: `export { A as B } from "./x"` imports A under the name B.
      this.next();
      const specifier = unquote(this.next());
      for (const [local, exported] of names) this.#module.imports.set(exported, { name: local, specifier });
    } else {
      for (const [local, exported] of names) this.#module.exportAliases.set(exported, local);
    }
    this.skip(';');
  }

  private parseStatement(): void {
    const start = this.#at;
    const skipModifiers = () => {
      while (this.peek() === 'export' || this.peek() === 'declare') this.next();
    };
    skipModifiers();
    try {
      if (this.peek() === 'interface') this.parseInterface();
      else if (this.peek() === 'type') this.parseAlias();
      else this.skipStatement();
    } catch {
      // Outside the subset (function types, conditional types): the declaration stays open.
      this.#at = start;
      skipModifiers();
      if (this.peek() === 'interface' || this.peek() === 'type') this.#module.declarations.set(String(this.peek(1)), OPEN);
      this.#at = start;
      this.skipStatement();
    }
  }

  private parseInterface(): void {
    this.expect('interface');
    const name = this.next();
    const bases: TypeNode[] = [];
    if (this.peek() === 'extends') {
      this.next();
      while (this.peek() !== '{') {
        bases.push(this.parsePostfix());
        this.skip(',');
      }
    }
    this.expect('{');
    const body = this.parseMembers();
    body.bases.push(...bases);
    this.#module.declarations.set(name, body);
  }

  private parseAlias(): void {
    this.expect('type');
    const name = this.next();
    if (this.peek() === '<') this.parseTypeArguments();
    this.expect('=');
    this.#module.declarations.set(name, this.parseType());
    this.skip(';');
  }

  /** Skips to the end of a statement: its `;`, or the `}` closing a class or function body. */
  private skipStatement(): void {
    let depth = 0;
    while (this.#at < this.tokens.length) {
      const token = this.next();
      if (token === '{' || token === '(' || token === '[') depth++;
      else if (token === '}' || token === ')' || token === ']') {
        depth--;
        if (depth === 0 && token === '}' && ![';', '&', '|'].includes(String(this.peek()))) return;
      } else if (token === ';' && depth === 0) return;
    }
  }

  private parseType(): TypeNode {
    this.skip('|');
    const options = [this.parseIntersection()];
    while (this.peek() === '|') {
      this.next();
      options.push(this.parseIntersection());
    }
    return options.length === 1 ? options[0]! : { type: 'union', options };
  }

  private parseIntersection(): TypeNode {
    const parts = [this.parsePostfix()];
    while (this.peek() === '&') {
      this.next();
      parts.push(this.parsePostfix());
    }
    return parts.length === 1 ? parts[0]! : { type: 'object', members: new Map(), index: undefined, bases: parts };
  }

  /** `T[]` is an array; an indexed access `T["x"]` is not followed. */
  private parsePostfix(): TypeNode {
    let node = this.parsePrimary();
    while (this.peek() === '[') {
      this.next();
      if (this.peek() === ']') {
        this.next();
        node = { type: 'array', element: node };
      } else {
        this.parseType();
        this.expect(']');
        node = OPEN;
      }
    }
    return node;
  }

  private parseTypeArguments(): TypeNode[] {
    const list: TypeNode[] = [];
    this.expect('<');
    while (this.peek() !== '>') {
      list.push(this.parseType());
      this.skip(',');
    }
    this.next();
    return list;
  }

  private parsePrimary(): TypeNode {
    const token = this.next();
    if (token === '{') return this.parseMembers();
    if (token === '(') {
      const inner = this.parseType();
      this.expect(')');
      return inner;
    }
    if (token === '[') {
      while (this.peek() !== ']') this.next();
      this.next();
      return OPEN;
    }
    if (/^["'\d-]/.test(token) || PRIMITIVES.has(token)) return OPEN;
    let name = token;
    while (this.peek() === '.') {
      this.next();
      name += `.${this.next()}`;
    }
    const typeArguments = this.peek() === '<' ? this.parseTypeArguments() : [];
    if (name === 'Array' || name === 'ReadonlyArray') return { type: 'array', element: typeArguments[0] ?? OPEN };
    if (name === 'Record') return { type: 'object', members: new Map(), index: typeArguments[1] ?? OPEN, bases: [] };
    if (typeArguments.length > 0) return OPEN; // Partial<…>, Omit<…>: not followed
    return { type: 'reference', name, file: this.file };
  }

  /** The members of `{ … }` (the `{` already read), up to and including the `}`. */
  private parseMembers(): ObjectNode {
    const node: ObjectNode = { type: 'object', members: new Map(), index: undefined, bases: [] };
    while (this.peek() !== '}') {
      if (this.peek() === 'readonly' && this.peek(1) !== ':' && this.peek(1) !== '?') this.next();
      if (this.peek() === '[') {
        this.next();
        this.next(); // the key's name
        this.expect(':');
        this.parseType();
        this.expect(']');
        this.expect(':');
        node.index = this.parseType();
      } else {
        const name = unquote(this.next());
        this.skip('?');
        this.expect(':');
        node.members.set(name, this.parseType());
      }
      if (this.peek() === ';' || this.peek() === ',') this.next();
    }
    this.next();
    return node;
  }
}
