/**
 * The one HTTP client of the web app. Every error the server sends is `{error:{code,message,details}}`;
 * it arrives here as an ApiError whose details name the fields, so forms can show each message
 * beside its field.
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

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

type Query = Record<string, string | number | boolean | undefined | null>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const parameters = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') parameters.set(key, String(value));
  }
  const text = parameters.toString();
  return text ? `${path}?${text}` : path;
}

/** Listeners told when the server says the session is gone (401), so the app can go to the login page. */
const unauthenticatedListeners = new Set<() => void>();
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

export interface RequestOptions {
  method?: string;
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  /** A FormData body is sent as multipart (file uploads). */
  form?: FormData;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (options.form) body = options.form;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body,
    });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', '无法连接服务器，请检查网络');
  }
  if (!response.ok) throw await toApiError(response, Boolean(token));
  return response;
}

async function toApiError(response: Response, hadToken: boolean): Promise<ApiError> {
  let payload: unknown = null;
  try {
    payload = await response.json();
  } catch {
    // Not JSON (a proxy or a crash page): fall through to a generic message.
  }
  return apiErrorOf(response.status, payload, hadToken);
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

/** JSON request; resolves to the parsed body (undefined for 204). */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** The API's largest page (`pageSize` maximum of every list route). */
export const MAX_PAGE_SIZE = 100;

/**
 * Every item of a paged list, for a screen that needs the whole of it (a class's roster,
 * attendance, results): the first page, then the others at once. A class holds at most 1,000
 * trainees, so at most ten requests.
 */
export async function apiAll<T>(path: string, query: Query = {}): Promise<Page<T>> {
  const pageOf = (page: number) => api<Page<T>>(path, { query: { ...query, page, pageSize: MAX_PAGE_SIZE } });
  const first = await pageOf(1);
  const pageCount = Math.ceil(first.total / MAX_PAGE_SIZE);
  const rest = await Promise.all(
    Array.from({ length: Math.max(0, pageCount - 1) }, (_, index) => pageOf(index + 2)),
  );
  return { ...first, items: first.items.concat(...rest.map((page) => page.items)), pageSize: first.total };
}

/** Downloads a file (xlsx, csv) with the session's token and hands it to the browser. */
export async function download(path: string, fileName: string, query?: Query): Promise<void> {
  const response = await send(path, { query, headers: { accept: '*/*' } });
  const blob = await response.blob();
  const disposition = response.headers.get('content-disposition') ?? '';
  const named = /filename="?([^";]+)"?/.exec(disposition)?.[1];
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = named ?? fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

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
