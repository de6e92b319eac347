// SPDX-License-Identifier: AGPL-3.0-or-later
// Users administration (admin only): table, create dialog, edit dialog
// (PATCH with If-Match from the ETag of GET /users/{id}; 412 → reload),
// deactivate/activate (PATCH active). Field errors come from problem+json.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, listAll, ROLES, type Department, type Role, type User } from '../api';
import { Alert, Badge, Button, CheckField, Dialog, Loading, PageHeader, SelectField, TextField, type Option } from '../components/ui';
import { Icon } from '../components/icons';
import { describeError, formErrors, NO_ERRORS, type FormErrors } from '../errors';
import { getLang, isLang, LANG_NAMES, LANGS, roleName, t } from '../i18n';
import { getState, toast, update, userLang } from '../state';

const USER_FIELDS = ['login', 'name', 'role', 'department_id', 'password', 'lang', 'active'] as const;

interface UserForm {
  login: string;
  name: string;
  role: Role;
  department_id: string;
  password: string;
  lang: string;
  active: boolean;
}

function formOf(u: User | null): UserForm {
  return {
    login: u?.login ?? '',
    name: u?.name ?? '',
    role: u?.role ?? 'manager',
    department_id: u?.department_id != null ? String(u.department_id) : '',
    password: '',
    // A user always has a language (en, lt, ru); a new one gets the admin's current one.
    lang: u && isLang(u.lang) ? u.lang : getLang(),
    active: u?.active ?? true,
  };
}

function deptOptions(depts: Department[]): Option[] {
  return [{ value: '', label: t('common.none') }, ...depts.map((d) => ({ value: String(d.id), label: d.name }))];
}

function langOptions(): Option[] {
  return LANGS.map((l) => ({ value: l, label: LANG_NAMES[l] }));
}

function UserDialog(props: { id: number | null; depts: Department[]; onClose: () => void; onSaved: (u: User) => void }) {
  const editing = props.id !== null;
  const [loaded, setLoaded] = useState<User | null>(null);
  const [etag, setEtag] = useState<string | null>(null);
  const [form, setForm] = useState<UserForm>(formOf(null));
  const [loading, setLoading] = useState(editing);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<FormErrors>(NO_ERRORS);

  const load = async () => {
    if (props.id === null) return;
    setLoading(true);
    setErr(NO_ERRORS);
    try {
      const res = await api.get<User>(`users/${props.id}`);
      setLoaded(res.data);
      setEtag(res.etag ?? `"${res.data.version}"`);
      setForm(formOf(res.data));
    } catch (e) {
      setErr({ form: describeError(e), fields: {}, stale: false });
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load();
  }, [props.id]);

  const set = <K extends keyof UserForm>(k: K) => (v: UserForm[K]) => setForm((f) => ({ ...f, [k]: v }));

  const submit = async () => {
    const missing: Record<string, string> = {};
    if (!form.login.trim()) missing.login = t('common.required');
    if (!form.name.trim()) missing.name = t('common.required');
    if (!editing && !form.password) missing.password = t('common.required');
    if (Object.keys(missing).length) {
      setErr({ form: null, fields: missing, stale: false });
      return;
    }
    const body: Record<string, unknown> = {};
    const dept = form.department_id ? Number(form.department_id) : null;
    const lang = isLang(form.lang) ? form.lang : null;
    if (!editing) {
      body.login = form.login.trim();
      body.name = form.name.trim();
      body.role = form.role;
      if (dept !== null) body.department_id = dept;
      body.password = form.password;
      if (lang) body.lang = lang;
    } else {
      const before = formOf(loaded);
      if (form.login.trim() !== before.login) body.login = form.login.trim();
      if (form.name.trim() !== before.name) body.name = form.name.trim();
      if (form.role !== before.role) body.role = form.role;
      if (form.department_id !== before.department_id) body.department_id = dept;
      if (form.lang !== before.lang && lang) body.lang = lang;
      if (form.active !== before.active) body.active = form.active;
      if (form.password) body.password = form.password;
      if (Object.keys(body).length === 0) {
        props.onClose();
        return;
      }
    }
    setBusy(true);
    setErr(NO_ERRORS);
    try {
      const res = editing
        ? await api.patch<User>(`users/${props.id}`, body, { ifMatch: etag })
        : await api.post<User>('users', body);
      props.onSaved(res.data);
    } catch (e) {
      setErr(formErrors(e, USER_FIELDS, 'login'));
    } finally {
      setBusy(false);
    }
  };

  const title = editing ? t('users.editTitle', { login: loaded?.login ?? '' }) : t('users.createTitle');
  return (
    <Dialog
      title={title}
      wide
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
        <div class="form-grid">
          <TextField label={t('users.col.login')} name="login" value={form.login} onValue={set('login')} required autoFocus={!editing} error={err.fields.login} maxLength={64} />
          <TextField label={t('users.col.name')} name="name" value={form.name} onValue={set('name')} required autoFocus={editing} error={err.fields.name} maxLength={200} />
          <SelectField
            label={t('users.col.role')}
            name="role"
            value={form.role}
            onValue={(v) => set('role')(v as Role)}
            options={ROLES.map((r) => ({ value: r, label: roleName(r) }))}
            error={err.fields.role}
          />
          <SelectField label={t('users.col.department')} name="department_id" value={form.department_id} onValue={set('department_id')} options={deptOptions(props.depts)} error={err.fields.department_id} />
          <TextField
            label={editing ? t('users.field.newPassword') : t('users.field.password')}
            name="password"
            type="password"
            value={form.password}
            onValue={set('password')}
            autoComplete="new-password"
            required={!editing}
            hint={editing ? t('users.field.newPasswordHint') : t('password.hint')}
            error={err.fields.password}
          />
          <SelectField label={t('users.field.lang')} name="lang" value={form.lang} onValue={set('lang')} options={langOptions()} error={err.fields.lang} />
          {editing ? <CheckField label={t('users.activeField')} name="active" checked={form.active} onValue={set('active')} error={err.fields.active} /> : null}
        </div>
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

function ActiveDialog(props: { user: User; onClose: () => void; onSaved: (u: User) => void }) {
  const { user } = props;
  const activate = !user.active;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      const cur = await api.get<User>(`users/${user.id}`);
      const res = await api.patch<User>(`users/${user.id}`, { active: activate }, { ifMatch: cur.etag ?? `"${cur.data.version}"` });
      props.onSaved(res.data);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={activate ? t('users.activate') : t('users.deactivateTitle')}
      onClose={props.onClose}
      footer={
        <>
          <Button onClick={props.onClose}>{t('common.cancel')}</Button>
          <Button kind={activate ? 'primary' : 'danger'} busy={busy} onClick={() => void go()}>
            {activate ? t('users.activate') : t('users.deactivate')}
          </Button>
        </>
      }
    >
      <p>{activate ? t('users.activateNamed', { login: user.login }) + '?' : t('users.deactivateConfirm', { name: user.name, login: user.login })}</p>
      {error ? <Alert>{error}</Alert> : null}
    </Dialog>
  );
}

type DialogState = { kind: 'create' } | { kind: 'edit'; id: number } | { kind: 'active'; user: User } | null;

export function Users() {
  const [users, setUsers] = useState<User[] | null>(null);
  const [depts, setDepts] = useState<Department[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<DialogState>(null);
  const [query, setQuery] = useState('');
  const [showInactive, setShowInactive] = useState(true);

  const load = async () => {
    setError(null);
    try {
      const [u, d] = await Promise.all([listAll<User>('users'), listAll<Department>('departments')]);
      setUsers(u);
      setDepts(d);
    } catch (e) {
      setError(describeError(e));
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const deptName = useMemo(() => new Map(depts.map((d) => [d.id, d.name])), [depts]);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (users ?? [])
      .filter((u) => showInactive || u.active)
      .filter((u) => !q || u.login.toLowerCase().includes(q) || u.name.toLowerCase().includes(q))
      .sort((a, b) => Number(b.active) - Number(a.active) || a.name.localeCompare(b.name));
  }, [users, query, showInactive]);

  const saved = (u: User, msg: string) => {
    setDialog(null);
    toast(msg);
    setUsers((list) => {
      const l = list ?? [];
      return l.some((x) => x.id === u.id) ? l.map((x) => (x.id === u.id ? u : x)) : [...l, u];
    });
    const me = getState().user;
    if (me && me.id === u.id) {
      const next = { ...me, ...u };
      update({ user: next, lang: userLang(next) });
    }
    void load();
  };

  return (
    <div class="page">
      <PageHeader
        title={t('users.title')}
        subtitle={t('users.subtitle')}
        actions={
          <Button kind="primary" icon="plus" onClick={() => setDialog({ kind: 'create' })}>
            {t('users.new')}
          </Button>
        }
      />
      <div class="toolbar">
        <div class="search">
          <label for="users-search" class="sr-only">
            {t('users.search')}
          </label>
          <Icon name="search" size={14} />
          <input id="users-search" type="search" placeholder={t('users.search')} value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        </div>
        <label class="toggle">
          <input type="checkbox" checked={showInactive} onChange={(e) => setShowInactive(e.currentTarget.checked)} />
          {t('users.showInactive')}
        </label>
        <span class="toolbar-count">{users ? t('common.total', { n: shown.length }) : null}</span>
      </div>
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
      {!users && !error ? <Loading /> : null}
      {users ? (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{t('users.col.login')}</th>
                <th scope="col">{t('users.col.name')}</th>
                <th scope="col">{t('users.col.role')}</th>
                <th scope="col">{t('users.col.department')}</th>
                <th scope="col" class="col-narrow hide-narrow">{t('users.col.lang')}</th>
                <th scope="col" class="col-narrow">{t('users.col.status')}</th>
                <th scope="col" class="col-actions">
                  <span class="sr-only">{t('users.col.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((u) => (
                <tr key={u.id} class={u.active ? '' : 'is-inactive'}>
                  <td class="mono">{u.login}</td>
                  <td class="strong">{u.name}</td>
                  <td>{roleName(u.role)}</td>
                  <td>{u.department_id != null ? (deptName.get(u.department_id) ?? `#${u.department_id}`) : <span class="muted">{t('common.none')}</span>}</td>
                  <td class="col-narrow hide-narrow">{isLang(u.lang) ? u.lang.toUpperCase() : <span class="muted">{t('common.none')}</span>}</td>
                  <td class="col-narrow">{u.active ? <Badge tone="ok">{t('users.active')}</Badge> : <Badge tone="muted">{t('users.inactive')}</Badge>}</td>
                  <td class="col-actions">
                    <div class="row-actions">
                      <Button small kind="ghost" icon="edit" label={t('users.editNamed', { login: u.login })} onClick={() => setDialog({ kind: 'edit', id: u.id })} />
                      <Button
                        small
                        kind="ghost"
                        icon={u.active ? 'userX' : 'userCheck'}
                        label={u.active ? t('users.deactivateNamed', { login: u.login }) : t('users.activateNamed', { login: u.login })}
                        onClick={() => setDialog({ kind: 'active', user: u })}
                      />
                    </div>
                  </td>
                </tr>
              ))}
              {shown.length === 0 ? (
                <tr>
                  <td colSpan={7} class="empty">
                    {t('users.empty')}
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      ) : null}

      {dialog?.kind === 'create' ? (
        <UserDialog id={null} depts={depts} onClose={() => setDialog(null)} onSaved={(u) => saved(u, t('users.created', { login: u.login }))} />
      ) : null}
      {dialog?.kind === 'edit' ? (
        <UserDialog id={dialog.id} depts={depts} onClose={() => setDialog(null)} onSaved={(u) => saved(u, t('users.saved', { login: u.login }))} />
      ) : null}
      {dialog?.kind === 'active' ? (
        <ActiveDialog
          user={dialog.user}
          onClose={() => setDialog(null)}
          onSaved={(u) => saved(u, u.active ? t('users.activated', { login: u.login }) : t('users.deactivated', { login: u.login }))}
        />
      ) : null}
    </div>
  );
}
