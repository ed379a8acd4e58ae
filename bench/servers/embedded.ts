import { createLogger, loadConfig } from '@llm-gateway/shared';
import { createGateway } from '../../packages/api/src/gateway.ts';
import { startServer } from '@llm-gateway/shared';

/** The embedded gateway (API + supervisor, in-process dispatcher) as `pnpm start` runs it. */
const config = loadConfig({ ...process.env, LLM_BACKEND: process.env.LLM_BACKEND ?? 'mock' });
const log = createLogger({ level: config.logLevel });
const gateway = await createGateway({ config, log });
const server = await startServer(gateway.app, { port: 0, host: '127.0.0.1' });
// Give the pool a moment to pre-warm before the first measured request.
await new Promise((resolve) => setTimeout(resolve, 200));
console.log(JSON.stringify({ url: server.url }));
process.on('SIGTERM', () => {
  void server.close().then(() => gateway.close()).then(() => process.exit(0));
});
