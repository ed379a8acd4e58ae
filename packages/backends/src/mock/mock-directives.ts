import { isErrorCode, type ErrorCode } from '@llm-gateway/shared';

/**
 * Directives a test writes into its last user message to make the mock misbehave on purpose.
 * They work the same in every process, so multi-process tests can use them too.
 *
 * - `[mock:error=CODE]` fail before any output with a gateway error code (e.g. `upstream_error`)
 * - `[mock:fail-after=N]` stream N text deltas, then fail
 * - `[mock:delay=MS]` wait before answering (adds to `LLM_MOCK_DELAY_MS`)
 * - `[mock:chunk-delay=MS]` wait between text deltas
 * - `[mock:hang]` never answer; only an abort ends the request
 * - `[mock:words=N]` answer with N words
 * - `[mock:tool=NAME]` answer with a call of tool NAME (with text once the last message is the tool's result)
 * - `[mock:crash]` in a pooled session: the session dies mid-answer
 */
export interface MockDirectives {
  error?: ErrorCode;
  failAfter?: number;
  delayMs?: number;
  chunkDelayMs?: number;
  hang?: boolean;
  words?: number;
  tool?: string;
  crash?: boolean;
}

const DIRECTIVE = /\[mock:([a-z-]+)(?:=([A-Za-z0-9_-]+))?\]/g;

export function parseMockDirectives(text: string): MockDirectives {
  const directives: MockDirectives = {};
  if (!text.includes('[mock:')) return directives;
  for (const [, name, value = ''] of text.matchAll(DIRECTIVE)) {
    const number = Number.parseInt(value, 10);
    switch (name) {
      case 'error':
        directives.error = isErrorCode(value) ? value : 'upstream_error';
        break;
      case 'fail-after':
        directives.failAfter = Number.isFinite(number) ? number : 0;
        break;
      case 'delay':
        if (Number.isFinite(number)) directives.delayMs = number;
        break;
      case 'chunk-delay':
        if (Number.isFinite(number)) directives.chunkDelayMs = number;
        break;
      case 'words':
        if (Number.isFinite(number)) directives.words = Math.min(number, 100_000);
        break;
      case 'hang':
        directives.hang = true;
        break;
      case 'crash':
        directives.crash = true;
        break;
      case 'tool':
        directives.tool = value || 'get_weather';
        break;
    }
  }
  return directives;
}
