import { call, client } from './api/client.ts';

let cache: Promise<Map<string, string>> | null = null;

/** Region names by code (GB/T 2260), loaded once per session; codes show when the API is unavailable. */
export function regionNames(): Promise<Map<string, string>> {
  cache ??= (async () => {
    const names = new Map<string, string>();
    try {
      for (let page = 1; page <= 20; page += 1) {
        const result = await call(client.GET('/api/regions', { params: { query: { page, pageSize: 100 } } }));
        for (const region of result.items) names.set(region.code, region.name);
        if (page * result.pageSize >= result.total) break;
      }
    } catch {
      cache = null;
    }
    return names;
  })();
  return cache;
}
