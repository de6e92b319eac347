// SPDX-License-Identifier: AGPL-3.0-or-later
// Departments administration (admin only): table (name, head, members),
// create, edit (head chosen from users; If-Match), delete (409 shown).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, listAll, type Department, type User } from '../api';
import { Alert, Button, Dialog, Loading, PageHeader, SelectField, TextField } from '../components/ui';
import { describeError, formErrors, NO_ERRORS, type FormErrors } from '../errors';
import { roleName, t } from '../i18n';
import { toast } from '../state';

const DEPT_FIELDS = ['name', 'head_id'] as const;

function DepartmentDialog(props: { id: number | null; users: User[]; onClose: () => void; onSaved: (d: Department, created: boolean) => void }) {
  const editing = props.id !== null;
  const [loaded, setLoaded] = useState<Department | null>(null);
  const [etag, setEtag] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [head, setHead] = useState('');
  const [loading, setLoading] = useState(editing);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<FormErrors>(NO_ERRORS);

  const load = async () => {
    if (props.id === null) return;
    setLoading(true);
    setErr(NO_ERRORS);
    try {
      const res = await api.get<Department>(`departments/${props.id}`);
      setLoaded(res.data);
      setEtag(res.etag ?? `"${res.data.version}"`);
      setName(res.data.name);
      setHead(res.data.head_id != null ? String(res.data.head_id) : '');
    } catch (e) {
      setErr({ form: describeError(e), fields: {}, stale: false });
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load();
  }, [props.id]);

  const headOptions = useMemo(() => {
    const current = loaded?.head_id ?? null;
    const list = props.users.filter((u) => u.active || u.id === current).sort((a, b) => a.name.localeCompare(b.name));
    return [{ value: '', label: t('departments.noHead') }, ...list.map((u) => ({ value: String(u.id), label: `${u.name} · ${roleName(u.role)}` }))];
  }, [props.users, loaded]);

  const submit = async () => {
    if (!name.trim()) {
      setErr({ form: null, fields: { name: t('common.required') }, stale: false });
      return;
    }
    const headId = head ? Number(head) : null;
    const body: Record<string, unknown> = {};
    if (!editing) {
      body.name = name.trim();
      if (headId !== null) body.head_id = headId;
    } else {
      if (name.trim() !== loaded?.name) body.name = name.trim();
      if (headId !== (loaded?.head_id ?? null)) body.head_id = headId;
      if (Object.keys(body).length === 0) {
        props.onClose();
        return;
      }
    }
    setBusy(true);
    setErr(NO_ERRORS);
    try {
      const res = editing
        ? await api.patch<Department>(`departments/${props.id}`, body, { ifMatch: etag })
        : await api.post<Department>('departments', body);
      props.onSaved(res.data, !editing);
    } catch (e) {
      setErr(formErrors(e, DEPT_FIELDS, 'name'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={editing ? t('departments.editTitle') : t('departments.createTitle')}
      onClose={props.onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={props.onClose}>{t('common.cancel')}</Button>
          <Button type="submit" kind="primary" busy={busy} disabled={loading || err.stale}>
            {editing ? t('common.save') : t('common.create')}
          </Button>
        </>
      }
    >
      {loading ? (
        <Loading />
      ) : (
        <>
          <TextField label={t('departments.field.name')} name="name" value={name} onValue={setName} required autoFocus error={err.fields.name} maxLength={200} />
          <SelectField label={t('departments.field.head')} name="head_id" value={head} onValue={setHead} options={headOptions} error={err.fields.head_id} />
        </>
      )}
      {err.form ? (
        <Alert>
          {err.form}
          {err.stale ? (
            <div class="alert-actions">
              <Button small icon="refresh" onClick={() => void load()}>
                {t('common.reload')}
              </Button>
            </div>
          ) : null}
        </Alert>
      ) : null}
    </Dialog>
  );
}

function DeleteDialog(props: { dept: Department; onClose: () => void; onDeleted: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      const cur = await api.get<Department>(`departments/${props.dept.id}`);
      await api.del(`departments/${props.dept.id}`, { ifMatch: cur.etag ?? `"${cur.data.version}"` });
      props.onDeleted();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={t('departments.deleteTitle')}
      onClose={props.onClose}
      footer={
        <>
          <Button onClick={props.onClose}>{t('common.cancel')}</Button>
          <Button kind="danger" icon="trash" busy={busy} onClick={() => void go()}>
            {t('common.delete')}
          </Button>
        </>
      }
    >
      <p>{t('departments.deleteConfirm', { name: props.dept.name })}</p>
      {error ? <Alert>{error}</Alert> : null}
    </Dialog>
  );
}

type DialogState = { kind: 'create' } | { kind: 'edit'; id: number } | { kind: 'delete'; dept: Department } | null;

export function Departments() {
  const [depts, setDepts] = useState<Department[] | null>(null);
  const [users, setUsers] = useState<User[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<DialogState>(null);

  const load = async () => {
    setError(null);
    try {
      const [d, u] = await Promise.all([listAll<Department>('departments'), listAll<User>('users')]);
      setDepts(d);
      setUsers(u);
    } catch (e) {
      setError(describeError(e));
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const userById = useMemo(() => new Map(users.map((u) => [u.id, u])), [users]);
  const members = useMemo(() => {
    const m = new Map<number, number>();
    for (const u of users) if (u.department_id != null && u.active) m.set(u.department_id, (m.get(u.department_id) ?? 0) + 1);
    return m;
  }, [users]);
  const sorted = useMemo(() => [...(depts ?? [])].sort((a, b) => a.name.localeCompare(b.name)), [depts]);

  const done = (msg: string) => {
    setDialog(null);
    toast(msg);
    void load();
  };

  return (
    <div class="page">
      <PageHeader
        title={t('departments.title')}
        subtitle={t('departments.subtitle')}
        actions={
          <Button kind="primary" icon="plus" onClick={() => setDialog({ kind: 'create' })}>
            {t('departments.new')}
          </Button>
        }
      />
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
      {!depts && !error ? <Loading /> : null}
      {depts ? (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{t('departments.col.name')}</th>
                <th scope="col">{t('departments.col.head')}</th>
                <th scope="col" class="col-num">{t('departments.col.members')}</th>
                <th scope="col" class="col-actions">
                  <span class="sr-only">{t('departments.col.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((d) => {
                const h = d.head_id != null ? userById.get(d.head_id) : undefined;
                return (
                  <tr key={d.id}>
                    <td class="strong">{d.name}</td>
                    <td>{h ? h.name : d.head_id != null ? `#${d.head_id}` : <span class="muted">{t('departments.noHead')}</span>}</td>
                    <td class="col-num">{members.get(d.id) ?? 0}</td>
                    <td class="col-actions">
                      <div class="row-actions">
                        <Button small kind="ghost" icon="edit" label={t('departments.editNamed', { name: d.name })} onClick={() => setDialog({ kind: 'edit', id: d.id })} />
                        <Button small kind="ghost" icon="trash" label={t('departments.deleteNamed', { name: d.name })} onClick={() => setDialog({ kind: 'delete', dept: d })} />
                      </div>
                    </td>
                  </tr>
                );
              })}
              {sorted.length === 0 ? (
                <tr>
                  <td colSpan={4} class="empty">
                    {t('departments.empty')}
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      ) : null}

      {dialog?.kind === 'create' || dialog?.kind === 'edit' ? (
        <DepartmentDialog
          key={dialog.kind === 'edit' ? dialog.id : 'new'}
          id={dialog.kind === 'edit' ? dialog.id : null}
          users={users}
          onClose={() => setDialog(null)}
          onSaved={(d, created) => done(created ? t('departments.created', { name: d.name }) : t('departments.saved', { name: d.name }))}
        />
      ) : null}
      {dialog?.kind === 'delete' ? (
        <DeleteDialog dept={dialog.dept} onClose={() => setDialog(null)} onDeleted={() => done(t('departments.deleted', { name: dialog.dept.name }))} />
      ) : null}
    </div>
  );
}
