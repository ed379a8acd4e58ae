/**
 * A one-consumer async queue: a producer pushes values from event callbacks, the consumer iterates.
 * `close()` ends the iteration at once (values still queued are dropped): that is how an abort
 * wakes a consumer that is waiting for the next part.
 */
export function createChannel<T>() {
  const items: Array<T | typeof END> = [];
  let closed = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  return {
    push(item: T): void {
      if (closed) return;
      items.push(item);
      notify();
    },
    /** Ends the iteration after what is queued. */
    end(): void {
      items.push(END);
      notify();
    },
    /** Ends the iteration now. */
    close(): void {
      closed = true;
      items.length = 0;
      notify();
    },
    async *[Symbol.asyncIterator](): AsyncGenerator<T> {
      while (true) {
        if (closed) return;
        const item = items.shift();
        if (item === END) return;
        if (item !== undefined) {
          yield item as T;
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

const END = Symbol('end');
