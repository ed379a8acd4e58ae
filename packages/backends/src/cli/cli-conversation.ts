import { randomUUID } from 'node:crypto';

/** How a session forgets its conversation. */
export type ResetPlan =
  | { kind: 'nothing' }
  | { kind: 'rewind'; request: { subtype: 'rewind_conversation'; target_message_uuid: string; last_seen_user_message_uuid: string } }
  | { kind: 'clear' };

/**
 * What a session's conversation since its last reset is made of, as far as forgetting it goes.
 * `rewind_conversation` back to the first prompt leaves it empty and adds nothing to the next
 * request, where `/clear` leaves a `<local-command-caveat>` block (~120 tokens) in the next
 * prompt, billed. But a rewound conversation keeps offering every tool it ever offered (measured
 * with 2.1.332: tools a later `tools/list` no longer has stay in the upstream request), so one that
 * offered tools is cleared.
 */
export class CliConversation {
  #firstPrompt: string | undefined;
  /** The CLI refuses a rewind as stale unless told the last prompt it should have seen. */
  #lastPrompt: string | undefined;
  #offeredTools = false;

  /** The uuid for the next prompt line (the CLI keeps it as the message's own). */
  nextPromptId(): string {
    const uuid = randomUUID();
    this.#firstPrompt ??= uuid;
    this.#lastPrompt = uuid;
    return uuid;
  }

  /** Notes that a prompt of this conversation offered `count` tools. */
  offered(count: number): void {
    if (count > 0) this.#offeredTools = true;
  }

  resetPlan(): ResetPlan {
    if (this.#firstPrompt === undefined || this.#lastPrompt === undefined) return { kind: 'nothing' };
    if (this.#offeredTools) return { kind: 'clear' };
    return { kind: 'rewind', request: { subtype: 'rewind_conversation', target_message_uuid: this.#firstPrompt, last_seen_user_message_uuid: this.#lastPrompt } };
  }

  /** The conversation was forgotten: the next prompt starts a new one. */
  forget(): void {
    this.#firstPrompt = undefined;
    this.#lastPrompt = undefined;
    this.#offeredTools = false;
  }
}
