import type { Logger } from 'pino';

/** The levels a throttled line may have: the ones an outage floods. */
export type ThrottledLevel = 'error' | 'warn';

/**
 * Error lines throttled per kind: the first of a kind is written at once; more of that kind within
 * `intervalMs` are counted, and one line at the end of the interval carries the count (and the
 * latest one's fields). During a Redis outage that is one line per kind per second instead of
 * one stack trace per request, and the count still says how many requests failed.
 */
export interface ThrottledLogger {
  /** Writes or counts one line of `kind` (an error code, say: a small, fixed set). */
  write(level: ThrottledLevel, kind: string, fields: Record<string, unknown>, message: string): void;
  /** Writes the counts still pending and stops the timers (at shutdown, or in tests). */
  flush(): void;
}

export interface ThrottledLoggerOptions {
  /** @defaultValue 1_000 */
  intervalMs?: number;
  /** Kinds tracked at once; past it, new kinds share the kind `other`. @defaultValue 256 */
  maxKinds?: number;
}

interface Pending {
  /** Lines of the kind not written since the last one that was. */
  count: number;
  level: ThrottledLevel;
  fields: Record<string, unknown>;
  message: string;
  timer: ReturnType<typeof setTimeout>;
}

/** A {@link ThrottledLogger} writing to `log`; its timers never keep the process alive. */
export function createThrottledLogger(log: Logger, options: ThrottledLoggerOptions = {}): ThrottledLogger {
  const { intervalMs = 1_000, maxKinds = 256 } = options;
  const pending = new Map<string, Pending>();

  const emit = (kind: string, entry: Pick<Pending, 'level' | 'fields' | 'message'>, count: number) =>
    log[entry.level]({ ...entry.fields, kind, count }, entry.message);

  const tick = (kind: string) => {
    const entry = pending.get(kind)!;
    if (entry.count === 0) {
      // A quiet interval: the next line of this kind is written at once again.
      pending.delete(kind);
      return;
    }
    emit(kind, entry, entry.count);
    entry.count = 0;
    entry.timer = arm(kind);
  };
  const arm = (kind: string) => {
    const timer = setTimeout(tick, intervalMs, kind);
    timer.unref();
    return timer;
  };

  return {
    write(level, kind, fields, message) {
      const key = pending.has(kind) || pending.size < maxKinds ? kind : 'other';
      const entry = pending.get(key);
      if (entry) {
        entry.count += 1;
        entry.level = level;
        entry.fields = fields;
        entry.message = message;
        return;
      }
      emit(key, { level, fields, message }, 1);
      pending.set(key, { count: 0, level, fields, message, timer: arm(key) });
    },
    flush() {
      for (const [kind, entry] of pending) {
        clearTimeout(entry.timer);
        if (entry.count > 0) emit(kind, entry, entry.count);
      }
      pending.clear();
    },
  };
}
