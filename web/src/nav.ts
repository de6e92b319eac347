// SPDX-License-Identifier: AGPL-3.0-or-later
// The navigation: one data-driven list, filtered by the signed-in user's role.
// Each screen has an entry here (its roles) and a page in routes.tsx.
import type { Role } from './api';
import type { IconName } from './components/icons';
import type { MessageKey } from './i18n';

export interface NavItem {
  path: string;
  label: MessageKey;
  icon: IconName;
  section: 'work' | 'team' | 'admin';
  /** Roles that see the entry and may open the page; absent: everyone. */
  roles?: readonly Role[];
}

/** Roles that work the client base (the API answers 403 to logistics). */
export const SALES: readonly Role[] = ['manager', 'head', 'director', 'admin'];
/** Roles that lead people: tasks for others, absences, the team view. */
export const LEADS: readonly Role[] = ['head', 'director', 'admin'];

export const NAV: readonly NavItem[] = [
  // A manager's home is his Today page ('/' opens it).
  { path: '/', label: 'nav.home', icon: 'home', section: 'work', roles: ['head', 'director', 'logistics', 'admin'] },
  { path: '/today', label: 'nav.today', icon: 'sun', section: 'work', roles: ['manager', 'head'] },
  { path: '/clients', label: 'nav.clients', icon: 'briefcase', section: 'work', roles: SALES },
  { path: '/tasks', label: 'nav.tasks', icon: 'tasks', section: 'work', roles: SALES },
  { path: '/team', label: 'nav.team', icon: 'chart', section: 'team', roles: LEADS },
  { path: '/absences', label: 'nav.absences', icon: 'plane', section: 'team', roles: LEADS },
  { path: '/users', label: 'nav.users', icon: 'users', section: 'admin', roles: ['admin'] },
  { path: '/departments', label: 'nav.departments', icon: 'building', section: 'admin', roles: ['admin'] },
  { path: '/outbox', label: 'nav.outbox', icon: 'inbox', section: 'admin', roles: ['admin'] },
];

export const SECTIONS: readonly { id: NavItem['section']; label: MessageKey }[] = [
  { id: 'work', label: 'nav.section.work' },
  { id: 'team', label: 'nav.section.team' },
  { id: 'admin', label: 'nav.section.admin' },
];

export function allowed(item: NavItem, role: Role): boolean {
  return !item.roles || item.roles.includes(role);
}

export function navFor(role: Role): NavItem[] {
  return NAV.filter((i) => allowed(i, role));
}

export function navItemFor(path: string): NavItem | undefined {
  return NAV.find((i) => i.path === path);
}

export function can(role: Role, roles: readonly Role[]): boolean {
  return roles.includes(role);
}
