import { call, client } from './api/client.ts';

let cache: Promise<Map<string, string>> | null = null;

/** Region names by code (GB/T 2260), loaded once per session; codes show when the API is unavailable. */
export function regionNames(): Promise<Map<string, string>> {
  cache ??= (async () => {
    const names = new Map<string, string>();
    const fetchPage = (page: number) =>
      call(client.GET('/api/regions', { params: { query: { page, pageSize: 100 } } }));
    try {
      // The first page tells how many there are; the rest are asked for at once (one after
      // another, a busy server showed codes for seconds before the names came).
      const first = await fetchPage(1);
      const pages = Math.min(20, Math.ceil(first.total / first.pageSize));
      const rest = await Promise.all(
        Array.from({ length: Math.max(0, pages - 1) }, (_, index) => fetchPage(index + 2)),
      );
      for (const result of [first, ...rest])
        for (const region of result.items) names.set(region.code, region.name);
    } catch {
      cache = null;
    }
    return names;
  })();
  return cache;
}
