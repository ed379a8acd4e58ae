import { spawn } from 'node:child_process';
import { createLineSplitter } from './line-splitter.ts';
import { createExitLatch, createListeners, type HostExit, type ProcessHost, type SpawnHostOptions } from './process-host.ts';

/** Hosts the CLI on plain pipes: stdin, stdout and stderr of an ordinary child process. */
export function spawnPipeHost(options: SpawnHostOptions): ProcessHost {
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines = createListeners<string>();
  const latch = createExitLatch();
  const stdout = createLineSplitter((line) => lines.emit(line));
  const stderr = createLineSplitter((line) => lines.emit(line));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => stdout.push(chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  // A write after the CLI died must not crash the gateway: the exit is reported instead.
  child.stdin.on('error', () => {});
  const finish = (value: HostExit) => {
    if (latch.exit) return;
    stdout.flush();
    stderr.flush();
    latch.settle(value);
    lines.clear();
  };
  child.once('exit', (code, signal) => finish({ code, signal }));
  // ENOENT / EACCES: spawn failed; there is no process to wait for.
  child.once('error', (error) => {
    lines.emit(`spawn failed: ${error.message}`);
    finish({ code: null, signal: null });
  });
  return {
    kind: 'pipe',
    get pid() {
      return child.pid ?? null;
    },
    write(data) {
      if (!latch.exit && child.stdin.writable) child.stdin.write(data);
    },
    onLine: (listener) => lines.add(listener),
    onExit: latch.onExit,
    kill(signal = 'SIGTERM') {
      if (latch.exit) return;
      // End of input is how the CLI expects a stream-json session to finish.
      child.stdin.end();
      child.kill(signal);
    },
    exited: latch.exited,
  };
}
