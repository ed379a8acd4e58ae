import { createRequire } from 'node:module';
import { constants } from 'node:os';
import type * as NodePty from 'node-pty';
import { createLineSplitter } from './line-splitter.ts';
import { createExitLatch, createListeners, type ProcessHost, type SpawnHostOptions } from './process-host.ts';

const require = createRequire(import.meta.url);
let nodePty: typeof NodePty | undefined;

/** node-pty is a native addon: load it only when a pty host is asked for. */
function loadNodePty(): typeof NodePty {
  nodePty ??= require('node-pty') as typeof NodePty;
  return nodePty;
}

/**
 * The first line the wrapper prints, after the terminal is in raw mode: the CLI's own pid. Until
 * it arrives nothing is written, because bytes typed into a cooked, echoing terminal come back as
 * output and line discipline would mangle long lines.
 */
const READY_MARKER = 'llm-gateway-pty-host';

/**
 * In `-p` mode the CLI refuses a TTY on stdin, so inside the pty a shell puts the terminal in raw
 * mode without echo and feeds the CLI through `cat`: the CLI reads a pipe and writes to the
 * terminal. The inner `sh` prints its pid, then `exec`s the CLI so that pid is the CLI's.
 */
/**
 * The `trap` makes the shell outlive a TERM sent to the whole group: it waits for `cat` and the
 * CLI, reaping them, before it exits. Otherwise the CLI would be orphaned and, in a container
 * whose PID 1 is node, stay a zombie.
 */
const WRAPPER =
  "trap 'exit 143' TERM HUP; " +
  'stty raw -echo 2>/dev/null || exit 126; ' +
  `cat | exec sh -c 'printf "{\\"type\\":\\"${READY_MARKER}\\",\\"pid\\":%s}\\n" "$$"; exec "$@"' sh "$@"`;

const SIGNAL_NAMES = new Map<number, string>(Object.entries(constants.signals).map(([name, number]) => [number, name]));

/** Hosts the CLI under a pseudo-terminal (node-pty), as the design card asks. */
export function spawnPtyHost(options: SpawnHostOptions): ProcessHost {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.env)) if (value !== undefined) env[name] = value;
  const terminal = loadNodePty().spawn('/bin/sh', ['-c', WRAPPER, 'sh', options.command, ...options.args], {
    name: 'dumb',
    // Wide enough that nothing in the CLI thinks it should wrap; raw mode does no wrapping itself.
    cols: 32_767,
    rows: 50,
    cwd: options.cwd,
    env,
  });
  const lines = createListeners<string>();
  const latch = createExitLatch();
  let cliPid: number | null = null;
  let ready = false;
  let queued = '';

  const splitter = createLineSplitter((line) => {
    if (!ready && line.includes(READY_MARKER)) {
      const match = /"pid":(\d+)/.exec(line);
      cliPid = match ? Number(match[1]) : null;
      ready = true;
      if (queued !== '') terminal.write(queued);
      queued = '';
      return;
    }
    lines.emit(line);
  });
  const dataSubscription = terminal.onData((chunk) => splitter.push(chunk));
  const exitSubscription = terminal.onExit(({ exitCode, signal }) => {
    splitter.flush();
    latch.settle({ code: signal ? null : exitCode, signal: signal ? (SIGNAL_NAMES.get(signal) ?? String(signal)) : null });
    // Every subscription to the child's events is disposed when it exits.
    dataSubscription.dispose();
    exitSubscription.dispose();
    lines.clear();
  });

  return {
    kind: 'pty',
    get pid() {
      return cliPid ?? terminal.pid;
    },
    write(data) {
      if (latch.exit) return;
      if (ready) terminal.write(data);
      else queued += data;
    },
    onLine: (listener) => lines.add(listener),
    onExit: latch.onExit,
    kill(signal = 'SIGTERM') {
      if (latch.exit) return;
      // The pty's shell leads its own process group: signal the shell, `cat` and the CLI together.
      try {
        process.kill(-terminal.pid, signal);
      } catch {
        terminal.kill(signal);
      }
    },
    exited: latch.exited,
  };
}
