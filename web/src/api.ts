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
  /** 409 on a unique key: the id of the record that has it (when the caller may see it). */
  existing_id?: number;
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

  /** Per-field messages from `errors[]`, plus `field` with `detail`. A message
   *  that starts with its field's name ("company_code: …") loses that prefix:
   *  it is shown next to the field. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    const strip = (field: string, msg: string) => (msg.startsWith(`${field}: `) ? capitalize(msg.slice(field.length + 2)) : msg);
    for (const e of this.problem.errors ?? []) {
      if (e && typeof e.field === 'string' && !(e.field in out)) out[e.field] = strip(e.field, e.message || this.message);
    }
    const f = this.problem.field;
    if (f && !(f in out)) out[f] = strip(f, this.problem.detail || this.problem.title || this.message);
    return out;
  }
}

export function capitalize(s: string): string {
  return s ? s.charAt(0).toLocaleUpperCase() + s.slice(1) : s;
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
  /** A body sent as it is (a file), with its media type; instead of JSON. */
  raw?: { data: Blob | string; type: string };
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
  if (opts.raw) headers['Content-Type'] = opts.raw.type;
  else if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (UNSAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (opts.ifMatch) headers['If-Match'] = opts.ifMatch;

  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.raw ? opts.raw.data : opts.body !== undefined ? JSON.stringify(opts.body) : null,
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
  put: <T>(path: string, body: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, body }),
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

// ---- The client base (issue 3) ----

export type ClientType = 'business' | 'retail';
export type Segment = 'small' | 'medium' | 'large' | 'government';
export type ClientStatus = 'prospect' | 'active' | 'lost';
export const CLIENT_TYPES: readonly ClientType[] = ['business', 'retail'];
export const SEGMENTS: readonly Segment[] = ['small', 'medium', 'large', 'government'];
export const CLIENT_STATUSES: readonly ClientStatus[] = ['prospect', 'active', 'lost'];

export interface Money {
  amount: number;
  currency: string;
}

export interface Client {
  id: number;
  name: string;
  company_code: string | null;
  vat_code: string | null;
  country: string;
  type: ClientType;
  segment: Segment;
  status: ClientStatus;
  owner_id: number | null;
  industry: string | null;
  source: string | null;
  city: string | null;
  address: string | null;
  delivery_address: string | null;
  email: string | null;
  phone: string | null;
  website: string | null;
  price_type: string | null;
  payment_terms_days: number | null;
  contract_terms: string | null;
  notes: string | null;
  credit_limit: Money | null;
  receivables: unknown;
  issued: boolean;
  issued_at: string | null;
  issue_seconds: number | null;
  missing: string[];
  merged_into_id: number | null;
  deleted_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  /** The latest activity with the client (kept by the server), or null. */
  last_contact_at: string | null;
  /** Only in the answer to a create: near duplicates the caller may see. */
  warnings?: { code: string; client_id: number; name: string }[];
}

export interface Contact {
  id: number;
  client_id: number;
  name: string;
  position: string | null;
  decision_maker: boolean;
  phones: string[];
  emails: string[];
  birthday: string | null;
  lang: string | null;
  notes: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface HistoryChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface HistoryEntry {
  id: number;
  at: string;
  user_id: number | null;
  user_name: string | null;
  entity: string;
  entity_id: number;
  action: string;
  changes: HistoryChange[];
}

/** GET /api/v1/team: the people the caller works with. */
export interface TeamMember {
  id: number;
  login: string;
  name: string;
  role: Role;
  department_id: number | null;
  segment: string | null;
}

export interface ImportError {
  line: number;
  field: string | null;
  column?: string;
  message: string;
}

export interface ImportReport {
  dry_run: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  contacts_created: number;
  contacts_updated: number;
  error_count: number;
  errors: ImportError[];
  ignored_columns: string[];
  delimiter?: string;
}

// ---- The manager's day (issue 4) ----

export type ActivityType = 'call' | 'email' | 'offer_email' | 'offer_phone' | 'meeting' | 'visit' | 'greeting' | 'note';
export const ACTIVITY_TYPES: readonly ActivityType[] = ['call', 'email', 'offer_email', 'offer_phone', 'meeting', 'visit', 'greeting', 'note'];
export type Outcome =
  | 'reached'
  | 'no_answer'
  | 'call_back'
  | 'interested'
  | 'offer_requested'
  | 'not_interested'
  | 'meeting_agreed'
  | 'order_placed'
  | 'wrong_number'
  | 'sent';

export interface Activity {
  id: number;
  client_id: number;
  contact_id: number | null;
  user_id: number;
  type: ActivityType;
  direction: 'in' | 'out';
  outcome: Outcome | null;
  reason: string | null;
  at: string;
  duration_s: number | null;
  notes: string | null;
  callback_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface Metric {
  target: number;
  done: number;
}
export type MetricName = 'calls' | 'offers_email' | 'offers_phone' | 'new_contracts' | 'monthly_contact';
export const METRICS: readonly MetricName[] = ['calls', 'offers_email', 'offers_phone', 'new_contracts', 'monthly_contact'];

export interface Progress {
  user_id: number;
  date: string;
  tz: string;
  working_day: boolean;
  day: Record<MetricName, Metric>;
  month: Record<MetricName, Metric>;
  working_days?: { month: number; elapsed: number };
  /** In the team list. */
  name?: string;
}

export interface Reason {
  code: string;
  due_at?: string | null;
  last_contact_at?: string | null;
  title?: string;
  task_id?: number;
  contact_id?: number;
  contact_name?: string;
  holiday?: string;
  holiday_id?: number;
  activity_id?: number;
}

export interface TodayItem {
  client_id: number;
  client_name: string;
  contact_id: number | null;
  contact_name: string | null;
  phone: string | null;
  reasons: Reason[];
  priority: number;
  last_contact_at: string | null;
}

export interface TodayList {
  user_id: number;
  date: string;
  items: TodayItem[];
  tasks: Reason[];
  total: number;
}

export interface Task {
  id: number;
  assignee_id: number;
  created_by: number;
  client_id: number | null;
  title: string;
  notes: string | null;
  status: 'open' | 'done' | 'cancelled';
  done_note: string | null;
  due_at: string;
  done_at: string | null;
  overdue: boolean;
  version: number;
  created_at?: string;
  updated_at?: string;
}

export interface Absence {
  id: number;
  user_id: number;
  substitute_id: number;
  from: string;
  to: string;
  reason: string | null;
  created_by: number;
  version: number;
}

export interface ActivityReason {
  code: string;
  name_en: string;
  name_lt: string;
  name_ru: string;
  active: boolean;
}

/** If-Match for an entity from a list (its ETag is its version, quoted). */
export const etagOf = (x: { version: number }): string => `"${x.version}"`;
