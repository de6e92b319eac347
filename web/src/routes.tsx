// SPDX-License-Identifier: AGPL-3.0-or-later
// Client-side routes: path → page, with the roles that may open it (from nav.ts).
import type { JSX } from 'preact';
import type { User } from './api';
import { t, type MessageKey } from './i18n';
import { allowed, navItemFor } from './nav';
import { Departments } from './pages/Departments';
import { Home } from './pages/Home';
import { Users } from './pages/Users';

interface Route {
  path: string;
  title: MessageKey;
  render: (user: User) => JSX.Element;
}

export const ROUTES: readonly Route[] = [
  { path: '/', title: 'nav.home', render: (u) => <Home user={u} /> },
  { path: '/users', title: 'nav.users', render: () => <Users /> },
  { path: '/departments', title: 'nav.departments', render: () => <Departments /> },
];

export type Resolved = { kind: 'page'; route: Route } | { kind: 'forbidden' } | { kind: 'notfound' };

export function resolve(path: string, user: User): Resolved {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const route = ROUTES.find((r) => r.path === p);
  if (!route) return { kind: 'notfound' };
  const item = navItemFor(route.path);
  if (item && !allowed(item, user.role)) return { kind: 'forbidden' };
  return { kind: 'page', route };
}

export function titleOf(r: Resolved): string {
  if (r.kind === 'page') return t(r.route.title);
  return r.kind === 'forbidden' ? t('error.forbidden') : t('error.notFound');
}
