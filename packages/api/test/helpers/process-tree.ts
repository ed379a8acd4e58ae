import { readFileSync, readdirSync } from 'node:fs';

/** Parent pid and command name of a live process, read from /proc (Linux). */
function processInfo(pid: number): { parent: number; name: string; state: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name sits in parentheses and may itself contain spaces or parentheses.
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, close);
    const [state, parent] = stat.slice(close + 2).split(' ');
    return { parent: Number(parent), name, state: state ?? '?' };
  } catch {
    return undefined;
  }
}

/** Every live descendant of `root`, with its command name. */
export function descendants(root: number): Array<{ pid: number; name: string }> {
  const children = new Map<number, Array<{ pid: number; name: string }>>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const info = processInfo(pid);
    if (!info) continue;
    const list = children.get(info.parent) ?? [];
    list.push({ pid, name: info.name });
    children.set(info.parent, list);
  }
  const found: Array<{ pid: number; name: string }> = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/** Whether a process is still running (a zombie awaiting its parent counts as gone). */
export function isRunning(pid: number): boolean {
  const info = processInfo(pid);
  return info !== undefined && info.state !== 'Z';
}
