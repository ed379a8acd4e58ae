import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A private `redis-server` a test suite or benchmark started and must stop. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  /** The server's process id, or null while it is stopped. */
  readonly pid: number | null;
  /** Stops the server (SIGTERM, then SIGKILL); resolves once the process has exited. */
  stop(): Promise<void>;
  /** Kills the server at once, as a crash would (SIGKILL). */
  kill(): Promise<void>;
  /** Starts it again on the same port (after `stop` or `kill`); nothing persisted survives. */
  start(): Promise<void>;
  /** `stop` then `start`: what a Redis restart looks like to its clients. */
  restart(): Promise<void>;
}

export interface StartRedisServerOptions {
  /** @defaultValue a free port on 127.0.0.1 */
  port?: number;
  /** @defaultValue `redis-server` from PATH */
  command?: string;
  /** How long to wait for the first PONG. @defaultValue 10_000 */
  readyTimeoutMs?: number;
}

/** Every server started by this process, killed on exit even when a test run crashes. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** A TCP port nobody listens on right now (the kernel picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves true when something on `port` answers PING with PONG. */
export function pingRedis(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let reply = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

/**
 * Starts a throwaway `redis-server` on 127.0.0.1 with persistence off, and waits until it answers.
 * Never touches the Redis on the default port: tests must not write to a server they did not start.
 */
export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<RedisServer> {
  const { command = 'redis-server', readyTimeoutMs = 10_000 } = options;
  const port = options.port ?? (await freePort());
  installExitHook();
  let child: ChildProcess | null = null;

  const launch = async (): Promise<void> => {
    const started = spawn(
      command,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    started.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const spawnFailure = new Promise<Error>((resolve) => {
      started.once('error', (error: NodeJS.ErrnoException) =>
        resolve(
          error.code === 'ENOENT'
            ? new Error(`${command} not found: install it (apt-get install redis-server, or scripts/setup.sh --tests)`)
            : error,
        ),
      );
      started.once('exit', (code, signal) => resolve(new Error(`redis-server exited (${code ?? signal}): ${stderr.trim()}`)));
    });
    running.add(started);
    started.once('exit', () => running.delete(started));
    child = started;
    const deadline = Date.now() + readyTimeoutMs;
    let failure: Error | undefined;
    void spawnFailure.then((error) => (failure = error));
    while (Date.now() < deadline) {
      if (failure) throw failure;
      if (await pingRedis(port)) return;
      await sleep(20);
    }
    started.kill('SIGKILL');
    throw new Error(`redis-server on port ${port} did not answer within ${readyTimeoutMs} ms`);
  };

  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const current = child;
    child = null;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    current.kill(signal);
    const escalation = setTimeout(() => current.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(escalation);
  };

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return (child as ChildProcess | null)?.pid ?? null;
    },
    stop: () => halt('SIGTERM'),
    kill: () => halt('SIGKILL'),
    start: async () => {
      if (child) return;
      await launch();
    },
    restart: async () => {
      await halt('SIGTERM');
      await launch();
    },
  };
}
