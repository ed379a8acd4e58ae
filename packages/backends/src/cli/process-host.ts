/** How a CLI process is hosted: under a pseudo-terminal, or on plain pipes. */
export type HostKind = 'pty' | 'pipe';

/** How a hosted process ended. */
export interface HostExit {
  code: number | null;
  signal: string | null;
}

/**
 * One child process speaking a line protocol, whatever hosts it. Output arrives as lines, stderr
 * included (a pty cannot keep them apart, so neither does the pipe host).
 */
export interface ProcessHost {
  readonly kind: HostKind;
  /** The CLI's own process id (for `/sessions` and RSS), once known. */
  readonly pid: number | null;
  /** Writes to the CLI's stdin. */
  write(data: string): void;
  /** Subscribes to output lines; returns an unsubscribe function. */
  onLine(listener: (line: string) => void): () => void;
  /** Subscribes to the exit, which happens once; returns an unsubscribe function. */
  onExit(listener: (exit: HostExit) => void): () => void;
  /** Signals the process (and whatever the host started with it). */
  kill(signal?: NodeJS.Signals): void;
  /** Resolves once the process has exited. */
  readonly exited: Promise<HostExit>;
}

export interface SpawnHostOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Starts a process under one kind of host. Throws synchronously when it cannot spawn at all. */
export type SpawnHost = (options: SpawnHostOptions) => ProcessHost;

/** A tiny listener set whose subscriptions return disposers (node-pty's event style). */
export function createListeners<T>() {
  const listeners = new Set<(value: T) => void>();
  return {
    add(listener: (value: T) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(value: T): void {
      for (const listener of [...listeners]) listener(value);
    },
    clear(): void {
      listeners.clear();
    },
  };
}

/**
 * The exit of a hosted process, reported once: subscribers before it get it as it happens,
 * subscribers after it get it on the next microtask, and `exited` resolves with it.
 */
export function createExitLatch() {
  const listeners = createListeners<HostExit>();
  let exit: HostExit | undefined;
  let resolveExited: (exit: HostExit) => void = () => {};
  const exited = new Promise<HostExit>((resolve) => {
    resolveExited = resolve;
  });
  return {
    /** The exit, once it has happened. */
    get exit(): HostExit | undefined {
      return exit;
    },
    exited,
    /** Records the exit and tells every subscriber; later calls are ignored. Returns whether it was the first. */
    settle(value: HostExit): boolean {
      if (exit) return false;
      exit = value;
      listeners.emit(value);
      listeners.clear();
      resolveExited(value);
      return true;
    },
    onExit(listener: (exit: HostExit) => void): () => void {
      if (exit) {
        const value = exit;
        queueMicrotask(() => listener(value));
        return () => {};
      }
      return listeners.add(listener);
    },
  };
}
