// SPDX-License-Identifier: AGPL-3.0-or-later
// Home: greets the user by name and shows role and department; admins get
// shortcuts to the administration screens.
import { useEffect, useState } from 'preact/hooks';
import { api, listAll, ROLES, type Department, type User } from '../api';
import { Icon } from '../components/icons';
import { initials } from '../components/ui';
import { getLang, LANG_NAMES, isLang, roleName, t, type MessageKey } from '../i18n';
import { navFor, type NavItem } from '../nav';
import { navigate } from '../state';

function greetingKey(d: Date): MessageKey {
  const h = d.getHours();
  if (h < 12) return 'home.greeting.morning';
  if (h < 18) return 'home.greeting.afternoon';
  return 'home.greeting.evening';
}

/** The department's name: from /me if the server adds it, else GET the
 *  department. undefined: loading; null: no department; false: not visible to
 *  this role. */
function useDepartmentName(user: User): string | null | false | undefined {
  const extra = user as User & { department?: { name?: string } | null; department_name?: string | null };
  const given = extra.department?.name ?? extra.department_name ?? null;
  const [name, setName] = useState<string | null | false | undefined>(given ?? undefined);
  useEffect(() => {
    if (given || user.department_id == null) {
      setName(given);
      return;
    }
    let live = true;
    api
      .get<Department>(`departments/${user.department_id}`)
      .then((r) => live && setName(r.data.name))
      .catch(() => live && setName(false));
    return () => {
      live = false;
    };
  }, [user.department_id, given]);
  return user.department_id == null ? null : name;
}

interface TeamStats {
  active: number;
  inactive: number;
  departments: number;
  byRole: Map<string, number>;
}

/** Admins: head counts from the users and departments lists. */
function useTeamStats(enabled: boolean): TeamStats | null {
  const [stats, setStats] = useState<TeamStats | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    Promise.all([listAll<User>('users'), listAll<Department>('departments')])
      .then(([users, depts]) => {
        if (!live) return;
        const byRole = new Map<string, number>();
        for (const u of users) if (u.active) byRole.set(u.role, (byRole.get(u.role) ?? 0) + 1);
        setStats({
          active: users.filter((u) => u.active).length,
          inactive: users.filter((u) => !u.active).length,
          departments: depts.length,
          byRole,
        });
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [enabled]);
  return stats;
}

const SHORTCUT_TEXT: Partial<Record<string, MessageKey>> = {
  '/today': 'home.work.today',
  '/clients': 'home.work.clients',
  '/tasks': 'home.work.tasks',
  '/team': 'home.work.team',
  '/absences': 'home.work.absences',
  '/users': 'home.admin.users',
  '/departments': 'home.admin.departments',
  '/outbox': 'home.admin.outbox',
};

function Shortcuts({ id, title, items }: { id: string; title: string; items: NavItem[] }) {
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <ul class="shortcuts">
        {items.map((i) => {
          const k = SHORTCUT_TEXT[i.path];
          return (
            <li key={i.path}>
              <a
                href={i.path}
                class="shortcut"
                onClick={(e: MouseEvent) => {
                  e.preventDefault();
                  navigate(i.path);
                }}
              >
                <span class="shortcut-icon">
                  <Icon name={i.icon} size={18} />
                </span>
                <span class="shortcut-text">
                  <strong>{t(i.label)}</strong>
                  {k ? <span>{t(k)}</span> : null}
                </span>
                <Icon name="arrowRight" size={15} class="shortcut-go" />
              </a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function Home({ user }: { user: User }) {
  const dept = useDepartmentName(user);
  const today = new Intl.DateTimeFormat(getLang(), { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(new Date());
  const admin = navFor(user.role).filter((i) => i.section === 'admin');
  const work = navFor(user.role).filter((i) => i.section !== 'admin' && i.path !== '/');
  const stats = useTeamStats(user.role === 'admin');

  return (
    <div class="home">
      <section class="hero">
        <span class="avatar avatar-lg" aria-hidden="true">
          {initials(user.name)}
        </span>
        <div>
          <p class="hero-date">{today}</p>
          <h1>{t(greetingKey(new Date()), { name: user.name })}</h1>
          <p class="hero-meta">
            <span class="badge badge-accent">{roleName(user.role)}</span>
            {dept === undefined || dept === false ? null : <span>{dept ?? t('home.noDepartment')}</span>}
          </p>
        </div>
      </section>

      <div class="cards">
        <section class="card" aria-labelledby="home-account">
          <h2 id="home-account">{t('home.account')}</h2>
          <dl class="props">
            <dt>{t('home.login')}</dt>
            <dd>{user.login}</dd>
            <dt>{t('home.role')}</dt>
            <dd>{roleName(user.role)}</dd>
            {dept === false ? null : (
              <>
                <dt>{t('home.department')}</dt>
                <dd>{dept === undefined ? '…' : (dept ?? t('home.noDepartment'))}</dd>
              </>
            )}
            <dt>{t('home.language')}</dt>
            <dd>{isLang(user.lang) ? LANG_NAMES[user.lang] : t('lang.browser')}</dd>
          </dl>
        </section>

        {work.length ? <Shortcuts id="home-work" title={t('home.work')} items={work} /> : null}
        {admin.length ? <Shortcuts id="home-admin" title={t('home.admin')} items={admin} /> : null}

        {stats ? (
          <section class="card" aria-labelledby="home-team">
            <h2 id="home-team">{t('home.team')}</h2>
            <div class="stats">
              <div class="stat">
                <span class="stat-num">{stats.active}</span>
                <span class="stat-label">{t('home.activeUsers')}</span>
              </div>
              <div class="stat">
                <span class="stat-num">{stats.inactive}</span>
                <span class="stat-label">{t('home.inactiveUsers')}</span>
              </div>
              <div class="stat">
                <span class="stat-num">{stats.departments}</span>
                <span class="stat-label">{t('home.departmentCount')}</span>
              </div>
            </div>
            <h3 class="card-sub">{t('home.byRole')}</h3>
            <ul class="bars">
              {ROLES.filter((r) => stats.byRole.get(r)).map((r) => {
                const n = stats.byRole.get(r) ?? 0;
                return (
                  <li key={r}>
                    <span class="bar-label">{roleName(r)}</span>
                    <span class="bar" aria-hidden="true">
                      <span style={{ width: `${Math.round((100 * n) / Math.max(1, stats.active))}%` }} />
                    </span>
                    <span class="bar-num">{n}</span>
                  </li>
                );
              })}
            </ul>
          </section>
        ) : null}
      </div>
    </div>
  );
}
