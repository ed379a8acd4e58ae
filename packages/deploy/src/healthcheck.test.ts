import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryPath } from './repository.ts';

const script = repositoryPath('packages/deploy/bin/healthcheck.mjs');

/** Runs the container health check; resolves with its exit code. */
function healthcheck(path: string, port: number): Promise<number> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, path], { env: { PATH: process.env.PATH, PORT: String(port) } }, (error) => {
      resolve(error ? Number((error as NodeJS.ErrnoException & { code?: unknown }).code ?? 1) : 0);
    });
  });
}

describe('packages/deploy/bin/healthcheck.mjs', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((request, response) => {
      response.statusCode = request.url === '/livez' ? 200 : 503;
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('exits 0 when the probe answers 2xx', async () => {
    expect(await healthcheck('/livez', port)).toBe(0);
  });

  it('exits 1 when it answers otherwise (draining: /readyz 503)', async () => {
    expect(await healthcheck('/readyz', port)).toBe(1);
  });

  it('exits 1 when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const unused = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await healthcheck('/livez', unused)).toBe(1);
  });
});
