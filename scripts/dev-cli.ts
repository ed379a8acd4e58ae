/**
 * `pnpm dev:cli`: the warm pool of real Claude Code sessions, offline, in one command. Starts the
 * project's fake Anthropic Messages API (testkit) and the gateway on the `cli` backend pointed at
 * it, with a throwaway Claude Code home, so a newcomer without an Anthropic account sees warm
 * sessions answer (the fake echoes, and calls a tool it is offered). Ctrl-C or SIGTERM stops both.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeAnthropic, toolCallingReply } from '../packages/testkit/src/index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const fake = await startFakeAnthropic({ defaultReply: toolCallingReply });
const home = await mkdtemp(join(tmpdir(), 'llm-gateway-dev-cli-'));
const port = process.env.PORT ?? '5005';
console.log(`dev:cli: fake Anthropic API on ${fake.url}; gateway on http://127.0.0.1:${port} (cli backend, Claude Code home ${home})`);
const gateway = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', join(root, 'packages/api/src/main.ts')], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    LLM_BACKEND: 'cli',
    PORT: port,
    HOME: home,
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: 'sk-ant-dev-cli-fake',
  },
});
let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  gateway.kill(signal);
};
process.on('SIGINT', () => stop('SIGTERM'));
process.on('SIGTERM', () => stop('SIGTERM'));
const code = await new Promise<number>((resolve) => gateway.once('exit', (exitCode) => resolve(exitCode ?? 1)));
await fake.close();
await rm(home, { recursive: true, force: true });
process.exit(code);
