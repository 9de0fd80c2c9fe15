/// <reference lib="dom" />
// The web client under test uses browser globals (sessionStorage, fetch types): its types, not its runtime.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiAll, MAX_PAGE_SIZE, setToken } from '../../web/src/api.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

// The web client's `apiAll` against the real server (requests handed to Fastify's inject): the
// class screens use it so a class of more than one page of trainees is shown whole.
let testApp: TestApp;

beforeAll(async () => {
  testApp = await createTestApp();
  const storage = new Map<string, string>();
  vi.stubGlobal('sessionStorage', {
    getItem: (key: string) => storage.get(key) ?? null,
    setItem: (key: string, value: string) => storage.set(key, value),
    removeItem: (key: string) => storage.delete(key),
  });
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const response = await testApp.app.inject({
      method: (init.method ?? 'GET') as 'GET',
      url,
      headers: init.headers as Record<string, string>,
      ...(init.body === undefined ? {} : { payload: init.body as string }),
    });
    return new Response(response.statusCode === 204 ? null : response.body, {
      status: response.statusCode,
      headers: { 'content-type': String(response.headers['content-type'] ?? 'application/json') },
    });
  });
  setToken((await testApp.loginAs('hy_county')).authorization.replace(/^Bearer /, ''));
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await testApp?.close();
});

describe('apiAll (web client)', () => {
  it('reads every page of a list longer than the largest page', async () => {
    const all = await apiAll<{ code: string }>('/api/regions');
    expect(all.total).toBeGreaterThan(MAX_PAGE_SIZE);
    expect(all.items).toHaveLength(all.total);
    expect(new Set(all.items.map((region) => region.code)).size).toBe(all.total);
  });

  it('reads a list of one page with one request', async () => {
    const fetched = vi.fn(fetch);
    vi.stubGlobal('fetch', fetched);
    const one = await apiAll<{ code: string }>('/api/regions', { parentCode: '430400' });
    expect(one.items.length).toBe(one.total);
    expect(one.total).toBeGreaterThan(0);
    expect(one.total).toBeLessThanOrEqual(MAX_PAGE_SIZE);
    expect(fetched).toHaveBeenCalledTimes(1);
  });
});
