/**
 * The session token, the ApiError every refused request becomes, and the helpers that turn its
 * details into form messages. Requests themselves go through the typed client generated from the
 * OpenAPI document (./api/client.ts: `call(client.GET(...))`, `saveFile(...)` for files); there is
 * no hand-written request function (test/architecture.test.ts fails on one).
 *
 * Every error the server sends is `{error:{code,message,details}}`; it arrives as an ApiError whose
 * details name the fields, so forms can show each message beside its field.
 */

const TOKEN_KEY = 'skillfund.token';

export interface ErrorDetail {
  field?: string;
  message: string;
  [key: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];

  constructor(status: number, code: string, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The route does not exist on this server yet (another team is still building it). */
  get isMissingRoute(): boolean {
    return this.code === 'ROUTE_NOT_FOUND';
  }
}

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Listeners told when the server says the session is gone (401), so the app can go to the login page. */
const unauthenticatedListeners = new Set<() => void>();
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

/**
 * The ApiError for a refused request's status and parsed body (`{error:{code,message,details}}`,
 * or anything else a proxy may send). A 401 UNAUTHENTICATED to a caller who sent a token tells
 * the app the session is gone.
 */
export function apiErrorOf(status: number, payload: unknown, hadToken: boolean): ApiError {
  const error = (payload as { error?: { code?: string; message?: string; details?: ErrorDetail[] } } | null)
    ?.error;
  if (status === 401 && hadToken && error?.code === 'UNAUTHENTICATED') {
    for (const listener of unauthenticatedListeners) listener();
  }
  return new ApiError(
    status,
    error?.code ?? `HTTP_${status}`,
    error?.message ?? `请求失败（HTTP ${status}）`,
    Array.isArray(error?.details) ? error.details : [],
  );
}

/** The API's largest page (`pageSize` maximum of every list route). */
export const MAX_PAGE_SIZE = 100;

/**
 * Turns an ApiError's details into antd Form field errors. `details[].field` is a path such as
 * `person.groups[1]` or `body.training.start`; it is matched against the form's field names
 * (arrays of segments). Returns the details that matched no field, for a general message.
 */
export function fieldErrors(
  error: unknown,
  knownFields: ReadonlyArray<ReadonlyArray<string | number>>,
): { fields: { name: (string | number)[]; errors: string[] }[]; unmatched: ErrorDetail[] } {
  if (!(error instanceof ApiError)) return { fields: [], unmatched: [] };
  const byName = new Map<string, { name: (string | number)[]; errors: string[] }>();
  const unmatched: ErrorDetail[] = [];
  for (const detail of error.details) {
    const path = detail.field ? toPath(detail.field) : [];
    const match = knownFields.find((name) => startsWith(path, name) || startsWith(path.slice(1), name));
    if (!match) {
      unmatched.push(detail);
      continue;
    }
    const key = match.join('.');
    const entry = byName.get(key) ?? { name: [...match], errors: [] };
    entry.errors.push(detail.message);
    byName.set(key, entry);
  }
  return { fields: [...byName.values()], unmatched };
}

function toPath(field: string): (string | number)[] {
  return field
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean)
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

function startsWith(path: (string | number)[], name: ReadonlyArray<string | number>): boolean {
  if (path.length < name.length || name.length === 0) return false;
  return name.every((segment, index) => String(path[index]) === String(segment));
}

/** A one-line message for an error, for toasts and alerts. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const first = error.details.find((detail) => detail.message)?.message;
    return first && first !== error.message ? `${error.message}（${first}）` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
