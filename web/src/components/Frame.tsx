// SPDX-License-Identifier: AGPL-3.0-or-later
// Application frame: left navigation (data-driven, filtered by role), top bar
// with the notifications bell, the language switch and the user menu (change
// password, sign out).
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { session, type User } from '../api';
import { describeError } from '../errors';
import { roleName, t, type Lang } from '../i18n';
import { can, navFor, SALES, SECTIONS } from '../nav';
import { getState, navigate, openQuickLog, rememberLang, signedOut, toast, update, type QuickLogTarget } from '../state';
import { forgetTeam } from '../team';
import { ChangePasswordDialog } from './ChangePassword';
import { Icon } from './icons';
import { NotificationBell } from './Notifications';
import { QuickLog } from './QuickLog';
import { Dialog, initials, isTyping, Kbd, LangSwitch, useDismiss } from './ui';

/** Ask the clients list to focus its search box once it is shown. */
export const FOCUS_SEARCH = 'klientas:focus-search';

/** Keys that work anywhere outside a text field and a dialog:
 *  `/` search clients, `n` new client, `l` log an activity, `?` this list. */
function useShortcuts(user: User, help: () => void) {
  useEffect(() => {
    const sales = can(user.role, SALES);
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if (isTyping(e.target) || document.querySelector('dialog[open]')) return;
      if (e.key === '?') {
        e.preventDefault();
        help();
        return;
      }
      if (!sales) return;
      if (e.key === '/') {
        e.preventDefault();
        const box = document.getElementById('clients-search');
        if (box) box.focus();
        else {
          sessionStorage.setItem(FOCUS_SEARCH, '1');
          navigate('/clients');
        }
      } else if (e.key === 'n' || e.key === 'N') {
        e.preventDefault();
        if (getState().path !== '/clients/new') navigate('/clients/new');
      } else if (e.key === 'l' || e.key === 'L') {
        e.preventDefault();
        openQuickLog();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [user.role]);
}

function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const rows: [string[], string][] = [
    [['/'], t('keys.search')],
    [['↑', '↓'], t('keys.move')],
    [['Enter'], t('keys.open')],
    [['N'], t('keys.new')],
    [['L'], t('keys.log')],
    [['1', '9'], t('keys.outcome')],
    [['Esc'], t('keys.close')],
    [['?'], t('keys.help')],
  ];
  return (
    <Dialog title={t('keys.title')} onClose={onClose}>
      <table class="keys-table">
        <tbody>
          {rows.map(([keys, text]) => (
            <tr key={text}>
              <td>
                {keys.map((k, i) => (
                  <>
                    {i ? (keys.length === 2 && k === '9' ? '–' : ' ') : null}
                    <Kbd>{k}</Kbd>
                  </>
                ))}
              </td>
              <td>{text}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}

function NavLink({ path, current, children, onGo }: { path: string; current: string; children: ComponentChildren; onGo: () => void }) {
  const active = path === '/' ? current === '/' : current === path || current.startsWith(`${path}/`);
  return (
    <a
      href={path}
      class={active ? 'nav-link is-active' : 'nav-link'}
      aria-current={active ? 'page' : undefined}
      onClick={(e: MouseEvent) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        onGo();
        navigate(path);
      }}
    >
      {children}
    </a>
  );
}

function UserMenu({ user }: { user: User }) {
  const [open, setOpen] = useState(false);
  const [pwd, setPwd] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useDismiss(ref, open, () => setOpen(false));
  useEffect(() => {
    if (open) ref.current?.querySelector<HTMLElement>('[role=menuitem]')?.focus();
  }, [open]);

  const signOut = async () => {
    setOpen(false);
    try {
      await session.signOut();
    } catch {
      /* the session is gone either way for this tab */
    }
    forgetTeam();
    signedOut('signin.signedOut');
    navigate('/login', true);
  };

  return (
    <div class="user-menu" ref={ref}>
      <button
        type="button"
        class="user-btn"
        aria-haspopup="menu"
        aria-expanded={open ? 'true' : 'false'}
        aria-label={`${t('menu.user')}: ${user.name}`}
        onClick={() => setOpen(!open)}
      >
        <span class="avatar" aria-hidden="true">
          {initials(user.name)}
        </span>
        <span class="user-btn-text" aria-hidden="true">
          <span class="user-btn-name">{user.name}</span>
          <span class="user-btn-role">{roleName(user.role)}</span>
        </span>
        <Icon name="chevronDown" size={14} />
      </button>
      {open ? (
        <div class="menu" role="menu" aria-label={t('menu.user')}>
          <div class="menu-head" role="presentation">
            <strong>{user.name}</strong>
            <span>{user.login}</span>
          </div>
          <button
            type="button"
            role="menuitem"
            class="menu-item"
            onClick={() => {
              setOpen(false);
              setPwd(true);
            }}
          >
            <Icon name="key" size={15} />
            {t('menu.changePassword')}
          </button>
          <button type="button" role="menuitem" class="menu-item" onClick={() => void signOut()}>
            <Icon name="logout" size={15} />
            {t('menu.signOut')}
          </button>
        </div>
      ) : null}
      {pwd ? <ChangePasswordDialog onClose={() => setPwd(false)} /> : null}
    </div>
  );
}

export function Frame(props: { user: User; lang: Lang; path: string; title: string; quickLog: QuickLogTarget | null; children: ComponentChildren }) {
  const { user, lang, title, children } = props;
  const [drawer, setDrawer] = useState(false);
  const [help, setHelp] = useState(false);
  const items = navFor(user.role);
  // A manager's home ('/') is his Today page.
  const path = props.path === '/' && user.role === 'manager' ? '/today' : props.path;
  useShortcuts(user, () => setHelp(true));

  useEffect(() => {
    document.title = `${title} · klientas`;
  }, [title]);

  const chooseLang = async (l: Lang) => {
    const before = lang;
    rememberLang(l);
    update({ lang: l });
    try {
      const res = await session.updateMe({ lang: l });
      if (res.data && typeof res.data === 'object' && 'id' in res.data) update({ user: { ...user, ...res.data } });
      else update({ user: { ...user, lang: l } });
    } catch (e) {
      update({ lang: before });
      toast(describeError(e), 'error');
    }
  };

  return (
    <div class={drawer ? 'app drawer-open' : 'app'}>
      <aside class="sidebar" id="sidebar">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">k</span>
          <span class="brand-name">{t('app.name')}</span>
        </div>
        <nav aria-label={t('nav.label')}>
          {SECTIONS.map((s) => {
            const list = items.filter((i) => i.section === s.id);
            if (!list.length) return null;
            return (
              <div class="nav-section" key={s.id}>
                <div class="nav-section-title" aria-hidden="true">
                  {t(s.label)}
                </div>
                <ul>
                  {list.map((i) => (
                    <li key={i.path}>
                      <NavLink path={i.path} current={path} onGo={() => setDrawer(false)}>
                        <Icon name={i.icon} />
                        <span>{t(i.label)}</span>
                      </NavLink>
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </nav>
      </aside>
      <div class="backdrop" onClick={() => setDrawer(false)} aria-hidden="true" />
      <div class="main">
        <header class="topbar">
          <button
            type="button"
            class="icon-btn menu-toggle"
            aria-label={t('nav.menu')}
            aria-controls="sidebar"
            aria-expanded={drawer ? 'true' : 'false'}
            onClick={() => setDrawer(!drawer)}
          >
            <Icon name="menu" size={18} />
          </button>
          <div class="topbar-title">{title}</div>
          <div class="topbar-right">
            {can(user.role, SALES) ? (
              <button type="button" class="btn btn-secondary btn-sm topbar-log" onClick={() => openQuickLog()} title={t('quicklog.title')} aria-keyshortcuts="l">
                <Icon name="phone" size={14} />
                <span class="topbar-log-text">{t('quicklog.open')}</span>
                <Kbd>L</Kbd>
              </button>
            ) : null}
            <button type="button" class="icon-btn" onClick={() => setHelp(true)} aria-label={t('keys.title')} title={t('keys.title')}>
              <Icon name="keyboard" size={17} />
            </button>
            <NotificationBell user={user} />
            <LangSwitch value={lang} onChange={(l) => void chooseLang(l)} />
            <UserMenu user={user} />
          </div>
        </header>
        <main class="content" id="content">
          {children}
        </main>
      </div>
      {props.quickLog ? <QuickLog target={props.quickLog} /> : null}
      {help ? <ShortcutsDialog onClose={() => setHelp(false)} /> : null}
    </div>
  );
}
