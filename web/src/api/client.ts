/** The one fetch wrapper: JSON envelopes in, typed data out, the API's error message on failure. */

const TOKEN_KEY = 'lqa.token';

let token: string | null = readStoredToken();
const unauthorizedListeners = new Set<() => void>();

function readStoredToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function getToken(): string | null {
  return token;
}

export function setToken(value: string | null): void {
  token = value;
  try {
    if (value) localStorage.setItem(TOKEN_KEY, value);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Private mode: the token lives in memory only.
  }
}

/** Called when the API answers 401 to an authenticated call (expired or revoked token). */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** A failed API call, carrying the envelope's code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | boolean | undefined | null | string[]>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) value.forEach((v) => params.append(key, v));
    else params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function headers(extra?: HeadersInit): Headers {
  const h = new Headers(extra);
  if (token) h.set('Authorization', `Bearer ${token}`);
  return h;
}

async function failure(res: Response): Promise<ApiError> {
  let code = 'HTTP_ERROR';
  let message = `Request failed (${res.status} ${res.statusText})`;
  let details: unknown;
  try {
    const body = (await res.json()) as {
      error?: { code?: string; message?: string; details?: unknown };
    };
    if (body.error?.message) message = body.error.message;
    if (body.error?.code) code = body.error.code;
    details = body.error?.details;
  } catch {
    // Not JSON (a proxy error page): keep the status line.
  }
  if (res.status === 401 && token) unauthorizedListeners.forEach((l) => l());
  return new ApiError(res.status, code, message, details);
}

export interface Envelope<T> {
  data: T;
  message?: string;
}

/** Calls `/api{path}` and returns the envelope's `data`. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; query?: Query; signal?: AbortSignal } = {},
): Promise<T> {
  const res = await apiRaw(path, init);
  const body = (await res.json()) as Envelope<T>;
  return body.data;
}

export async function apiRaw(
  path: string,
  init: {
    method?: string;
    body?: unknown;
    query?: Query;
    signal?: AbortSignal;
    accept?: string;
  } = {},
): Promise<Response> {
  const h = headers(init.accept ? { Accept: init.accept } : undefined);
  const isForm = typeof init.body === 'string';
  if (init.body !== undefined && !isForm) h.set('Content-Type', 'application/json');
  const res = await fetch(withQuery(`/api${path}`, init.query), {
    method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'),
    headers: h,
    body:
      init.body === undefined
        ? undefined
        : isForm
          ? (init.body as string)
          : JSON.stringify(init.body),
    signal: init.signal,
  });
  if (!res.ok) throw await failure(res);
  return res;
}

/** The file name of a `Content-Disposition: attachment; filename=...` answer. */
export function fileNameFrom(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star?.[1]) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain?.[1] ?? fallback;
}

/** Fetches an export with the session's credentials and hands it to the browser as a download. */
export async function download(
  path: string,
  fallbackName: string,
  init: { method?: string; body?: unknown; query?: Query } = {},
): Promise<string> {
  const res = await apiRaw(path, init);
  const blob = await res.blob();
  const name = fileNameFrom(res.headers.get('Content-Disposition'), fallbackName);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
