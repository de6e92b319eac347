// SPDX-License-Identifier: AGPL-3.0-or-later
// Today, a manager's home: quota progress for the day and the month
// (GET /api/v1/quotas/progress), the ordered call list with its reasons
// (GET /api/v1/today) and a quick-log button on each row. Logging an activity
// anywhere reloads both: the count goes up and the client leaves the list.
// A head opens a manager's Today from the team view (?user_id=).
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, METRICS, type Progress, type TodayList, type User } from '../api';
import { Icon } from '../components/icons';
import { Alert, Button, Chip, Empty, initials, Loading, Meter } from '../components/ui';
import { describeError } from '../errors';
import { fmtDate, fmtLongDate, fmtPhone } from '../format';
import { roleName, t, type MessageKey } from '../i18n';
import { metricName, reasonText, reasonTone } from '../labels';
import { navigate, openQuickLog, useAppState, useDataEvent } from '../state';
import { nameOf, useTeam } from '../team';

function greetingKey(d: Date): MessageKey {
  const h = d.getHours();
  if (h < 12) return 'home.greeting.morning';
  if (h < 18) return 'home.greeting.afternoon';
  return 'home.greeting.evening';
}

/** Day and month progress of each metric, side by side. */
export function Quotas({ progress }: { progress: Progress }) {
  const wd = progress.working_days;
  return (
    <section class="panel quotas-panel" aria-labelledby="quotas-h">
      <h2 id="quotas-h" class="sr-only">
        {t('today.progress')}
      </h2>
      <div class="quota-grid">
        <span />
        <div class="quota-col-head">
          <strong>{t('today.day')}</strong>
          <span class="muted">{fmtDate(progress.date)}</span>
        </div>
        <div class="quota-col-head">
          <strong>{t('today.month')}</strong>
          {wd ? <span class="muted">{t('today.workingDays', { elapsed: wd.elapsed, month: wd.month })}</span> : null}
        </div>
        {METRICS.map((m) => (
          <div class="quota-row" key={m} data-metric={m}>
            <span class="quota-name">{metricName(m)}</span>
            {progress.day[m].target > 0 || progress.day[m].done > 0 ? (
              <Meter label={`${metricName(m)}: ${t('today.day')}`} done={progress.day[m].done} target={progress.day[m].target} compact />
            ) : (
              <span class="muted quota-none">{t('common.none')}</span>
            )}
            <Meter label={`${metricName(m)}: ${t('today.month')}`} done={progress.month[m].done} target={progress.month[m].target} compact />
          </div>
        ))}
      </div>
    </section>
  );
}

export function Today({ user }: { user: User }) {
  const st = useAppState();
  const team = useTeam(user.id);
  const param = new URLSearchParams(st.search).get('user_id');
  const otherId = param && /^\d+$/.test(param) && Number(param) !== user.id ? Number(param) : null;
  const [progress, setProgress] = useState<Progress | null>(null);
  const [list, setList] = useState<TodayList | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const query = otherId ? { user_id: otherId } : {};
    try {
      const [p, l] = await Promise.all([api.get<Progress>('quotas/progress', { query }), api.get<TodayList>('today', { query })]);
      setProgress(p.data);
      setList(l.data);
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  }, [otherId]);
  useEffect(() => {
    setProgress(null);
    setList(null);
    void load();
  }, [load]);
  useDataEvent('activity', load);
  useDataEvent('task', load);

  const now = new Date();
  const otherName = otherId ? (nameOf(team, otherId) ?? `#${otherId}`) : null;

  return (
    <div class="page page-wide today">
      {otherId ? (
        <nav class="crumbs" aria-label={t('card.crumbs')}>
          <a
            href="/team"
            onClick={(e: MouseEvent) => {
              e.preventDefault();
              navigate('/team');
            }}
          >
            <Icon name="arrowLeft" size={13} />
            {t('today.back')}
          </a>
        </nav>
      ) : null}
      <section class="hero hero-compact">
        <span class="avatar avatar-lg" aria-hidden="true">
          {initials(otherName ?? user.name)}
        </span>
        <div>
          <p class="hero-date">{fmtLongDate(now)}</p>
          <h1>{otherName ? t('today.of', { name: otherName }) : t(greetingKey(now), { name: user.name })}</h1>
          {!otherId ? (
            <p class="hero-meta">
              <span class="badge badge-accent">{roleName(user.role)}</span>
              <span class="muted">{t('today.shortcut')}</span>
            </p>
          ) : null}
        </div>
      </section>

      {error ? (
        <Alert>
          {error}
          <div class="alert-actions">
            <Button small icon="refresh" onClick={() => void load()}>
              {t('common.reload')}
            </Button>
          </div>
        </Alert>
      ) : null}
      {!progress && !error ? <Loading /> : null}

      {progress ? (
        <>
          {!progress.working_day ? <Alert kind="info">{t('today.dayOff')}</Alert> : null}
          <Quotas progress={progress} />
        </>
      ) : null}

      {list ? (
        <section class="panel calllist" aria-labelledby="calllist-h">
          <header class="panel-head">
            <h2 id="calllist-h">
              {t('today.list')}
              <span class="count" data-testid="calllist-count">
                {list.items.length}
              </span>
            </h2>
            <span class="muted">{t('today.listHint')}</span>
          </header>
          {list.items.length === 0 ? (
            <Empty icon="check" title={t('today.empty')}>
              {t('today.emptyHint')}
            </Empty>
          ) : (
            <div class="table-scroll">
              <table class="table table-calls" aria-labelledby="calllist-h">
                <thead>
                  <tr>
                    <th scope="col" class="col-narrow">
                      #
                    </th>
                    <th scope="col">{t('today.col.client')}</th>
                    <th scope="col">{t('today.col.contact')}</th>
                    <th scope="col">{t('today.col.why')}</th>
                    <th scope="col" class="col-date">
                      {t('today.col.last')}
                    </th>
                    <th scope="col" class="col-actions">
                      <span class="sr-only">{t('users.col.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.items.map((it, i) => (
                    <tr key={it.client_id} data-client-id={it.client_id}>
                      <td class="col-narrow muted num">{i + 1}</td>
                      <td class="strong">
                        <a
                          href={`/clients/${it.client_id}`}
                          onClick={(e: MouseEvent) => {
                            if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
                            e.preventDefault();
                            navigate(`/clients/${it.client_id}`);
                          }}
                        >
                          {it.client_name}
                        </a>
                      </td>
                      <td>
                        {it.contact_name ? <span>{it.contact_name}</span> : it.phone ? null : <span class="muted">{t('common.none')}</span>}
                        {it.phone ? (
                          <a class="phone-link" href={`tel:${it.phone}`}>
                            {fmtPhone(it.phone)}
                          </a>
                        ) : null}
                      </td>
                      <td class="cell-wrap">
                        <span class="chips">
                          {it.reasons.map((r, j) => (
                            <Chip key={j} tone={reasonTone(r.code)}>
                              {reasonText(r)}
                            </Chip>
                          ))}
                        </span>
                      </td>
                      <td class="col-date muted">{it.last_contact_at ? fmtDate(it.last_contact_at) : t('today.never')}</td>
                      <td class="col-actions">
                        <Button
                          small
                          icon="phone"
                          label={t('today.logNamed', { name: it.client_name })}
                          onClick={() => openQuickLog({ client: { id: it.client_id, name: it.client_name }, contactId: it.contact_id })}
                        >
                          {t('today.log')}
                        </Button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}

      {list && list.tasks.length ? (
        <section class="panel" aria-labelledby="loose-h">
          <header class="panel-head">
            <h2 id="loose-h">{t('today.tasks')}</h2>
            <Button
              small
              kind="ghost"
              icon="arrowRight"
              onClick={() => navigate('/tasks')}
            >
              {t('today.allTasks')}
            </Button>
          </header>
          <ul class="chips chips-list">
            {list.tasks.map((r, i) => (
              <li key={i}>
                <Chip tone={reasonTone(r.code)}>{reasonText(r)}</Chip>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
