import { call, client } from './api/client.ts';

let cache: Promise<Map<string, string>> | null = null;

/**
 * Occupation names by code (职业分类大典), loaded once per session like the region names; codes
 * show when the API is unavailable.
 */
export function occupationNames(): Promise<Map<string, string>> {
  cache ??= (async () => {
    const names = new Map<string, string>();
    try {
      for (let page = 1; page <= 50; page += 1) {
        const result = await call(
          client.GET('/api/occupations', { params: { query: { page, pageSize: 100 } } }),
        );
        for (const occupation of result.items) names.set(occupation.code, occupation.name);
        if (page * result.pageSize >= result.total) break;
      }
    } catch {
      cache = null;
    }
    return names;
  })();
  return cache;
}
