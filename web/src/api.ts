// SPDX-License-Identifier: AGPL-3.0-or-later
// API client: the only place that talks HTTP. Same-origin fetch with the
// session cookie, JSON in and out, the CSRF token (kept in memory only) on
// every unsafe method, problem+json errors turned into ApiError, and a 401 on
// any call except the sign-in itself sends the user to the sign-in page.
import { getLang } from './i18n';

export type Role = 'manager' | 'head' | 'director' | 'logistics' | 'admin';
export const ROLES: readonly Role[] = ['manager', 'head', 'director', 'logistics', 'admin'];

export interface User {
  id: number;
  login: string;
  name: string;
  role: Role;
  department_id: number | null;
  active: boolean;
  lang: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface Me extends User {
  csrf_token?: string;
}

export interface Department {
  id: number;
  name: string;
  head_id: number | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  field?: string;
  request_id?: string;
  errors?: FieldError[];
  current?: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  /** Seconds from Retry-After (429/503), when the server sent one. */
  readonly retryAfter: number | null;

  constructor(status: number, problem: Problem, retryAfter: number | null) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  /** Per-field messages from `errors[]`, plus `field` with `detail`. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      if (e && typeof e.field === 'string' && !(e.field in out)) out[e.field] = e.message || this.message;
    }
    const f = this.problem.field;
    if (f && !(f in out)) out[f] = this.problem.detail || this.problem.title || this.message;
    return out;
  }
}

/** status 0: the request did not reach the server (network down, aborted). */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'NetworkError';
  }
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? null;
}

export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | null | undefined>;
  ifMatch?: string | null;
  /** Do not redirect to the sign-in page on 401 (sign-in, boot probe). */
  allow401?: boolean;
  signal?: AbortSignal;
}

export interface Answer<T> {
  status: number;
  data: T;
  etag: string | null;
  headers: Headers;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function parseRetryAfter(v: string | null): number | null {
  if (!v) return null;
  const n = Number(v.trim());
  if (Number.isFinite(n) && n >= 0) return n;
  const at = Date.parse(v);
  if (!Number.isNaN(at)) return Math.max(0, Math.round((at - Date.now()) / 1000));
  return null;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<Answer<T>> {
  let url = path.startsWith('/') ? path : `/api/v1/${path}`;
  if (opts.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
    const s = q.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': getLang(),
  };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (UNSAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (opts.ifMatch) headers['If-Match'] = opts.ifMatch;

  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body !== undefined ? JSON.stringify(opts.body) : null,
      signal: opts.signal ?? null,
    });
  } catch (e) {
    throw new NetworkError(e);
  }

  const text = res.status === 204 ? '' : await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }

  if (!res.ok) {
    const problem: Problem =
      data && typeof data === 'object' ? (data as Problem) : { status: res.status, title: res.statusText };
    if (res.status === 401 && !opts.allow401) {
      csrfToken = null;
      onUnauthorized?.();
    }
    throw new ApiError(res.status, problem, parseRetryAfter(res.headers.get('Retry-After')));
  }
  return { status: res.status, data: data as T, etag: res.headers.get('ETag'), headers: res.headers };
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body }),
  patch: <T>(path: string, body: unknown, opts?: RequestOptions) => request<T>('PATCH', path, { ...opts, body }),
  del: <T = null>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
};

/** Every item of a paged list, following next_cursor (limit 200 a page). */
export async function listAll<T>(path: string, query: RequestOptions['query'] = {}): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const res: Answer<Page<T>> = await api.get<Page<T>>(path, { query: { ...query, limit: 200, cursor } });
    out.push(...(res.data?.items ?? []));
    cursor = res.data?.next_cursor ?? null;
    if (!cursor) break;
  }
  return out;
}

// Endpoints used by the screens.
export const session = {
  signIn: (login: string, password: string) =>
    api.post<{ user: User; csrf_token: string }>('session', { login, password }, { allow401: true }),
  signOut: () => api.del('session', { allow401: true }),
  me: () => api.get<Me>('me', { allow401: true }),
  updateMe: (patch: { name?: string; lang?: string }) => api.patch<User>('me', patch),
  changePassword: (current_password: string, new_password: string) =>
    api.post<null>('me/password', { current_password, new_password }),
};
