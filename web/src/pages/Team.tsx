// SPDX-License-Identifier: AGPL-3.0-or-later
// The head's team view (GET /api/v1/team/progress): each manager's progress
// today and this month at a glance; a name opens that manager's Today.
import { useEffect, useState } from 'preact/hooks';
import { api, METRICS, type MetricName, type Page, type Progress, type User } from '../api';
import { Alert, Button, Empty, initials, Loading, PageHeader } from '../components/ui';
import { describeError } from '../errors';
import { fmtLongDate, percent } from '../format';
import { t } from '../i18n';
import { metricName } from '../labels';
import { navigate, useDataEvent } from '../state';

function Cell({ m, metric }: { m: MetricName; metric: { done: number; target: number } }) {
  const pct = percent(metric.done, metric.target);
  const tone = metric.target <= 0 ? 'none' : metric.done >= metric.target ? 'ok' : pct >= 50 ? 'mid' : 'low';
  return (
    <td class="col-meter" data-metric={m}>
      <div class="mini">
        <span class="mini-num">
          <strong>{metric.done}</strong>
          <span class="muted">/{metric.target}</span>
        </span>
        <span class={`mini-bar meter-${tone}`} aria-hidden="true">
          <span style={{ width: `${pct}%` }} />
        </span>
      </div>
    </td>
  );
}

const DAY_METRICS: readonly MetricName[] = ['calls', 'offers_email', 'offers_phone', 'monthly_contact'];

export function Team({ user }: { user: User }) {
  const [items, setItems] = useState<Progress[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async () => {
    try {
      const r = await api.get<Page<Progress>>('team/progress');
      setItems((r.data.items ?? []).filter((p) => p.user_id !== user.id || user.role === 'manager'));
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  };
  useEffect(() => {
    void load();
  }, []);
  useDataEvent('activity', load);

  return (
    <div class="page page-wide">
      <PageHeader
        title={t('team.title')}
        subtitle={`${t('team.subtitle')} ${fmtLongDate(new Date())}.`}
        actions={
          <Button icon="refresh" onClick={() => void load()}>
            {t('common.reload')}
          </Button>
        }
      />
      {error ? <Alert>{error}</Alert> : null}
      {!items && !error ? <Loading /> : null}
      {items && items.length === 0 ? <Empty icon="users" title={t('team.empty')} /> : null}
      {items && items.length ? (
        <div class="table-wrap">
          <table class="table table-team">
            <thead>
              <tr>
                <th scope="col" rowSpan={2}>
                  {t('team.col.person')}
                </th>
                <th scope="colgroup" colSpan={DAY_METRICS.length} class="th-group">
                  {t('today.day')}
                </th>
                <th scope="colgroup" colSpan={METRICS.length} class="th-group">
                  {t('today.month')}
                </th>
              </tr>
              <tr>
                {DAY_METRICS.map((m) => (
                  <th scope="col" key={`d-${m}`} class="th-metric">
                    {metricName(m)}
                  </th>
                ))}
                {METRICS.map((m) => (
                  <th scope="col" key={`m-${m}`} class="th-metric">
                    {metricName(m)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.user_id}>
                  <td class="strong">
                    <a
                      class="person"
                      href={`/today?user_id=${p.user_id}`}
                      aria-label={t('team.openToday', { name: p.name ?? '' })}
                      onClick={(e: MouseEvent) => {
                        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
                        e.preventDefault();
                        navigate(`/today?user_id=${p.user_id}`);
                      }}
                    >
                      <span class="avatar avatar-sm" aria-hidden="true">
                        {initials(p.name ?? '?')}
                      </span>
                      <span>{p.name}</span>
                    </a>
                    {!p.working_day ? <span class="muted"> · {t('team.dayOff')}</span> : null}
                  </td>
                  {DAY_METRICS.map((m) => (
                    <Cell key={`d-${m}`} m={m} metric={p.day[m]} />
                  ))}
                  {METRICS.map((m) => (
                    <Cell key={`m-${m}`} m={m} metric={p.month[m]} />
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
