// SPDX-License-Identifier: AGPL-3.0-or-later
// Application frame: left navigation (data-driven, filtered by role), top bar
// with the language switch and the user menu (change password, sign out).
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { session, type User } from '../api';
import { describeError } from '../errors';
import { roleName, t, type Lang } from '../i18n';
import { navFor, SECTIONS } from '../nav';
import { navigate, rememberLang, signedOut, toast, update } from '../state';
import { ChangePasswordDialog } from './ChangePassword';
import { Icon } from './icons';
import { initials, LangSwitch } from './ui';

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

  useEffect(() => {
    if (!open) return;
    const onDoc = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onDoc);
    document.addEventListener('keydown', onKey);
    ref.current?.querySelector<HTMLElement>('[role=menuitem]')?.focus();
    return () => {
      document.removeEventListener('mousedown', onDoc);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const signOut = async () => {
    setOpen(false);
    try {
      await session.signOut();
    } catch {
      /* the session is gone either way for this tab */
    }
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

export function Frame({ user, lang, path, title, children }: { user: User; lang: Lang; path: string; title: string; children: ComponentChildren }) {
  const [drawer, setDrawer] = useState(false);
  const items = navFor(user.role);

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
            <LangSwitch value={lang} onChange={(l) => void chooseLang(l)} />
            <UserMenu user={user} />
          </div>
        </header>
        <main class="content" id="content">
          {children}
        </main>
      </div>
    </div>
  );
}
