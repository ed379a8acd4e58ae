import { readFileSync, readdirSync } from 'node:fs';

/** A live process as /proc describes it (Linux). */
export interface ProcessEntry {
  pid: number;
  parent: number;
  /** The command name (`comm`), e.g. `node`. */
  name: string;
  /** The full command line, arguments joined by spaces. */
  commandLine: string;
}

function readEntry(pid: number): (ProcessEntry & { state: string }) | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name sits in parentheses and may itself contain spaces or parentheses.
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, close);
    const [state = '?', parent = '0'] = stat.slice(close + 2).split(' ');
    let commandLine = '';
    try {
      commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    } catch {
      // gone meanwhile: the name is enough
    }
    return { pid, parent: Number(parent), name, commandLine, state };
  } catch {
    return undefined;
  }
}

/** Every live (not zombie) descendant of `root`. */
export function descendants(root: number): ProcessEntry[] {
  const children = new Map<number, ProcessEntry[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const entry = readEntry(pid);
    if (!entry || entry.state === 'Z') continue;
    const list = children.get(entry.parent) ?? [];
    list.push(entry);
    children.set(entry.parent, list);
  }
  const found: ProcessEntry[] = [];
  const queue = [root];
  for (let index = 0; index < queue.length && index < 10_000; index++) {
    for (const child of children.get(queue[index]!) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/** Every live process whose command line contains `marker` (for processes that outlive their parent). */
export function processesMatching(marker: string): ProcessEntry[] {
  const found: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const entry = readEntry(pid);
    if (entry && entry.state !== 'Z' && entry.commandLine.includes(marker)) found.push(entry);
  }
  return found;
}

/** Whether a process is running (a zombie awaiting its parent counts as gone). */
export function isRunning(pid: number): boolean {
  const entry = readEntry(pid);
  return entry !== undefined && entry.state !== 'Z';
}

/** Resident memory of a process in bytes (`VmRSS`), or undefined once it is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
