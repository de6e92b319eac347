// SPDX-License-Identifier: AGPL-3.0-or-later
// The bell of the top bar: the caller's in-app notifications (GET
// /api/v1/notifications, polled every minute and when the tab comes back),
// the unread count on the bell, a panel with the newest ones as messages of
// their kind in the UI language (from each notification's data; the server's
// `text` for a kind this build does not know), a link to what each is about,
// mark read one by one or all at once (up to the newest one shown).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, type User } from '../api';
import { describeError } from '../errors';
import { fmtDate, fmtWhen } from '../format';
import { t, tn } from '../i18n';
import { can, SALES } from '../nav';
import { navigate, toast } from '../state';
import { Icon } from './icons';
import { useDismiss } from './ui';
import './Notifications.css';

export const POLL_MS = 60_000;
const SHOWN = 30;

export interface Notification {
  id: number;
  kind: string;
  entity: string | null;
  entity_id: number | null;
  text: string;
  data: Record<string, unknown>;
  created_at: string;
  read_at: string | null;
}

interface NotificationList {
  items: Notification[];
  next_cursor: string | null;
  unread: number;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** The message of a notification and its second line, in the UI language. */
export function notificationMessage(n: Notification, me: number): { title: string; detail: string } {
  const d = n.data ?? {};
  const standIn = str(d.for_user_name) ? t('notify.forUser', { name: str(d.for_user_name) }) : '';
  const join = (...parts: string[]) => parts.filter(Boolean).join(' · ');
  switch (n.kind) {
    case 'call_back_due':
      return {
        title: t('notify.callBack', { client: str(d.client_name) }),
        detail: join(t('notify.callBack.due', { time: fmtWhen(str(d.callback_at)) }), str(d.contact_name), standIn),
      };
    case 'task_due':
    case 'task_overdue': {
      const assignee = num(d.assignee_id) !== me && !standIn ? t('notify.task.assignee', { name: str(d.assignee_name) }) : '';
      return {
        title: t(n.kind === 'task_due' ? 'notify.taskDue' : 'notify.taskOverdue', { title: str(d.title) }),
        detail: join(
          n.kind === 'task_due' ? t('notify.task.dueAt', { time: fmtWhen(str(d.due_at)) }) : t('notify.task.dueOn', { date: fmtDate(str(d.due_at)) }),
          str(d.client_name),
          assignee,
          standIn,
        ),
      };
    }
    case 'monthly_overdue':
      return { title: tn('notify.monthly', num(d.count) ?? 0), detail: t('notify.monthly.detail') };
    case 'client_issued':
      return { title: t('notify.clientIssued', { name: str(d.name) }), detail: '' };
    default:
      return { title: n.text, detail: '' };
  }
}

/** Where a notification leads (null: nowhere the user may go). */
export function notificationLink(n: Notification, user: User): string | null {
  const d = n.data ?? {};
  const sales = can(user.role, SALES);
  switch (n.kind) {
    case 'call_back_due':
      return sales && num(d.client_id) ? `/clients/${num(d.client_id)}` : null;
    case 'task_due':
    case 'task_overdue':
      return '/tasks';
    case 'monthly_overdue':
      return sales ? '/today' : null;
    case 'client_issued':
      return sales && n.entity_id ? `/clients/${n.entity_id}` : null;
    default:
      return null;
  }
}

function BellIcon({ size = 17 }: { size?: number }) {
  return (
    <svg class="icon" width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
      <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9M13.73 21a2 2 0 0 1-3.46 0" />
    </svg>
  );
}

export function NotificationBell({ user }: { user: User }) {
  const [items, setItems] = useState<Notification[]>([]);
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const seq = useRef(0);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const res = await api.get<NotificationList>('notifications', { query: { limit: SHOWN } });
      if (mine !== seq.current || !res.data) return;
      setItems(res.data.items ?? []);
      setUnread(res.data.unread ?? 0);
      setLoaded(true);
    } catch {
      /* the next poll tries again; the bell keeps what it showed */
    }
  }, []);

  // Poll every minute while the tab is shown; at once when it is shown again.
  useEffect(() => {
    void load();
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') void load();
    }, POLL_MS);
    const onShow = () => {
      if (document.visibilityState === 'visible') void load();
    };
    document.addEventListener('visibilitychange', onShow);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onShow);
    };
  }, [load, user.id]);

  // Opening the panel reads afresh; a press outside or Escape closes it.
  useEffect(() => {
    if (open) void load();
  }, [open, load]);
  useDismiss(ref, open, (byEscape) => {
    setOpen(false);
    if (byEscape) ref.current?.querySelector<HTMLElement>('.bell-btn')?.focus();
  });

  const markRead = async (n: Notification) => {
    if (n.read_at) return;
    const now = new Date().toISOString();
    setItems((xs) => xs.map((x) => (x.id === n.id ? { ...x, read_at: now } : x)));
    setUnread((u) => Math.max(0, u - 1));
    try {
      await api.post<null>(`notifications/${n.id}/read`);
    } catch (e) {
      toast(describeError(e), 'error');
      void load();
    }
  };

  const markAll = async () => {
    const newest = items[0];
    if (!newest) return;
    setBusy(true);
    try {
      const res = await api.post<{ marked: number; unread: number }>('notifications/read-all', { up_to_id: newest.id });
      const now = new Date().toISOString();
      setItems((xs) => xs.map((x) => (x.read_at ? x : { ...x, read_at: now })));
      setUnread(res.data?.unread ?? 0);
    } catch (e) {
      toast(describeError(e), 'error');
    } finally {
      setBusy(false);
    }
  };

  const go = (n: Notification) => {
    const to = notificationLink(n, user);
    void markRead(n);
    if (to) {
      setOpen(false);
      navigate(to);
    }
  };

  const shownCount = unread > 99 ? '99+' : String(unread);
  const label = unread ? `${t('notify.title')}: ${tn('notify.unread', unread)}` : t('notify.title');

  return (
    <div class="bell" ref={ref}>
      <button
        type="button"
        class={unread ? 'icon-btn bell-btn has-unread' : 'icon-btn bell-btn'}
        aria-haspopup="dialog"
        aria-expanded={open ? 'true' : 'false'}
        aria-label={label}
        title={label}
        onClick={() => setOpen(!open)}
      >
        <BellIcon />
        {unread ? (
          <span class="bell-count" data-testid="bell-count" aria-hidden="true">
            {shownCount}
          </span>
        ) : null}
      </button>
      {open ? (
        <div class="bell-panel" role="dialog" aria-label={t('notify.title')}>
          <div class="bell-head">
            <h2>{t('notify.title')}</h2>
            <span class="bell-head-count muted">{unread ? tn('notify.unread', unread) : t('notify.allRead')}</span>
            <button type="button" class="btn btn-ghost btn-sm" disabled={!unread || busy} onClick={() => void markAll()}>
              <Icon name="check" size={14} />
              {t('notify.markAllRead')}
            </button>
          </div>
          {!loaded ? (
            <p class="bell-empty muted">{t('common.loading')}</p>
          ) : items.length ? (
            <ul class="bell-list" aria-label={t('notify.title')}>
              {items.map((n) => {
                const m = notificationMessage(n, user.id);
                return (
                  <li key={n.id} class={n.read_at ? 'bell-item' : 'bell-item is-unread'} data-kind={n.kind}>
                    <button type="button" class="bell-item-main" onClick={() => go(n)} aria-describedby={`bell-when-${n.id}`}>
                      <span class="bell-dot" aria-hidden="true" />
                      <span class="bell-text">
                        <span class="bell-title">{m.title}</span>
                        {m.detail ? <span class="bell-detail">{m.detail}</span> : null}
                        <span class="bell-when" id={`bell-when-${n.id}`}>
                          {fmtWhen(n.created_at)}
                          {n.read_at ? '' : ` · ${t('notify.new')}`}
                        </span>
                      </span>
                    </button>
                    {n.read_at ? null : (
                      <button
                        type="button"
                        class="icon-btn bell-read"
                        onClick={() => void markRead(n)}
                        aria-label={`${t('notify.markRead')}: ${m.title}`}
                        title={t('notify.markRead')}
                      >
                        <Icon name="check" size={14} />
                      </button>
                    )}
                  </li>
                );
              })}
            </ul>
          ) : (
            <p class="bell-empty muted">{t('notify.empty')}</p>
          )}
        </div>
      ) : null}
    </div>
  );
}
