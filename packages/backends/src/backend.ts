import type { BackendName, ChatRequest, GatewayError, Logger, StreamPart } from '@llm-gateway/shared';

export interface BackendCallOptions {
  /** Aborted when the client goes away or the deadline passes; the backend must stop promptly. */
  signal: AbortSignal;
  log?: Logger;
  /**
   * Whether the client streams the answer (`CompletionJob.stream`). Only a hint: the parts are the
   * same either way, but a backend may fetch a non-streamed answer in one piece if that is cheaper.
   * @defaultValue undefined (unknown: stream)
   */
  stream?: boolean;
}

/**
 * A backend turns one normalized chat request into a stream of typed parts (vercel/ai's
 * language-model shape). It reports failures as a final `error` part rather than throwing,
 * once the stream has begun; throwing before the first part is allowed and means the same.
 */
export interface Backend {
  readonly name: BackendName;
  /** The model ids clients may ask this backend for. */
  models(): readonly string[];
  /**
   * Refuses a request this backend cannot serve faithfully (e.g. images on the CLI), before any
   * session or upstream is used. Returns the error to answer with, or undefined.
   */
  check?(request: ChatRequest): GatewayError | undefined;
  stream(request: ChatRequest, options: BackendCallOptions): AsyncIterable<StreamPart>;
}

/**
 * A long-lived worker that serves one request at a time: a warm CLI process, or an in-process
 * mock. The supervisor's pool owns sessions; a backend only knows how to make them.
 */
export interface BackendSession {
  /** The OS process id, where there is a process. */
  readonly pid: number | null;
  /** The model the session is set to now, if known. */
  readonly model: string | null;
  /** Resolves once the session can take a request; rejects when it cannot start. */
  start(signal: AbortSignal): Promise<void>;
  run(request: ChatRequest, options: BackendCallOptions): AsyncIterable<StreamPart>;
  /**
   * The tool calls the session's turn still waits on, when its last answer ended in `tool_calls`
   * and the turn was kept open for the client's results (a parked turn); empty otherwise. A
   * follow-up whose tool messages answer all of them goes on with that turn: {@link run} resumes it.
   */
  parkedCalls?(): readonly string[];
  /** Forgets the conversation (a parked turn included) and checks that it did; rejects when it cannot (the pool recycles it). */
  reset(): Promise<void>;
  /** Proves the session is alive without spending tokens; rejects when it is not. */
  ping(): Promise<void>;
  /** Ends the session and its process; resolves once it has exited. */
  stop(): Promise<void>;
  /** Called at most once, when the session ends by itself. Returns a function that unsubscribes. */
  onExit(listener: (reason: string) => void): () => void;
}

export interface CreateSessionOptions {
  /** The pool's id for the session, for logs. */
  id: string;
  log?: Logger;
}

/** A backend whose requests run on pooled sessions. */
export interface SessionBackend {
  readonly name: BackendName;
  models(): readonly string[];
  /** As {@link Backend.check}: runs before a session is taken from the pool. */
  check?(request: ChatRequest): GatewayError | undefined;
  createSession(options: CreateSessionOptions): BackendSession;
}
