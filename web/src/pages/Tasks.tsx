// SPDX-License-Identifier: AGPL-3.0-or-later
// Tasks (GET /api/v1/tasks): a manager's tasks and instructions, completed
// with a note (PATCH status=done, done_note, If-Match); heads, the director
// and admins give tasks to their people (POST) and may cancel them.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, etagOf, type Client, type Page, type Task, type User } from '../api';
import { ClientPicker } from '../components/ClientPicker';
import { Icon } from '../components/icons';
import { Alert, Badge, Button, Dialog, EmptyRow, Loading, PageHeader, SelectField, TextArea, TextField } from '../components/ui';
import { describeError, formErrors, NO_ERRORS, type FormErrors } from '../errors';
import { fmtDate, fmtDateTime, fromLocalInput, toLocalInput } from '../format';
import { t } from '../i18n';
import { taskStatusName } from '../labels';
import { can, LEADS } from '../nav';
import { emit, navigate, toast } from '../state';
import { nameOf, useTeam } from '../team';

type Filter = 'open' | 'done' | 'all';

function endOfToday(): string {
  const d = new Date();
  d.setHours(17, 0, 0, 0);
  if (d.getTime() < Date.now()) d.setDate(d.getDate() + 1);
  return toLocalInput(d);
}

function NewTaskDialog({ user, onClose, onSaved }: { user: User; onClose: () => void; onSaved: () => void }) {
  const team = useTeam(user.id);
  const people = team.filter((m) => m.id !== user.id || user.role === 'head');
  const [assignee, setAssignee] = useState('');
  const [title, setTitle] = useState('');
  const [due, setDue] = useState(endOfToday());
  const [client, setClient] = useState<Client | null>(null);
  const [notes, setNotes] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<FormErrors>(NO_ERRORS);

  const submit = async () => {
    const fields: Record<string, string> = {};
    if (!title.trim()) fields.title = t('common.required');
    if (!assignee) fields.assignee_id = t('common.required');
    if (!due) fields.due_at = t('common.required');
    if (Object.keys(fields).length) {
      setErr({ form: null, fields, stale: false });
      return;
    }
    setBusy(true);
    setErr(NO_ERRORS);
    try {
      await api.post<Task>('tasks', {
        title: title.trim(),
        assignee_id: Number(assignee),
        due_at: fromLocalInput(due),
        client_id: client?.id ?? null,
        notes: notes.trim() || null,
      });
      toast(t('tasks.created', { name: nameOf(team, Number(assignee)) ?? '' }));
      onSaved();
    } catch (e) {
      setErr(formErrors(e, ['title', 'assignee_id', 'due_at', 'client_id', 'notes']));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={t('tasks.new')}
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
      <TextField label={t('tasks.field.title')} name="title" value={title} onValue={setTitle} required autoFocus error={err.fields.title} maxLength={200} />
      <div class="form-grid">
        <SelectField
          label={t('tasks.field.assignee')}
          name="assignee_id"
          value={assignee}
          onValue={setAssignee}
          options={[{ value: '', label: t('tasks.field.choose') }, ...people.filter((m) => m.role === 'manager' || m.role === 'head').map((m) => ({ value: String(m.id), label: m.name }))]}
          error={err.fields.assignee_id}
          required
        />
        <TextField label={t('tasks.field.due')} name="due_at" type="datetime-local" value={due} onValue={setDue} required error={err.fields.due_at} />
      </div>
      {client ? (
        <div class="field" data-field="client_id">
          <span class="field-label">{t('tasks.field.client')}</span>
          <div class="picked">
            <Icon name="briefcase" size={14} />
            <strong class="picked-name">{client.name}</strong>
            <button type="button" class="link-btn" onClick={() => setClient(null)}>
              {t('quicklog.change')}
            </button>
          </div>
        </div>
      ) : (
        <ClientPicker label={t('tasks.field.client')} onPick={setClient} error={err.fields.client_id} />
      )}
      <TextArea label={t('tasks.field.notes')} name="notes" value={notes} onValue={setNotes} rows={3} error={err.fields.notes} maxLength={5000} />
      {err.form ? <Alert>{err.form}</Alert> : null}
    </Dialog>
  );
}

function CompleteDialog({ task, cancel, onClose, onSaved }: { task: Task; cancel: boolean; onClose: () => void; onSaved: () => void }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<FormErrors>(NO_ERRORS);
  const submit = async () => {
    setBusy(true);
    setErr(NO_ERRORS);
    try {
      const body: Record<string, unknown> = { status: cancel ? 'cancelled' : 'done' };
      if (note.trim()) body.done_note = note.trim();
      await api.patch<Task>(`tasks/${task.id}`, body, { ifMatch: etagOf(task) });
      toast(cancel ? t('tasks.cancelled') : t('tasks.completed'));
      onSaved();
    } catch (e) {
      setErr(formErrors(e, ['done_note', 'status']));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={cancel ? t('tasks.cancelTitle') : t('tasks.completeTitle')}
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose}>{t('common.close')}</Button>
          <Button type="submit" kind={cancel ? 'danger' : 'primary'} busy={busy}>
            {cancel ? t('tasks.cancel') : t('tasks.complete')}
          </Button>
        </>
      }
    >
      <p class="dialog-lead">{task.title}</p>
      <TextArea label={t('tasks.doneNote')} name="done_note" value={note} onValue={setNote} rows={3} autoFocus error={err.fields.done_note} maxLength={5000} />
      {err.form ? <Alert>{err.stale ? t('error.stale') : err.form}</Alert> : null}
    </Dialog>
  );
}

/** Names of the clients the tasks name (one GET each, at most 50). */
function useClientNames(ids: number[]): Map<number, string> {
  const [names, setNames] = useState<Map<number, string>>(new Map());
  const key = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    const want = key ? key.split(',').map(Number).filter((id) => !names.has(id)).slice(0, 50) : [];
    if (!want.length) return;
    let live = true;
    Promise.all(want.map((id) => api.get<Client>(`clients/${id}`).then((r) => [id, r.data.name] as const, () => null))).then((pairs) => {
      if (!live) return;
      setNames((m) => {
        const n = new Map(m);
        for (const p of pairs) if (p) n.set(p[0], p[1]);
        return n;
      });
    });
    return () => {
      live = false;
    };
  }, [key]);
  return names;
}

export function Tasks({ user }: { user: User }) {
  const team = useTeam(user.id);
  const lead = can(user.role, LEADS);
  const [filter, setFilter] = useState<Filter>('open');
  const [assignee, setAssignee] = useState('');
  const [items, setItems] = useState<Task[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<{ kind: 'new' } | { kind: 'complete' | 'cancel'; task: Task } | null>(null);

  const load = async () => {
    setError(null);
    try {
      const r = await api.get<Page<Task>>('tasks', { query: { status: filter, assignee_id: assignee || null } });
      setItems(r.data.items ?? []);
    } catch (e) {
      setError(describeError(e));
    }
  };
  useEffect(() => {
    void load();
  }, [filter, assignee]);

  const clientNames = useClientNames((items ?? []).map((x) => x.client_id).filter((x): x is number => x != null));
  const sorted = useMemo(() => [...(items ?? [])].sort((a, b) => a.due_at.localeCompare(b.due_at)), [items]);
  const saved = () => {
    setDialog(null);
    emit('task');
    void load();
  };

  return (
    <div class="page page-wide">
      <PageHeader
        title={t('tasks.title')}
        subtitle={lead ? t('tasks.subtitleLead') : t('tasks.subtitleMine')}
        actions={
          lead ? (
            <Button kind="primary" icon="plus" onClick={() => setDialog({ kind: 'new' })}>
              {t('tasks.new')}
            </Button>
          ) : undefined
        }
      />
      <div class="toolbar">
        <div class="segmented" role="radiogroup" aria-label={t('tasks.filter')}>
          {(['open', 'done', 'all'] as const).map((f) => (
            <button key={f} type="button" role="radio" aria-checked={filter === f ? 'true' : 'false'} class={filter === f ? 'seg is-on' : 'seg'} onClick={() => setFilter(f)}>
              {t(`tasks.filter.${f}`)}
            </button>
          ))}
        </div>
        {lead ? (
          <select class="filter" aria-label={t('tasks.col.assignee')} value={assignee} onChange={(e) => setAssignee(e.currentTarget.value)}>
            <option value="">{t('tasks.filter.anyone')}</option>
            {team.map((m) => (
              <option key={m.id} value={String(m.id)}>
                {m.name}
              </option>
            ))}
          </select>
        ) : null}
        <span class="toolbar-count">{items ? t('common.total', { n: items.length }) : null}</span>
      </div>
      {error ? <Alert>{error}</Alert> : null}
      {!items && !error ? <Loading /> : null}
      {items ? (
        <div class="table-wrap">
          <table class="table table-tasks">
            <thead>
              <tr>
                <th scope="col">{t('tasks.col.title')}</th>
                <th scope="col">{t('tasks.col.client')}</th>
                {lead ? <th scope="col">{t('tasks.col.assignee')}</th> : null}
                <th scope="col" class="col-date">
                  {t('tasks.col.due')}
                </th>
                <th scope="col" class="col-narrow">
                  {t('tasks.col.status')}
                </th>
                <th scope="col" class="col-actions">
                  <span class="sr-only">{t('users.col.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((x) => (
                <tr key={x.id} class={x.status !== 'open' ? 'is-inactive' : ''}>
                  <td class="cell-wrap">
                    <div class="strong">{x.title}</div>
                    {x.notes ? <div class="muted cell-sub">{x.notes}</div> : null}
                    {x.done_note ? (
                      <div class="cell-sub">
                        <Icon name="check" size={12} /> {x.done_note}
                      </div>
                    ) : null}
                  </td>
                  <td>
                    {x.client_id ? (
                      <a
                        href={`/clients/${x.client_id}`}
                        onClick={(e: MouseEvent) => {
                          e.preventDefault();
                          navigate(`/clients/${x.client_id}`);
                        }}
                      >
                        {clientNames.get(x.client_id) ?? `#${x.client_id}`}
                      </a>
                    ) : (
                      <span class="muted">{t('common.none')}</span>
                    )}
                  </td>
                  {lead ? <td>{nameOf(team, x.assignee_id) ?? `#${x.assignee_id}`}</td> : null}
                  <td class={x.overdue ? 'col-date is-overdue' : 'col-date'}>{x.status === 'done' && x.done_at ? t('tasks.doneAt', { date: fmtDate(x.done_at) }) : fmtDateTime(x.due_at)}</td>
                  <td class="col-narrow">
                    {x.overdue ? (
                      <Badge tone="danger">{t('tasks.overdue')}</Badge>
                    ) : (
                      <Badge tone={x.status === 'done' ? 'ok' : x.status === 'cancelled' ? 'muted' : 'neutral'}>{taskStatusName(x.status)}</Badge>
                    )}
                  </td>
                  <td class="col-actions">
                    {x.status === 'open' ? (
                      <div class="row-actions">
                        <Button small icon="check" label={t('tasks.completeNamed', { title: x.title })} onClick={() => setDialog({ kind: 'complete', task: x })}>
                          {t('tasks.complete')}
                        </Button>
                        {lead ? <Button small kind="ghost" icon="x" label={t('tasks.cancelNamed', { title: x.title })} onClick={() => setDialog({ kind: 'cancel', task: x })} /> : null}
                      </div>
                    ) : null}
                  </td>
                </tr>
              ))}
              {sorted.length === 0 ? (
                <EmptyRow cols={6} icon="tasks" title={t('tasks.empty')} />
              ) : null}
            </tbody>
          </table>
        </div>
      ) : null}
      {dialog?.kind === 'new' ? <NewTaskDialog user={user} onClose={() => setDialog(null)} onSaved={saved} /> : null}
      {dialog?.kind === 'complete' || dialog?.kind === 'cancel' ? (
        <CompleteDialog task={dialog.task} cancel={dialog.kind === 'cancel'} onClose={() => setDialog(null)} onSaved={saved} />
      ) : null}
    </div>
  );
}
