// SPDX-License-Identifier: AGPL-3.0-or-later
// The e-mail outbox for admins (GET /api/v1/outbox): every queued, sent and
// failed message with its attempts and last error; a message opens with its
// body (GET /api/v1/outbox/{id}); a failed one can be sent again
// (POST /api/v1/outbox/{id}/retry).
import { useEffect, useState } from 'preact/hooks';
import { api, type Page } from '../api';
import { Alert, Badge, Button, Dialog, EmptyRow, Loading, PageHeader } from '../components/ui';
import { describeError } from '../errors';
import { fmtDateTime } from '../format';
import { t } from '../i18n';
import { activityTypeName } from '../labels';
import { toast } from '../state';

interface OutboxRow {
  id: number;
  to: string;
  to_name: string | null;
  subject: string;
  body?: string | null;
  kind: string;
  status: 'queued' | 'sending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  queued_at: string | null;
  sent_at: string | null;
  version: number;
}

const STATUSES = ['', 'queued', 'sent', 'failed'] as const;

function tone(s: string): 'ok' | 'danger' | 'muted' | 'neutral' {
  return s === 'sent' ? 'ok' : s === 'failed' ? 'danger' : s === 'queued' || s === 'sending' ? 'neutral' : 'muted';
}

function kindName(k: string): string {
  return k === 'system' ? t('outbox.kind.system') : activityTypeName(k);
}

function MessageDialog({ id, onClose }: { id: number; onClose: () => void }) {
  const [m, setM] = useState<OutboxRow | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .get<OutboxRow>(`outbox/${id}`)
      .then((r) => setM(r.data))
      .catch((e) => setError(describeError(e)));
  }, [id]);
  return (
    <Dialog title={m?.subject ?? t('outbox.message')} wide onClose={onClose} footer={<Button onClick={onClose}>{t('common.close')}</Button>}>
      {error ? <Alert>{error}</Alert> : null}
      {!m && !error ? <Loading /> : null}
      {m ? (
        <>
          <dl class="props props-2 msg-props">
            <dt>{t('outbox.col.to')}</dt>
            <dd>{m.to_name ? `${m.to_name} <${m.to}>` : m.to}</dd>
            <dt>{t('outbox.col.status')}</dt>
            <dd>
              <Badge tone={tone(m.status)}>{t(`outbox.status.${m.status}`)}</Badge>
            </dd>
            <dt>{t('outbox.col.attempts')}</dt>
            <dd>{m.attempts}</dd>
            {m.last_error ? (
              <>
                <dt>{t('outbox.col.error')}</dt>
                <dd class="mono">{m.last_error}</dd>
              </>
            ) : null}
          </dl>
          <pre class="msg-body">{m.body ?? ''}</pre>
        </>
      ) : null}
    </Dialog>
  );
}

export function Outbox() {
  const [status, setStatus] = useState<(typeof STATUSES)[number]>('');
  const [items, setItems] = useState<OutboxRow[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<number | null>(null);

  const load = async (after: string | null = null) => {
    try {
      const r = await api.get<Page<OutboxRow>>('outbox', { query: { status: status || null, limit: 100, cursor: after } });
      setItems((l) => (after ? [...(l ?? []), ...(r.data.items ?? [])] : (r.data.items ?? [])));
      setCursor(r.data.next_cursor);
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  };
  useEffect(() => {
    setItems(null);
    void load();
  }, [status]);

  const retry = async (m: OutboxRow) => {
    try {
      await api.post(`outbox/${m.id}/retry`);
      toast(t('outbox.retried', { to: m.to }));
      void load();
    } catch (e) {
      toast(describeError(e), 'error');
    }
  };

  return (
    <div class="page page-wide">
      <PageHeader
        title={t('outbox.title')}
        subtitle={t('outbox.subtitle')}
        actions={
          <Button icon="refresh" onClick={() => void load()}>
            {t('common.reload')}
          </Button>
        }
      />
      <div class="toolbar">
        <div class="segmented" role="radiogroup" aria-label={t('outbox.col.status')}>
          {STATUSES.map((s) => (
            <button key={s || 'all'} type="button" role="radio" aria-checked={status === s ? 'true' : 'false'} class={status === s ? 'seg is-on' : 'seg'} onClick={() => setStatus(s)}>
              {s ? t(`outbox.status.${s}`) : t('tasks.filter.all')}
            </button>
          ))}
        </div>
      </div>
      {error ? <Alert>{error}</Alert> : null}
      {!items && !error ? <Loading /> : null}
      {items ? (
        <div class="table-wrap">
          <table class="table" aria-label={t('outbox.title')}>
            <thead>
              <tr>
                <th scope="col">{t('outbox.col.to')}</th>
                <th scope="col">{t('outbox.col.subject')}</th>
                <th scope="col">{t('outbox.col.kind')}</th>
                <th scope="col" class="col-narrow">
                  {t('outbox.col.status')}
                </th>
                <th scope="col" class="col-num">
                  {t('outbox.col.attempts')}
                </th>
                <th scope="col" class="col-date">
                  {t('outbox.col.when')}
                </th>
                <th scope="col">{t('outbox.col.error')}</th>
                <th scope="col" class="col-actions">
                  <span class="sr-only">{t('users.col.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((m) => (
                <tr key={m.id} class="is-link" onClick={(e: MouseEvent) => !(e.target as HTMLElement).closest('button') && setOpen(m.id)}>
                  <td>{m.to_name ? <span title={m.to}>{m.to_name}</span> : <span class="mono">{m.to}</span>}</td>
                  <td class="strong cell-name">{m.subject}</td>
                  <td>{kindName(m.kind)}</td>
                  <td class="col-narrow">
                    <Badge tone={tone(m.status)}>{t(`outbox.status.${m.status}`)}</Badge>
                  </td>
                  <td class="col-num">{m.attempts}</td>
                  <td class="col-date muted">{fmtDateTime(m.sent_at ?? m.next_attempt_at ?? m.queued_at)}</td>
                  <td class="muted cell-name" title={m.last_error ?? undefined}>
                    {m.last_error ?? ''}
                  </td>
                  <td class="col-actions">
                    {m.status === 'failed' ? (
                      <Button small icon="refresh" label={t('outbox.retryNamed', { to: m.to })} onClick={() => void retry(m)}>
                        {t('outbox.retry')}
                      </Button>
                    ) : null}
                  </td>
                </tr>
              ))}
              {items.length === 0 ? (
                <EmptyRow cols={8} icon="inbox" title={t('outbox.empty')} />
              ) : null}
            </tbody>
          </table>
        </div>
      ) : null}
      {cursor ? (
        <div class="list-foot">
          <Button onClick={() => void load(cursor)}>{t('common.loadMore')}</Button>
        </div>
      ) : null}
      {open !== null ? <MessageDialog id={open} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}
