/**
 * The typed HTTP client of the web app: openapi-fetch over the types generated from the server's
 * OpenAPI document (openapi.d.ts, `npm run gen:client`), so a path, its parameters, its body and
 * its answer are checked against what the routes declare. It sends the session's bearer token
 * and turns every refusal into an ApiError (../api.ts).
 *
 *   const claim = await call(client.GET('/api/claims/{id}', { params: { path: { id } } }));
 */
import createClient, { type Middleware } from 'openapi-fetch';
import { ApiError, apiErrorOf, getToken, MAX_PAGE_SIZE } from '../api.ts';
import type { components, paths } from './openapi.d.ts';
import type { Page } from './types.ts';

/** Adds the bearer token; refused answers (4xx, 5xx) reject with an ApiError naming the fields. */
const session: Middleware = {
  onRequest({ request }) {
    const token = getToken();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    if (!request.headers.has('accept')) request.headers.set('accept', 'application/json');
    return request;
  },
  async onResponse({ request, response }) {
    if (response.ok) return undefined;
    let payload: unknown = null;
    try {
      payload = await response.clone().json();
    } catch {
      // Not JSON (a proxy or a crash page): apiErrorOf gives a generic message.
    }
    throw apiErrorOf(response.status, payload, request.headers.has('authorization'));
  },
  onError() {
    return new ApiError(0, 'NETWORK_ERROR', '无法连接服务器，请检查网络');
  },
};

/**
 * Query strings as the server reads them: empty values (a cleared filter) are left out, arrays
 * repeat their name.
 */
function querySerializer(query: Record<string, unknown>): string {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null && item !== '') parameters.append(name, String(item));
    }
  }
  return parameters.toString();
}

export const client = createClient<paths>({ baseUrl: '', querySerializer });
client.use(session);

/** The error body every operation documents (4XX/5XX). */
export type ApiErrorBody = components['schemas']['ApiError'];

/**
 * The answer of a call, for `await call(client.GET(...))`: refusals have already rejected with an
 * ApiError (the middleware above), so what is left is the success body.
 */
export async function call<Data>(
  pending: Promise<{ data?: Data; error?: unknown; response: Response }>,
): Promise<Data> {
  const { data, error, response } = await pending;
  if (error !== undefined || !response.ok) throw apiErrorOf(response.status, error, false);
  return data as Data;
}

/**
 * The body of a multipart upload (roster, device attendance, claim materials): the document
 * describes these requests by their answer only (multipart fields are not JSON Schema), so the
 * FormData goes as it is; openapi-fetch sends it untouched and the browser sets the boundary.
 *
 *   const report = await call(client.POST('/api/classes/{id}/roster/import', { params, ...multipart(form) }));
 */
export function multipart(form: FormData): { body: never } {
  return { body: form as never };
}

/**
 * Every item of a paged list, for a screen that needs the whole of it (a class's roster,
 * attendance, results): the first page, then the others at once. A class holds at most 1,000
 * trainees, so at most ten requests.
 *
 *   callAll((paging) => client.GET('/api/classes/{id}/results', { params: { path: { id }, query: paging } }))
 */
export async function callAll<Item>(
  pageOf: (paging: { page: number; pageSize: number }) => Promise<{
    data?: Page<Item>;
    error?: unknown;
    response: Response;
  }>,
): Promise<Page<Item>> {
  const first = await call(pageOf({ page: 1, pageSize: MAX_PAGE_SIZE }));
  const pageCount = Math.ceil(first.total / MAX_PAGE_SIZE);
  const rest = await Promise.all(
    Array.from({ length: Math.max(0, pageCount - 1) }, (_, index) =>
      call(pageOf({ page: index + 2, pageSize: MAX_PAGE_SIZE })),
    ),
  );
  return { ...first, items: first.items.concat(...rest.map((page) => page.items)), pageSize: first.total };
}

/** The file name a `content-disposition` header gives: `filename*` (UTF-8, RFC 5987) first, else `filename`. */
function fileNameOf(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  if (encoded) {
    try {
      return decodeURIComponent(encoded);
    } catch {
      // A malformed name: fall back to the plain one.
    }
  }
  return /filename="?([^";]+)"?/i.exec(disposition)?.[1];
}

/**
 * Hands a file the API answers (an xlsx export of a filtered list) to the browser under the name
 * the server gives it, else `fallbackName`. The request is typed like any other:
 *
 *   await saveFile(client.GET('/api/persons.xlsx', { params: { query }, parseAs: 'blob' }), '实名人员.xlsx');
 */
export async function saveFile(
  pending: Promise<{ data?: unknown; error?: unknown; response: Response }>,
  fallbackName: string,
): Promise<void> {
  const { data, error, response } = await pending;
  if (error !== undefined || !response.ok || !(data instanceof Blob))
    throw apiErrorOf(response.status, error, false);
  const url = URL.createObjectURL(data);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileNameOf(response.headers.get('content-disposition')) ?? fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
