/** One instruction of a Dockerfile, continuation lines joined and comments dropped. */
export interface DockerInstruction {
  keyword: string;
  /** The text after the keyword. */
  text: string;
  /** The stage it belongs to (its `AS` name, or its index). */
  stage: string;
  line: number;
}

export interface DockerStage {
  name: string;
  /** The base image with global `ARG` defaults substituted. */
  image: string;
}

export interface Dockerfile {
  instructions: DockerInstruction[];
  stages: DockerStage[];
}

/** Parses a Dockerfile the way the builder reads it (enough for checks, not a full parser). */
export function parseDockerfile(source: string): Dockerfile {
  const logical: Array<{ text: string; line: number }> = [];
  let pending: { text: string; line: number } | undefined;
  source.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    // Comment lines are dropped, inside continuations too (as the builder does).
    if (trimmed.startsWith('#') || (trimmed === '' && !pending)) return;
    const continued = trimmed.endsWith('\\');
    const text = continued ? trimmed.slice(0, -1).trim() : trimmed;
    pending = pending ? { text: `${pending.text} ${text}`.trim(), line: pending.line } : { text, line: index + 1 };
    if (!continued) {
      logical.push(pending);
      pending = undefined;
    }
  });
  if (pending) logical.push(pending);

  const globalArguments = new Map<string, string>();
  const stages: DockerStage[] = [];
  const instructions = logical.map(({ text, line }) => {
    const match = /^(\S+)\s*(.*)$/.exec(text)!;
    const keyword = match[1]!.toUpperCase();
    const rest = match[2]!;
    if (keyword === 'ARG' && stages.length === 0) {
      const [name, value = ''] = rest.split('=', 2);
      globalArguments.set(name!.trim(), value.trim());
    }
    if (keyword === 'FROM') {
      const parts = rest.split(/\s+/).filter((part) => !part.startsWith('--'));
      const image = parts[0]!.replace(/\$\{?(\w+)\}?/g, (_, name: string) => globalArguments.get(name) ?? '');
      const name = parts[1]?.toUpperCase() === 'AS' ? parts[2]! : String(stages.length);
      stages.push({ name, image });
    }
    const stage = stages.at(-1)?.name ?? '';
    return { keyword, text: rest, stage, line };
  });
  return { instructions, stages };
}

/** An exec-form (`["a", "b"]`) or shell-form argument list. */
export function commandWords(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as string[];
  return trimmed.split(/\s+/);
}

/** The variables an `ENV` instruction sets (`A=1 B="two words"`, or the old `A value` form). */
export function environmentOf(text: string): Map<string, string> {
  const variables = new Map<string, string>();
  if (!/^\w+=/.test(text)) {
    const [name, ...value] = text.split(/\s+/);
    variables.set(name!, value.join(' '));
    return variables;
  }
  for (const match of text.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) {
    variables.set(match[1]!, match[2]!.replace(/^["']|["']$/g, ''));
  }
  return variables;
}

/** The `HEALTHCHECK` command, without its options. */
export function healthcheckCommand(text: string): string[] {
  const command = text.replace(/^(--\S+\s+)*/, '');
  if (!command.startsWith('CMD')) throw new Error(`HEALTHCHECK without CMD: ${text}`);
  return commandWords(command.slice(3));
}
