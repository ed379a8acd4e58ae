import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatRequest, Logger, StreamPart } from '@llm-gateway/shared';
import type { BackendCallOptions, BackendSession } from '../backend.ts';
import { CLAUDE_MODEL_ALIASES } from '../models.ts';
import { createAnswerBuilder } from './cli-answer.ts';
import { CLI_REMEDY, findExecutable } from './cli-command.ts';
import { CliControl } from './cli-control.ts';
import { CliConversation } from './cli-conversation.ts';
import { CliTurns, type TurnHandlers } from './cli-turns.ts';
import { MCP_SERVER_NAME, McpToolServer } from './cli-mcp-server.ts';
import { CliToolTurn } from './cli-tool-turn.ts';
import { jsonFormatOf } from './cli-json-answer.ts';
import { jsonAnswerTool } from '../json-answer-tool.ts';
import { createChannel } from './part-channel.ts';
import type { HostExit, ProcessHost, SpawnHost } from './process-host.ts';
import { renderPrompt } from './prompt.ts';
import { hasCredentials, parseCliLine, userMessageLine, type CliAccount, type CliResult } from './protocol.ts';

/** Timings of one finished prompt, as the CLI reports them (for benchmarks and logs). */
export interface CliTurnStats {
  sessionId: string;
  /** The CLI's own time for the turn (`duration_ms`). */
  durationMs: number;
  /** Of which waiting for the API (`duration_api_ms`). */
  apiDurationMs: number;
}

export interface CliSessionOptions {
  id: string;
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  spawnHost: SpawnHost;
  /** The model (client name) set at start-up, so warm sessions agree. @defaultValue none */
  initialModel?: string;
  /** Bounds a control request during a job (`set_model`). @defaultValue 10_000 */
  controlTimeoutMs?: number;
  /** After SIGTERM, how long before SIGKILL. @defaultValue 3_000 */
  killGraceMs?: number;
  onTurn?: (stats: CliTurnStats) => void;
  log?: Logger;
}

/**
 * One warm Claude Code process in persistent stream-json mode, behind {@link BackendSession}.
 * Ready once it answers `initialize`; runs one prompt at a time; `/clear` between requests.
 */
export class CliSession implements BackendSession {
  readonly #options: CliSessionOptions;
  readonly #turns = new CliTurns();
  readonly #diagnostics: string[] = [];
  readonly #exitListeners = new Set<(reason: string) => void>();
  #host: ProcessHost | undefined;
  #control: CliControl | undefined;
  /** The tool calls of the current turn: held for the client's results while the turn is parked. */
  readonly #toolTurn = new CliToolTurn();
  /** Serves each request's tools to the CLI; the calls it makes go to {@link #toolTurn}. */
  readonly #mcp = new McpToolServer((call) => {
    const answer = this.#toolTurn.call(call);
    if (answer !== undefined) this.#host?.write(answer);
  });
  /** Where the current turn's output goes: the answer of the request running now, none while parked. */
  #sink: TurnHandlers | undefined;
  #workDir: string | undefined;
  #model: string | null = null;
  readonly #conversation = new CliConversation();
  #busy = false;
  #exit: HostExit | undefined;
  #stopping = false;
  #removal: Promise<void> = Promise.resolve();

  constructor(options: CliSessionOptions) {
    this.#options = options;
  }

  get pid(): number | null {
    return this.#host?.pid ?? null;
  }

  get model(): string | null {
    return this.#model;
  }

  async start(signal: AbortSignal): Promise<void> {
    const { command, args, env, spawnHost } = this.#options;
    if (findExecutable(command, env.PATH ?? '') === undefined) {
      throw new Error(`The Claude Code CLI was not found (${command}): run \`pnpm install\` or set LLM_CLI_COMMAND. ${CLI_REMEDY}`);
    }
    // An empty directory of its own: nothing for the CLI to read, no CLAUDE.md, no project.
    this.#workDir = await mkdtemp(join(tmpdir(), 'llm-gateway-cli-'));
    const host = spawnHost({ command, args, cwd: this.#workDir, env });
    this.#host = host;
    this.#control = new CliControl(host, this.#options.id, this.#mcp);
    host.onLine((line) => this.#onLine(line));
    host.onExit((exit) => this.#onExit(exit));
    const response = await this.#control.request({ subtype: 'initialize', sdkMcpServers: [MCP_SERVER_NAME] }, { signal });
    if (!hasCredentials(response.account as CliAccount | undefined)) {
      throw new Error(`The Claude CLI has no credentials (no API key, not logged in). ${CLI_REMEDY}`);
    }
    if (this.#options.initialModel) await this.#setModel(this.#options.initialModel, signal);
  }

  async *run(request: ChatRequest, options: BackendCallOptions): AsyncGenerator<StreamPart> {
    const log = options.log ?? this.#options.log;
    if (this.#busy || !this.#host || this.#exit) throw new Error('the CLI session cannot take a request now');
    // A parked turn belongs to one conversation: only its follow-up may go on with it.
    const resuming = this.#toolTurn.answeredBy(request);
    if (!resuming && this.#toolTurn.parkedCalls.length > 0) throw new Error('the CLI session holds a parked turn of another conversation');
    this.#busy = true;
    const parts = createChannel<StreamPart>();
    const answer = createAnswerBuilder(request, { usageFromStream: resuming });
    const onAbort = () => {
      parts.close();
      this.#interrupt(log);
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const started = performance.now();
      const sink: TurnHandlers = {
        message: (message) => {
          const step = answer.message(message);
          for (const part of step.parts) parts.push(part);
          if (!step.cutShort) return;
          parts.end();
          this.#sink = undefined;
          // Calls for the client: the turn waits for their results (the pool parks the session,
          // or resets it, which interrupts the turn). Any other early end stops the turn now.
          if (step.toolCallIds) this.#toolTurn.park(step.toolCallIds);
          else this.#interrupt(log);
        },
        end: (outcome) => {
          if (outcome instanceof Error) {
            for (const part of answer.failure(outcome.message)) parts.push(part);
          } else {
            if (outcome.is_error) log?.warn({ cliError: outcome.result, apiErrorStatus: outcome.api_error_status }, 'the CLI reported an error');
            for (const part of answer.result(outcome)) parts.push(part);
            this.#reportTurn(outcome, performance.now() - started, log);
          }
          parts.end();
        },
      };
      if (resuming) {
        this.#sink = sink;
        for (const line of this.#toolTurn.resume(request)) this.#host.write(line);
      } else {
        if (this.#model !== request.model) await this.#setModel(request.model, options.signal);
        await this.#offerTools(request, options.signal);
        if (options.signal.aborted) return;
        const prompt = renderPrompt(request.messages, request.tools?.length ? request.toolChoice : undefined, jsonFormatOf(request) !== undefined);
        const line = userMessageLine(prompt, this.#conversation.nextPromptId());
        this.#sink = sink;
        this.#startTurn(line, { message: (message) => this.#sink?.message(message), end: (outcome) => this.#endTurn(outcome) });
      }
      yield* parts;
    } finally {
      options.signal.removeEventListener('abort', onAbort);
      this.#busy = false;
    }
  }

  parkedCalls(): readonly string[] {
    return this.#toolTurn.parkedCalls;
  }

  /** A prompt's turn is over: its calls still held are told so, and its answer (if any) ends. */
  #endTurn(outcome: CliResult | Error): void {
    const sink = this.#sink;
    this.#sink = undefined;
    for (const line of this.#toolTurn.end()) this.#host?.write(line);
    sink?.end(outcome);
  }

  /**
   * Forgets the conversation (see {@link CliConversation} for how), a parked turn included.
   * @throws Error when it cannot verifiably do so: the pool then recycles the session.
   */
  async reset(): Promise<void> {
    // A parked turn (the client's results never came, or the pool does not park) is stopped first.
    if (this.#toolTurn.parkedCalls.length > 0 && this.#turns.length > 0) this.#interrupt(this.#options.log);
    // An interrupted prompt still owes its `result`: wait, so the reset is not taken for it.
    await this.#turns.drained();
    for (const line of this.#toolTurn.end()) this.#host?.write(line);
    const plan = this.#conversation.resetPlan();
    if (plan.kind === 'rewind') {
      const timeoutMs = this.#options.controlTimeoutMs ?? 10_000;
      const response = await this.#control!.request(plan.request, { timeoutMs }).catch((error: unknown) => ({ rewound: false, error: String(error) }));
      if (response.rewound !== true) {
        this.#options.log?.warn({ response }, 'the CLI refused to rewind the conversation; clearing it instead');
        await this.#clear();
      }
    } else if (plan.kind === 'clear') {
      await this.#clear();
    }
    this.#conversation.forget();
  }

  async #clear(): Promise<void> {
    let cleared = false;
    const result = await new Promise<CliResult>((resolve, reject) => {
      this.#startTurn(userMessageLine('/clear'), {
        message: (message) => {
          if (message.type === 'conversation_reset') cleared = true;
        },
        end: (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)),
      });
    });
    // Verified clean: the CLI started a new conversation and ran no model turn for it.
    if (!cleared || result.is_error || (result.num_turns ?? 0) !== 0) {
      throw new Error(`/clear did not reset the conversation (result ${result.subtype}, ${String(result.num_turns)} turns)`);
    }
  }

  async ping(): Promise<void> {
    if (!this.#control || this.#exit) throw new Error('the CLI session has exited');
    // Answered by the CLI itself: proves the process reads and answers, with no API call.
    await this.#control.request({ subtype: 'mcp_status' });
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    const host = this.#host;
    if (host && !this.#exit) {
      host.kill('SIGTERM');
      const killed = setTimeout(() => host.kill('SIGKILL'), this.#options.killGraceMs ?? 3_000);
      await host.exited.finally(() => clearTimeout(killed));
    }
    await this.#removeWorkDir();
  }

  onExit(listener: (reason: string) => void): () => void {
    this.#exitListeners.add(listener);
    return () => this.#exitListeners.delete(listener);
  }

  #startTurn(line: string, handlers: TurnHandlers): void {
    if (!this.#host || this.#exit) {
      handlers.end(new Error(this.#exitReason()));
      return;
    }
    this.#turns.add(handlers);
    this.#host.write(line);
  }

  /** The request's tools (none for `tool_choice: none`), offered to the model from this prompt on. */
  async #offerTools(request: ChatRequest, signal: AbortSignal): Promise<void> {
    const format = jsonFormatOf(request);
    const tools = [...(request.toolChoice === 'none' ? [] : (request.tools ?? [])), ...(format ? [jsonAnswerTool(format)] : [])];
    this.#conversation.offered(tools.length);
    await this.#mcp.offer(tools, this.#control!, signal, this.#options.controlTimeoutMs ?? 10_000);
  }

  async #setModel(model: string, signal: AbortSignal): Promise<void> {
    const alias = (CLAUDE_MODEL_ALIASES as Record<string, string>)[model] ?? model;
    // Unknown until confirmed: a request given up on (the job was cancelled) may still switch the
    // CLI, so the next job must send its own `set_model` rather than trust a stale name.
    this.#model = null;
    await this.#control!.request({ subtype: 'set_model', model: alias }, { signal, timeoutMs: this.#options.controlTimeoutMs ?? 10_000 });
    this.#model = model;
  }

  #interrupt(log: Logger | undefined): void {
    this.#control?.request({ subtype: 'interrupt' }, { timeoutMs: this.#options.controlTimeoutMs ?? 10_000 }).catch((error: unknown) => {
      log?.warn({ error: String(error) }, 'the CLI did not confirm the interrupt');
    });
  }

  #reportTurn(result: CliResult, elapsedMs: number, log: Logger | undefined): void {
    const stats: CliTurnStats = { sessionId: this.#options.id, durationMs: result.duration_ms ?? 0, apiDurationMs: result.duration_api_ms ?? 0 };
    log?.debug({ ...stats, elapsedMs: Math.round(elapsedMs) }, 'CLI turn finished');
    this.#options.onTurn?.(stats);
  }

  #onLine(line: string): void {
    const message = parseCliLine(line);
    if (!message) {
      if (line.trim() === '') return;
      // Merged stderr: keep the last few lines to explain a failure.
      this.#diagnostics.push(line.slice(0, 300));
      if (this.#diagnostics.length > 5) this.#diagnostics.shift();
      return;
    }
    if (this.#control?.handle(message)) return;
    this.#turns.route(message);
  }

  #onExit(exit: HostExit): void {
    this.#exit = exit;
    const reason = this.#exitReason();
    this.#control?.fail(new Error(reason));
    this.#turns.failAll(new Error(reason));
    void this.#removeWorkDir();
    if (this.#stopping) return;
    this.#options.log?.warn({ code: exit.code, signal: exit.signal }, 'the CLI exited');
    for (const listener of [...this.#exitListeners]) listener(reason);
    this.#exitListeners.clear();
  }

  #exitReason(): string {
    const exit = this.#exit;
    const how = exit ? (exit.signal ? `killed by ${exit.signal}` : `exit code ${String(exit.code)}`) : 'not running';
    const detail = this.#diagnostics.length > 0 ? `: ${this.#diagnostics.join(' | ')}` : '';
    return `the Claude CLI exited (${how})${detail}`;
  }

  /** Removes the working directory once; every caller waits for the same removal. */
  #removeWorkDir(): Promise<void> {
    const dir = this.#workDir;
    this.#workDir = undefined;
    if (dir) this.#removal = rm(dir, { recursive: true, force: true }).catch(() => {});
    return this.#removal;
  }
}
