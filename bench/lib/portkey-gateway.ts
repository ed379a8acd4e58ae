import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '@llm-gateway/testkit';
import { SERVER_NODE_FLAGS, stopChild } from './processes.ts';

/** The Portkey AI gateway (`@portkey-ai/gateway`, a bench dev dependency) in its own process. */
export interface PortkeyGateway {
  url: string;
  pid: number;
  /** Headers that make Portkey translate to Anthropic's Messages API at `anthropicUrl`. */
  anthropicHeaders(anthropicUrl: string, apiKey: string): Record<string, string>;
  stop(): Promise<void>;
}

/** The package's own CLI (`bin`), as `npx @portkey-ai/gateway --port=N` would run it. */
function portkeyCli(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('@portkey-ai/gateway/package.json');
  const manifest = require(manifestPath) as { bin: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin)[0]!;
  return join(dirname(manifestPath), bin);
}

/**
 * Starts Portkey on a free port (`--headless`: no UI) and resolves once it prints that it is
 * ready. Its @hono/node-server is pinned to 1.13.5 for it (pnpm `overrides`): with later versions
 * its streaming fails.
 */
export async function startPortkeyGateway(timeoutMs = 30_000): Promise<PortkeyGateway> {
  const port = await freePort();
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, portkeyCli(), `--port=${port}`, '--headless'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = () => stopChild(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`Portkey did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    // Its spinner writes without newlines; the ready message ends a line.
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('Ready for connections')) return;
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Portkey exited with ${code} before it was ready`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    anthropicHeaders: (anthropicUrl, apiKey) => ({
      'x-portkey-provider': 'anthropic',
      'x-portkey-custom-host': `${anthropicUrl}/v1`,
      authorization: `Bearer ${apiKey}`,
    }),
    stop,
  };
}
