import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatRequest, StreamPart } from '@llm-gateway/shared';
import type { Backend, BackendCallOptions, BackendSession, SessionBackend } from '../backend.ts';
import { CLAUDE_MODELS } from '../models.ts';
import { parseMockDirectives } from './mock-directives.ts';
import { lastUserText, mockReply, mockReplyTo } from './mock-reply.ts';

export interface MockBackendOptions {
  /** Latency before each answer (`LLM_MOCK_DELAY_MS`). @defaultValue 0 */
  delayMs?: number;
  /** Time a pooled mock session takes to start, to make warm-up visible. @defaultValue 0 */
  startDelayMs?: number;
  /** The models it pretends to serve. @defaultValue the Claude aliases */
  models?: readonly string[];
}

/**
 * The mock backend: deterministic canned answers with real token counts. It serves requests
 * directly ({@link Backend}) and through the supervisor's pool ({@link SessionBackend}), where
 * each session is an in-process object so pool behaviour can be seen without a CLI.
 */
export function createMockBackend(options: MockBackendOptions = {}): Backend & SessionBackend {
  const { delayMs = 0, startDelayMs = 0, models = CLAUDE_MODELS } = options;
  return {
    name: 'mock',
    models: () => models,
    stream: (request, callOptions) => mockReply(request, callOptions.signal, { delayMs, stream: callOptions.stream }),
    createSession: () => createMockSession({ delayMs, startDelayMs }),
  };
}

function createMockSession(options: { delayMs: number; startDelayMs: number }): BackendSession {
  const exitListeners = new Set<(reason: string) => void>();
  let model: string | null = null;
  let alive = true;

  const exit = (reason: string) => {
    if (!alive) return;
    alive = false;
    for (const listener of [...exitListeners]) listener(reason);
    exitListeners.clear();
  };

  // Not a generator itself: without a crash directive the session hands out the reply's own
  // generator, one layer less for every part (measured).
  function run(request: ChatRequest, callOptions: BackendCallOptions): AsyncGenerator<StreamPart> {
    if (!alive) return failing(new Error('mock session has stopped'));
    model = request.model;
    const prompt = lastUserText(request);
    const directives = parseMockDirectives(prompt);
    const parts = mockReplyTo(request, prompt, directives, callOptions.signal, { delayMs: options.delayMs, stream: callOptions.stream });
    return directives.crash === true ? crashAfterFirstDelta(parts, exit) : parts;
  }
  return {
    pid: null,
    get model() {
      return model;
    },
    async start(signal) {
      if (options.startDelayMs > 0) await sleep(options.startDelayMs, undefined, { signal });
    },
    run,
    async reset() {
      if (!alive) throw new Error('mock session has stopped');
    },
    async ping() {
      if (!alive) throw new Error('mock session has stopped');
    },
    async stop() {
      exit('stopped');
    },
    onExit(listener) {
      exitListeners.add(listener);
      return () => exitListeners.delete(listener);
    },
  };
}

/** Throws when first read, as a generator that fails at once does. */
async function* failing(error: Error): AsyncGenerator<StreamPart> {
  throw error;
}

/** A crash directive kills the session after its first output, like a CLI dying mid-answer. */
async function* crashAfterFirstDelta(parts: AsyncGenerator<StreamPart>, exit: (reason: string) => void): AsyncGenerator<StreamPart> {
  for await (const part of parts) {
    yield part;
    if (part.type === 'text-delta') {
      exit('mock session crashed');
      throw new Error('mock session crashed mid-answer');
    }
  }
}
