// SPDX-License-Identifier: AGPL-3.0-or-later
// Application state: who is signed in, the language, the current path and the
// toasts. A tiny observable store; the root component re-renders on change.
import { useEffect, useReducer } from 'preact/hooks';
import { setCsrfToken, type User } from './api';
import { browserLang, isLang, setLang, type Lang, type MessageKey } from './i18n';

export interface Toast {
  id: number;
  kind: 'ok' | 'error';
  text: string;
}

export interface AppState {
  booting: boolean;
  user: User | null;
  lang: Lang;
  path: string;
  search: string;
  toasts: Toast[];
  /** Shown once on the sign-in page (session ended, signed out). */
  notice: MessageKey | null;
  /** The quick-log dialog, when open, with what it was opened for. */
  quickLog: QuickLogTarget | null;
}

/** What the quick-log dialog starts with (all optional: it can search). */
export interface QuickLogTarget {
  client?: { id: number; name: string };
  contactId?: number | null;
  type?: string;
}

const LANG_KEY = 'klientas.lang';

function storedLang(): Lang | null {
  try {
    const v = localStorage.getItem(LANG_KEY);
    return isLang(v) ? v : null;
  } catch {
    return null;
  }
}

/** Language before sign-in: the one picked on this device, else the browser's. */
export function anonymousLang(): Lang {
  return storedLang() ?? browserLang();
}

/** Language of a signed-in user: their setting, else the browser's (or the
 *  one picked on this device's sign-in page), else en. */
export function userLang(user: User | null): Lang {
  if (user && isLang(user.lang)) return user.lang;
  return anonymousLang();
}

let state: AppState = {
  booting: true,
  user: null,
  lang: 'en',
  path: location.pathname,
  search: location.search,
  toasts: [],
  notice: null,
  quickLog: null,
};
const listeners = new Set<() => void>();

export function getState(): AppState {
  return state;
}

export function update(patch: Partial<AppState>): void {
  state = { ...state, ...patch };
  if (patch.lang) setLang(patch.lang);
  for (const l of listeners) l();
}

export function useAppState(): AppState {
  const [, force] = useReducer((n: number) => n + 1, 0);
  const rendered = state;
  useEffect(() => {
    const l = () => force(1);
    listeners.add(l);
    // A change between this render and the subscription (effects run after
    // paint; the boot's GET /me may answer before that) must not be missed.
    if (state !== rendered) force(1);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return state;
}

export function rememberLang(lang: Lang): void {
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
}

export function signedIn(user: User, csrf: string | null | undefined): void {
  setCsrfToken(csrf);
  update({ user, lang: userLang(user), notice: null });
}

export function signedOut(notice: MessageKey | null = null): void {
  setCsrfToken(null);
  update({ user: null, lang: anonymousLang(), notice });
}

let toastSeq = 0;
export function toast(text: string, kind: Toast['kind'] = 'ok'): void {
  const id = ++toastSeq;
  update({ toasts: [...state.toasts, { id, kind, text }] });
  setTimeout(() => dismissToast(id), kind === 'error' ? 8000 : 4000);
}

export function dismissToast(id: number): void {
  if (state.toasts.some((t) => t.id === id)) update({ toasts: state.toasts.filter((t) => t.id !== id) });
}

// Routing: plain history API; the server answers index.html for any non-API path.
export function navigate(to: string, replace = false): void {
  const u = new URL(to, location.origin);
  if (u.pathname + u.search === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', u.pathname + u.search);
  else history.pushState(null, '', u.pathname + u.search);
  update({ path: u.pathname, search: u.search });
  window.scrollTo(0, 0);
}

window.addEventListener('popstate', () => update({ path: location.pathname, search: location.search }));

export function openQuickLog(target: QuickLogTarget = {}): void {
  update({ quickLog: target });
}

export function closeQuickLog(): void {
  update({ quickLog: null });
}

// Data events: a page that shows activities (Today, a client's timeline)
// reloads when one is logged anywhere (quick-log).
type DataEvent = 'activity' | 'task';
const dataListeners = new Map<DataEvent, Set<() => void>>();

export function emit(ev: DataEvent): void {
  for (const l of dataListeners.get(ev) ?? []) l();
}

export function useDataEvent(ev: DataEvent, fn: () => void): void {
  useEffect(() => {
    let set = dataListeners.get(ev);
    if (!set) dataListeners.set(ev, (set = new Set()));
    set.add(fn);
    return () => {
      set?.delete(fn);
    };
  }, [ev, fn]);
}

/** The query parameters of the current address. */
export function queryParams(): URLSearchParams {
  return new URLSearchParams(state.search);
}
