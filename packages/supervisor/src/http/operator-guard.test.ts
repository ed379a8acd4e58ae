import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createKeyRing } from '@llm-gateway/shared';
import { requireOperatorKey } from './operator-guard.ts';

function app(keys: Parameters<typeof createKeyRing>[0]) {
  const hono = new Hono();
  hono.get('/sessions', requireOperatorKey(createKeyRing(keys), 'admin'), (c) => c.json({ sessions: [] }));
  return hono;
}
const get = (hono: Hono, key?: string) =>
  hono.request('/sessions', key ? { headers: { authorization: `Bearer ${key}` } } : {});

describe("the supervisor's /sessions guard", () => {
  it('is open while the gateway has no keys at all', async () => {
    expect((await get(app({ keys: [] }))).status).toBe(200);
  });

  it('needs the admin key once one is configured, and refuses tenant keys with 403', async () => {
    const guarded = app({ keys: [{ key: 'tenant-key-1', tenant: 'acme' }], adminKey: 'admin-key-1' });
    expect((await get(guarded)).status).toBe(401);
    expect((await get(guarded, 'wrong-key-99')).status).toBe(401);
    const tenant = await get(guarded, 'tenant-key-1');
    expect(tenant.status).toBe(403);
    expect(((await tenant.json()) as { error: { code: string } }).error.code).toBe('permission_denied');
    expect((await get(guarded, 'admin-key-1')).status).toBe(200);
  });

  it('stays closed with tenant keys but no admin key', async () => {
    const closed = app({ keys: [{ key: 'tenant-key-1', tenant: 'acme' }] });
    expect((await get(closed, 'tenant-key-1')).status).toBe(403);
  });
});
