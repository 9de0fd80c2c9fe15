/**
 * The typed HTTP client of the web app: openapi-fetch over the types generated from the server's
 * OpenAPI document (openapi.d.ts, `npm run gen:client`), so a path, its parameters, its body and
 * its answer are checked against what the routes declare. It sends the session's bearer token
 * and turns every refusal into an ApiError, like `api()` in ../api.ts.
 *
 *   const claim = await call(client.GET('/api/claims/{id}', { params: { path: { id } } }));
 */
import createClient, { type Middleware } from 'openapi-fetch';
import { ApiError, apiErrorOf, getToken } from '../api.ts';
import type { components, paths } from './openapi.d.ts';

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
 * Query strings as `api()` writes them: empty values (a cleared filter) are left out, arrays
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
