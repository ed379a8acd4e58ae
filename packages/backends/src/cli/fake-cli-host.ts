import { readFileSync } from 'node:fs';
import { createListeners, type HostExit, type ProcessHost, type SpawnHost } from './process-host.ts';

/** Recorded CLI output in `__fixtures__`, one JSON line each. */
export type CliFixture =
  | 'text-turn'
  | 'api-error-turn'
  | 'tool-refused-turn'
  | 'not-logged-in-turn'
  | 'clear-turn'
  | 'interrupted-turn'
  | 'initialize'
  | 'initialize-no-credentials';

/** The lines of a recorded fixture. */
export function fixtureLines(name: CliFixture): string[] {
  return readFileSync(new URL(`./__fixtures__/${name}.jsonl`, import.meta.url), 'utf8').split('\n').filter((line) => line !== '');
}

/** What the fake does with the next prompt: replay a recording, hang until interrupted, or die. */
export type FakeTurn = CliFixture | 'hang' | 'exit';

export interface FakeCliHost extends ProcessHost {
  /** Every line written to the fake's stdin, parsed. */
  readonly written: Array<Record<string, any>>;
  /** Answers to the next prompts, in order; `text-turn` when empty. */
  readonly turns: FakeTurn[];
  /** Makes the process die now, as if killed from outside. */
  crash(signal?: string): void;
}

export interface FakeCliOptions {
  /** @defaultValue `initialize` */
  initialize?: CliFixture | 'exit' | 'silent';
  /** Control subtypes the fake never answers (a wedged process). */
  unanswered?: string[];
  /** Refuse `rewind_conversation` (as a CLI without it would), so the session falls back to `/clear`. */
  refuseRewind?: boolean;
}

/**
 * A stand-in for a hosted CLI process that answers as the real one did when recorded: for unit
 * tests of the session logic without spawning anything. Output is delivered asynchronously.
 */
export function createFakeCliHost(options: FakeCliOptions = {}): FakeCliHost {
  const lines = createListeners<string>();
  const exits = createListeners<HostExit>();
  const written: Array<Record<string, any>> = [];
  const turns: FakeTurn[] = [];
  let hanging = false;
  /** The uuids of the prompts in the conversation, oldest first (what `rewind_conversation` targets). */
  let conversation: string[] = [];
  let exit: HostExit | undefined;
  let resolveExited: (value: HostExit) => void = () => {};
  const exited = new Promise<HostExit>((resolve) => (resolveExited = resolve));
  const emit = (output: string[]): void => void setImmediate(() => output.forEach((line) => !exit && lines.emit(line)));
  const die = (value: HostExit) => {
    if (exit) return;
    exit = value;
    setImmediate(() => {
      exits.emit(value);
      lines.clear();
      exits.clear();
      resolveExited(value);
    });
  };
  const respond = (requestId: string, response: Record<string, unknown>): void =>
    emit([JSON.stringify({ type: 'control_response', response: { subtype: 'success', request_id: requestId, response } })]);

  function onControl(requestId: string, request: { subtype: string; model?: string; target_message_uuid?: string; last_seen_user_message_uuid?: string }): void {
    if (options.unanswered?.includes(request.subtype)) return;
    switch (request.subtype) {
      case 'rewind_conversation': {
        const index = conversation.indexOf(request.target_message_uuid ?? '');
        // As the real CLI: a rewind that does not name the latest prompt as seen is stale.
        const stale = request.last_seen_user_message_uuid !== conversation.at(-1);
        if (options.refuseRewind || index < 0 || stale) {
          return emit([JSON.stringify({ type: 'control_response', response: { subtype: 'error', request_id: requestId, error: 'no such message' } })]);
        }
        conversation = conversation.slice(0, index);
        return respond(requestId, { rewound: true, targetMessageUuid: request.target_message_uuid });
      }
      case 'initialize': {
        const initialize = options.initialize ?? 'initialize';
        if (initialize === 'exit') return die({ code: 1, signal: null });
        if (initialize === 'silent') return;
        const line = fixtureLines(initialize)[0]!.replace(/"request_id":"[^"]*"/, `"request_id":"${requestId}"`);
        return emit(['Warning: a line on stderr, merged by the pty', line]);
      }
      case 'interrupt':
        respond(requestId, { still_queued: [] });
        if (hanging) {
          hanging = false;
          emit(fixtureLines('interrupted-turn').slice(1));
        }
        return;
      default:
        return respond(requestId, request.subtype === 'set_model' ? { model: `resolved-${request.model}` } : {});
    }
  }

  function onPrompt(text: string, uuid: string | undefined): void {
    if (text === '/clear') {
      conversation = [];
      return emit(fixtureLines('clear-turn'));
    }
    if (uuid) conversation.push(uuid);
    const turn = turns.shift() ?? 'text-turn';
    if (turn === 'hang') hanging = true;
    else if (turn === 'exit') die({ code: null, signal: 'SIGKILL' });
    else emit(fixtureLines(turn));
  }

  return {
    kind: 'pipe',
    pid: 4242,
    written,
    turns,
    exited,
    write(data) {
      for (const line of data.split('\n').filter(Boolean)) {
        const message = JSON.parse(line) as Record<string, any>;
        written.push(message);
        if (exit) continue;
        if (message.type === 'control_request') onControl(message.request_id, message.request);
        if (message.type === 'user') onPrompt(message.message.content[0].text, message.uuid);
      }
    },
    onLine: (listener) => lines.add(listener),
    onExit: (listener) => exits.add(listener),
    kill: (signal = 'SIGTERM') => die({ code: null, signal }),
    crash: (signal = 'SIGKILL') => die({ code: null, signal }),
  };
}

/** A {@link SpawnHost} handing out fake hosts, keeping each for the test to steer. */
export function fakeSpawner(options: FakeCliOptions = {}): SpawnHost & { hosts: FakeCliHost[] } {
  const hosts: FakeCliHost[] = [];
  const spawnHost = () => {
    const host = createFakeCliHost(options);
    hosts.push(host);
    return host;
  };
  return Object.assign(spawnHost, { hosts });
}
