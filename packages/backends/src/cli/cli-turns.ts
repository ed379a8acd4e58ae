import { isResult, type CliMessage, type CliResult } from './protocol.ts';

/** Where one turn's output goes. */
export interface TurnHandlers {
  message(message: CliMessage): void;
  end(outcome: CliResult | Error): void;
}

interface Turn extends TurnHandlers {
  readonly done: Promise<void>;
}

/**
 * The prompts (and local commands) a CLI process has been sent and not yet finished: it answers
 * them in order, one `result` line each, so output goes to the oldest.
 */
export class CliTurns {
  readonly #turns: Turn[] = [];

  get length(): number {
    return this.#turns.length;
  }

  /** Adds a turn; its `end` is called once, with the `result` line or the error that ended it. */
  add(handlers: TurnHandlers): void {
    let settle: () => void = () => {};
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.#turns.push({
      message: handlers.message,
      end: (outcome) => {
        settle();
        handlers.end(outcome);
      },
      done,
    });
  }

  /** Resolves once every turn sent so far has ended. */
  async drained(): Promise<void> {
    while (this.#turns.length > 0) await this.#turns.at(-1)!.done;
  }

  /** Gives an output line to the oldest turn; a `result` ends it. */
  route(message: CliMessage): void {
    const turn = this.#turns[0];
    if (!turn) return;
    turn.message(message);
    if (isResult(message)) {
      this.#turns.shift();
      turn.end(message);
    }
  }

  /** The process is gone: every turn ends with `error`. */
  failAll(error: Error): void {
    for (const turn of this.#turns.splice(0)) turn.end(error);
  }
}
