/// <reference lib="dom" />
// The web client under test uses browser globals (sessionStorage, fetch types): its types, not its runtime.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as WebClient from '../../web/src/api/client.ts';
import { MAX_PAGE_SIZE, setToken } from '../../web/src/api.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

// The web client's `callAll` (generated client, openapi-fetch) against the real server, its
// requests handed to Fastify's inject: the class screens use it so a class of more than one page
// of trainees is shown whole.
let testApp: TestApp;
let web: typeof WebClient;
const requested: string[] = [];

/** The browser resolves the client's relative paths against the page; here, against a stand-in origin. */
class PageRequest extends Request {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(typeof input === 'string' ? new URL(input, 'http://skillfund.test') : input, init);
  }
}

beforeAll(async () => {
  testApp = await createTestApp();
  const storage = new Map<string, string>();
  vi.stubGlobal('sessionStorage', {
    getItem: (key: string) => storage.get(key) ?? null,
    setItem: (key: string, value: string) => storage.set(key, value),
    removeItem: (key: string) => storage.delete(key),
  });
  vi.stubGlobal('Request', PageRequest);
  vi.stubGlobal('fetch', async (request: Request) => {
    const url = new URL(request.url);
    requested.push(`${url.pathname}${url.search}`);
    const body = request.method === 'GET' ? undefined : await request.text();
    const response = await testApp.app.inject({
      method: request.method as 'GET',
      url: `${url.pathname}${url.search}`,
      headers: Object.fromEntries(request.headers.entries()),
      ...(body ? { payload: body } : {}),
    });
    return new Response(response.statusCode === 204 ? null : response.body, {
      status: response.statusCode,
      headers: { 'content-type': String(response.headers['content-type'] ?? 'application/json') },
    });
  });
  // Imported after the stubs: openapi-fetch takes Request and fetch when the client is created.
  web = await import('../../web/src/api/client.ts');
  setToken((await testApp.loginAs('hy_county')).authorization.replace(/^Bearer /, ''));
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await testApp?.close();
});

describe('callAll (web client)', () => {
  it('reads every page of a list longer than the largest page', async () => {
    const all = await web.callAll((paging) => web.client.GET('/api/regions', { params: { query: paging } }));
    expect(all.total).toBeGreaterThan(MAX_PAGE_SIZE);
    expect(all.items).toHaveLength(all.total);
    expect(new Set(all.items.map((region) => region.code)).size).toBe(all.total);
  });

  it('reads a list of one page with one request', async () => {
    requested.length = 0;
    const one = await web.callAll((paging) =>
      web.client.GET('/api/regions', { params: { query: { parentCode: '430400', ...paging } } }),
    );
    expect(one.items.length).toBe(one.total);
    expect(one.total).toBeGreaterThan(0);
    expect(one.total).toBeLessThanOrEqual(MAX_PAGE_SIZE);
    expect(requested).toEqual([`/api/regions?parentCode=430400&page=1&pageSize=${MAX_PAGE_SIZE}`]);
  });

  it('rejects a refused request with an ApiError naming the field', async () => {
    const refused = web.call(web.client.GET('/api/regions', { params: { query: { pageSize: 1000 } } }));
    await expect(refused).rejects.toMatchObject({ name: 'ApiError', status: 400 });
  });
});
