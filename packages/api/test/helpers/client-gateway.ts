import { expect } from 'vitest';
import { startFakeAnthropic, toolCallingReply, type FakeAnthropic } from '@llm-gateway/testkit';
import { startCliGateway } from './cli-gateway.ts';
import { serveGateway } from './served-gateway.ts';

/** The backends a client library is run against, with the same client code on each. */
export type ClientBackend = 'mock' | 'cli' | 'api';
/** `embedded`: one process; `split`: an API process and a supervisor process on the test's Redis. */
export type ClientTopology = 'embedded' | 'split';

/** A gateway that a third-party client (AI SDK, LangChain) talks to over a real socket. */
export interface ClientGateway {
  backend: ClientBackend;
  /** `http://127.0.0.1:PORT/v1`: what the client library is given as its base URL. */
  baseURL: string;
  /**
   * The fake Anthropic API the `cli` and `api` backends call: a model that calls the tools it is
   * offered and answers from their results ({@link toolCallingReply}). Undefined on `mock`.
   */
  fake: FakeAnthropic | undefined;
  close(): Promise<void>;
}

/** The combinations every client test runs on: each backend embedded, and the pooled ones split. */
export const CLIENT_TARGETS: ReadonlyArray<readonly [ClientBackend, ClientTopology]> = [
  ['mock', 'embedded'],
  ['cli', 'embedded'],
  ['api', 'embedded'],
  ['mock', 'split'],
  ['cli', 'split'],
];

/**
 * Starts the gateway for one target. `cli` and split `mock` run as real gateway processes
 * ({@link startCliGateway}: the real CLI, or the mock's pool, behind `pnpm start` or
 * `start:api` + `start:supervisor`); embedded `mock` and `api` run in the test's process on a socket.
 */
export async function startClientGateway(name: string, backend: ClientBackend, topology: ClientTopology): Promise<ClientGateway> {
  if (backend === 'cli' || topology === 'split') {
    if (backend === 'api') throw new Error('split mode on the api backend is not one of the client targets');
    const gateway = await startCliGateway(name, {
      topology,
      fake: { defaultReply: toolCallingReply },
      ...(backend === 'mock' ? { env: { LLM_BACKEND: 'mock', LLM_POOL_SIZE: '2' } } : {}),
    });
    return { backend, baseURL: `${gateway.api.url}/v1`, fake: backend === 'cli' ? gateway.fake : undefined, close: gateway.close };
  }
  const fake = backend === 'api' ? await startFakeAnthropic({ defaultReply: toolCallingReply }) : undefined;
  const served = await serveGateway({
    LLM_BACKEND: backend,
    LLM_REQUEST_TIMEOUT: '10',
    ...(fake ? { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: `sk-ant-${name}` } : {}),
  });
  return {
    backend,
    baseURL: `${served.url}/v1`,
    fake,
    close: async () => {
      await served.close();
      await fake?.close();
    },
  };
}

/** The content blocks of every message the upstream received since `from`. */
export function upstreamBlocks(gateway: ClientGateway, from = 0): Array<Record<string, unknown>> {
  return (gateway.fake?.requests.slice(from) ?? []).flatMap((request) =>
    (Array.isArray(request.body?.messages) ? request.body.messages : []).flatMap((message: { content: unknown }) =>
      Array.isArray(message.content) ? (message.content as Array<Record<string, unknown>>) : [],
    ),
  );
}

/**
 * Checks how a follow-up's tool results reached the upstream since request `from`: always in the
 * request; as native `tool_result` blocks where the gateway keeps the model's own turn (the api
 * backend's history, the cli backend's parked turn). Split mode parks no turn unless
 * `LLM_TOOL_RESULT_TIMEOUT` is set (the follow-up is served from its rendered history there).
 */
export function expectResultsUpstream(gateway: ClientGateway, from: number, resultText: string, topology: ClientTopology): void {
  if (!gateway.fake) return;
  const upstream = gateway.fake.requests.slice(from);
  expect(upstream).toHaveLength(1);
  expect(JSON.stringify(upstream[0]!.body.messages)).toContain(resultText);
  if (gateway.backend === 'api' || topology === 'embedded') {
    expect(upstreamBlocks(gateway, from).filter((block) => block.type === 'tool_result')).toHaveLength(1);
  }
}

/** A 1×1 PNG, the smallest image an upstream accepts. */
export const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
