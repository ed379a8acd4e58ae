import { Piscina } from 'piscina';

/** Counts tokens on worker threads. */
export interface TokenCountPool {
  count(texts: readonly string[]): Promise<number>;
  /** Stops the threads; counts still queued fail. */
  close(): Promise<void>;
}

export interface TokenCountPoolOptions {
  /** `LLM_TOKENIZER_THREADS`. @defaultValue 2 */
  threads?: number;
  /** A thread idle this long ends (one is kept). @defaultValue 60_000 */
  idleTimeoutMs?: number;
}

/**
 * Worker threads are started on the first count, not before: a gateway that never sees a large
 * prompt never starts one. From the TypeScript sources (tsx, vitest) the worker needs tsx's
 * loader; under `tsx` the threads inherit it with `process.execArgv`, elsewhere it is added.
 */
export function createTokenCountPool(options: TokenCountPoolOptions = {}): TokenCountPool {
  const { threads = 2, idleTimeoutMs = 60_000 } = options;
  let pool: Piscina<readonly string[], number> | undefined;
  let closed = false;
  const start = () => {
    const url = new URL(`./count-tokens-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
    const needsLoader = url.pathname.endsWith('.ts') && !process.execArgv.some((argument) => argument.includes('tsx'));
    return new Piscina<readonly string[], number>({
      filename: url.href,
      minThreads: 1,
      maxThreads: Math.max(1, threads),
      idleTimeout: idleTimeoutMs,
      ...(needsLoader ? { execArgv: [...process.execArgv, '--import', 'tsx'] } : {}),
    });
  };
  return {
    count(texts) {
      if (closed) return Promise.reject(new Error('the token count pool is closed'));
      pool ??= start();
      return pool.run(texts);
    },
    async close() {
      closed = true;
      await pool?.destroy();
    },
  };
}
