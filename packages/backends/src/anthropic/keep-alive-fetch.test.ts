import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeepAliveFetch } from './keep-alive-fetch.ts';

describe('createKeepAliveFetch', () => {
  let server: Server;
  let base: string;
  const client = createKeepAliveFetch();
  let closedEarly = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/big') {
        // More than the high-water mark, so the reader has to resume undici.
        response.writeHead(200, { 'content-type': 'text/plain', 'x-twice': 'a' });
        for (let index = 0; index < 64; index++) response.write('x'.repeat(16 * 1024));
        response.end();
        return;
      }
      if (request.url === '/endless') {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        const timer = setInterval(() => response.write('data: {}\n\n'), 5);
        response.on('close', () => {
          clearInterval(timer);
          closedEarly++;
        });
        return;
      }
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        response.writeHead(418, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ method: request.method, body, key: request.headers['x-api-key'] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await client.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends method, Headers and body, and parses a JSON answer with its status', async () => {
    const response = await client.fetch(`${base}/echo`, { method: 'POST', headers: new Headers({ 'X-Api-Key': 'k' }), body: 'hi' });
    expect([response.status, response.ok, response.headers.get('Content-Type')]).toEqual([418, false, 'application/json']);
    expect(await response.json()).toEqual({ method: 'POST', body: 'hi', key: 'k' });
  });

  it('reads a body larger than the high-water mark as chunks', async () => {
    const response = await client.fetch(`${base}/big`);
    let length = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Buffer>) length += chunk.length;
    expect(length).toBe(64 * 16 * 1024);
  });

  it('aborts the upstream request when the reader stops early or the signal fires', async () => {
    const response = await client.fetch(`${base}/endless`);
    for await (const _chunk of response.body as unknown as AsyncIterable<Buffer>) break;
    const controller = new AbortController();
    const second = await client.fetch(`${base}/endless`, { signal: controller.signal });
    controller.abort();
    await expect(second.text()).rejects.toThrow();
    await expect.poll(() => closedEarly).toBe(2);
    await expect(client.fetch(`${base}/echo`, { signal: controller.signal })).rejects.toThrow();
  });
});
