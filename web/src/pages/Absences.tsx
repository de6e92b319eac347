// SPDX-License-Identifier: AGPL-3.0-or-later
// Absences and substitutes (heads, the director, admins): record an absence
// {user_id, substitute_id, from, to} (POST /api/v1/absences), list them, and
// cancel one (DELETE with If-Match). During an absence the substitute works
// the absent manager's clients, tasks and call list.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, etagOf, type Absence, type Page, type User } from '../api';
import { Alert, Badge, Button, Dialog, EmptyRow, Loading, PageHeader, SelectField, TextField } from '../components/ui';
import { describeError, formErrors, NO_ERRORS, type FormErrors } from '../errors';
import { fmtDate } from '../format';
import { t } from '../i18n';
import { toast } from '../state';
import { nameOf, useTeam } from '../team';

function todayKey(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function stateOf(a: Absence): 'current' | 'upcoming' | 'past' {
  const today = todayKey();
  if (a.to < today) return 'past';
  if (a.from > today) return 'upcoming';
  return 'current';
}

function NewAbsenceDialog({ user, onClose, onSaved }: { user: User; onClose: () => void; onSaved: () => void }) {
  const team = useTeam(user.id);
  const people = team.filter((m) => m.role === 'manager' || m.role === 'head');
  const [who, setWho] = useState('');
  const [sub, setSub] = useState('');
  const [from, setFrom] = useState(todayKey());
  const [to, setTo] = useState(todayKey());
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<FormErrors>(NO_ERRORS);
  const submit = async () => {
    const fields: Record<string, string> = {};
    if (!who) fields.user_id = t('common.required');
    if (!sub) fields.substitute_id = t('common.required');
    if (!from) fields.from = t('common.required');
    if (!to) fields.to = t('common.required');
    if (Object.keys(fields).length) {
      setErr({ form: null, fields, stale: false });
      return;
    }
    setBusy(true);
    setErr(NO_ERRORS);
    try {
      const body: Record<string, unknown> = { user_id: Number(who), substitute_id: Number(sub), from, to };
      if (reason.trim()) body.reason = reason.trim();
      await api.post<Absence>('absences', body);
      toast(t('absences.created'));
      onSaved();
    } catch (e) {
      setErr(formErrors(e, ['user_id', 'substitute_id', 'from', 'to', 'reason']));
    } finally {
      setBusy(false);
    }
  };
  const options = (exclude: string) => [{ value: '', label: t('tasks.field.choose') }, ...people.filter((m) => String(m.id) !== exclude).map((m) => ({ value: String(m.id), label: m.name }))];
  return (
    <Dialog
      title={t('absences.new')}
      wide
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" kind="primary" busy={busy}>
            {t('common.create')}
          </Button>
        </>
      }
    >
      <div class="form-grid">
        <SelectField label={t('absences.field.user')} name="user_id" value={who} onValue={setWho} options={options('')} required error={err.fields.user_id} />
        <SelectField label={t('absences.field.substitute')} name="substitute_id" value={sub} onValue={setSub} options={options(who)} required error={err.fields.substitute_id} />
        <TextField label={t('absences.field.from')} name="from" type="date" value={from} onValue={setFrom} required error={err.fields.from} />
        <TextField label={t('absences.field.to')} name="to" type="date" value={to} onValue={setTo} required error={err.fields.to} />
      </div>
      <TextField label={t('absences.field.reason')} name="reason" value={reason} onValue={setReason} error={err.fields.reason} maxLength={200} />
      <p class="field-hint">{t('absences.hint')}</p>
      {err.form ? <Alert>{err.form}</Alert> : null}
    </Dialog>
  );
}

function CancelDialog({ absence, name, onClose, onDone }: { absence: Absence; name: string; onClose: () => void; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const go = async () => {
    setBusy(true);
    try {
      await api.del(`absences/${absence.id}`, { ifMatch: etagOf(absence) });
      toast(t('absences.cancelled'));
      onDone();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={t('absences.cancel')}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t('common.close')}</Button>
          <Button kind="danger" busy={busy} onClick={() => void go()}>
            {t('absences.cancel')}
          </Button>
        </>
      }
    >
      <p>{t('absences.cancelConfirm', { name, from: fmtDate(absence.from), to: fmtDate(absence.to) })}</p>
      {error ? <Alert>{error}</Alert> : null}
    </Dialog>
  );
}

export function Absences({ user }: { user: User }) {
  const team = useTeam(user.id);
  const [items, setItems] = useState<Absence[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showPast, setShowPast] = useState(false);
  const [dialog, setDialog] = useState<{ kind: 'new' } | { kind: 'cancel'; absence: Absence } | null>(null);
  const load = async () => {
    try {
      const r = await api.get<Page<Absence>>('absences');
      setItems(r.data.items ?? []);
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  };
  useEffect(() => {
    void load();
  }, []);
  const shown = useMemo(() => (items ?? []).filter((a) => showPast || stateOf(a) !== 'past').sort((a, b) => a.from.localeCompare(b.from)), [items, showPast]);
  const name = (id: number) => nameOf(team, id) ?? `#${id}`;
  const done = () => {
    setDialog(null);
    void load();
  };
  return (
    <div class="page page-wide">
      <PageHeader
        title={t('absences.title')}
        subtitle={t('absences.subtitle')}
        actions={
          <Button kind="primary" icon="plus" onClick={() => setDialog({ kind: 'new' })}>
            {t('absences.new')}
          </Button>
        }
      />
      <div class="toolbar">
        <label class="toggle">
          <input type="checkbox" checked={showPast} onChange={(e) => setShowPast(e.currentTarget.checked)} />
          {t('absences.showPast')}
        </label>
        <span class="toolbar-count">{items ? t('common.total', { n: shown.length }) : null}</span>
      </div>
      {error ? <Alert>{error}</Alert> : null}
      {!items && !error ? <Loading /> : null}
      {items ? (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{t('absences.col.who')}</th>
                <th scope="col" class="col-date">
                  {t('absences.col.from')}
                </th>
                <th scope="col" class="col-date">
                  {t('absences.col.to')}
                </th>
                <th scope="col">{t('absences.col.substitute')}</th>
                <th scope="col">{t('absences.col.reason')}</th>
                <th scope="col" class="col-narrow">
                  {t('absences.col.state')}
                </th>
                <th scope="col" class="col-actions">
                  <span class="sr-only">{t('users.col.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((a) => {
                const s = stateOf(a);
                return (
                  <tr key={a.id} class={s === 'past' ? 'is-inactive' : ''}>
                    <td class="strong">{name(a.user_id)}</td>
                    <td class="col-date">{fmtDate(a.from)}</td>
                    <td class="col-date">{fmtDate(a.to)}</td>
                    <td>{name(a.substitute_id)}</td>
                    <td>{a.reason ?? <span class="muted">{t('common.none')}</span>}</td>
                    <td class="col-narrow">
                      <Badge tone={s === 'current' ? 'ok' : s === 'upcoming' ? 'accent' : 'muted'}>{t(`absences.state.${s}`)}</Badge>
                    </td>
                    <td class="col-actions">
                      {s !== 'past' ? (
                        <Button small kind="ghost" icon="x" label={t('absences.cancelNamed', { name: name(a.user_id) })} onClick={() => setDialog({ kind: 'cancel', absence: a })} />
                      ) : null}
                    </td>
                  </tr>
                );
              })}
              {shown.length === 0 ? (
                <EmptyRow cols={7} icon="plane" title={t('absences.empty')} />
              ) : null}
            </tbody>
          </table>
        </div>
      ) : null}
      {dialog?.kind === 'new' ? <NewAbsenceDialog user={user} onClose={() => setDialog(null)} onSaved={done} /> : null}
      {dialog?.kind === 'cancel' ? <CancelDialog absence={dialog.absence} name={name(dialog.absence.user_id)} onClose={() => setDialog(null)} onDone={done} /> : null}
    </div>
  );
}
