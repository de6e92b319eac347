// SPDX-License-Identifier: AGPL-3.0-or-later
// The navigation: one data-driven list, filtered by the signed-in user's role.
// Later screens (Clients, Today, …) add an entry here and a page in routes.
import type { Role } from './api';
import type { IconName } from './components/icons';
import type { MessageKey } from './i18n';

export interface NavItem {
  path: string;
  label: MessageKey;
  icon: IconName;
  section: 'work' | 'admin';
  /** Roles that see the entry and may open the page; absent: everyone. */
  roles?: readonly Role[];
}

export const NAV: readonly NavItem[] = [
  { path: '/', label: 'nav.home', icon: 'home', section: 'work' },
  { path: '/users', label: 'nav.users', icon: 'users', section: 'admin', roles: ['admin'] },
  { path: '/departments', label: 'nav.departments', icon: 'building', section: 'admin', roles: ['admin'] },
];

export const SECTIONS: readonly { id: NavItem['section']; label: MessageKey }[] = [
  { id: 'work', label: 'nav.section.work' },
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
