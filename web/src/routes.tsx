// SPDX-License-Identifier: AGPL-3.0-or-later
// Client-side routes: path pattern → page, with the roles that may open it
// (the nav entry's, or the route's own). Patterns: '/clients/:id'.
import type { JSX } from 'preact';
import type { Role, User } from './api';
import { t, type MessageKey } from './i18n';
import { allowed, LEADS, navItemFor, SALES } from './nav';
import { Absences } from './pages/Absences';
import { ClientCard } from './pages/ClientCard';
import { Clients } from './pages/Clients';
import { Departments } from './pages/Departments';
import { Home } from './pages/Home';
import { ImportWizard } from './pages/ImportWizard';
import { Outbox } from './pages/Outbox';
import { Tasks } from './pages/Tasks';
import { Team } from './pages/Team';
import { Today } from './pages/Today';
import { Users } from './pages/Users';

type Params = Record<string, string>;

interface Route {
  path: string;
  title: MessageKey;
  /** Who may open it; absent: the nav entry of the same path decides (or everyone). */
  roles?: readonly Role[];
  /** Routes of one group share their page (it is not mounted anew between them). */
  group?: string;
  render: (user: User, params: Params) => JSX.Element;
}

export const ROUTES: readonly Route[] = [
  { path: '/', title: 'nav.home', group: 'today', render: (u) => (u.role === 'manager' ? <Today user={u} /> : <Home user={u} />) },
  { path: '/today', title: 'nav.today', roles: SALES, group: 'today', render: (u) => <Today user={u} /> },
  { path: '/clients', title: 'nav.clients', group: 'clients', render: (u) => <Clients user={u} /> },
  { path: '/clients/new', title: 'nav.clients', roles: SALES, group: 'clients', render: (u) => <Clients user={u} creating /> },
  { path: '/clients/import', title: 'import.title', roles: SALES, render: (u) => <ImportWizard user={u} /> },
  { path: '/clients/:id', title: 'nav.clients', roles: SALES, group: 'card', render: (u, p) => <ClientCard key={p.id} user={u} id={Number(p.id)} tab="overview" /> },
  { path: '/clients/:id/timeline', title: 'nav.clients', roles: SALES, group: 'card', render: (u, p) => <ClientCard key={p.id} user={u} id={Number(p.id)} tab="timeline" /> },
  { path: '/clients/:id/history', title: 'nav.clients', roles: SALES, group: 'card', render: (u, p) => <ClientCard key={p.id} user={u} id={Number(p.id)} tab="history" /> },
  { path: '/tasks', title: 'nav.tasks', render: (u) => <Tasks user={u} /> },
  { path: '/team', title: 'nav.team', render: (u) => <Team user={u} /> },
  { path: '/absences', title: 'nav.absences', roles: LEADS, render: (u) => <Absences user={u} /> },
  { path: '/users', title: 'nav.users', render: () => <Users /> },
  { path: '/departments', title: 'nav.departments', render: () => <Departments /> },
  { path: '/outbox', title: 'nav.outbox', render: () => <Outbox /> },
];

export type Resolved = { kind: 'page'; route: Route; params: Params } | { kind: 'forbidden' } | { kind: 'notfound' };

function match(pattern: string, path: string): Params | null {
  const a = pattern.split('/');
  const b = path.split('/');
  if (a.length !== b.length) return null;
  const params: Params = {};
  for (let i = 0; i < a.length; i++) {
    const seg = a[i] ?? '';
    const val = b[i] ?? '';
    if (seg.startsWith(':')) {
      if (!/^\d+$/.test(val)) return null;
      params[seg.slice(1)] = val;
    } else if (seg !== val) return null;
  }
  return params;
}

export function resolve(path: string, user: User): Resolved {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  for (const route of ROUTES) {
    const params = match(route.path, p);
    if (!params) continue;
    if (route.roles) {
      if (!route.roles.includes(user.role)) return { kind: 'forbidden' };
    } else {
      const item = navItemFor(route.path);
      if (item && route.path !== '/' && !allowed(item, user.role)) return { kind: 'forbidden' };
    }
    return { kind: 'page', route, params };
  }
  return { kind: 'notfound' };
}

export function titleOf(r: Resolved, user: User): string {
  if (r.kind === 'page') return r.route.path === '/' && user.role === 'manager' ? t('nav.today') : t(r.route.title);
  return r.kind === 'forbidden' ? t('error.forbidden') : t('error.notFound');
}
