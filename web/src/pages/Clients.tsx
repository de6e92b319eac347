// SPDX-License-Identifier: AGPL-3.0-or-later
// The client list: instant search (GET /api/v1/clients?q=, ~150 ms after the
// last key), filters (type, segment, status, owner, city, industry), sorting,
// keyset paging ("Load more" with next_cursor), the deleted cards (restore,
// heads and up), export (CSV, XLSX, vCard of the list as filtered) and the
// "New client" dialog (`n`). Keys: `/` focuses the search, arrows move the
// highlight, Enter opens the highlighted (or first) client.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, api, CLIENT_STATUSES, CLIENT_TYPES, SEGMENTS, type Client, type Page, type User } from '../api';
import { useDebounced } from '../components/ClientPicker';
import { FOCUS_SEARCH } from '../components/Frame';
import { Icon } from '../components/icons';
import { Alert, Badge, Button, Dialog, DropMenu, EmptyRow, Kbd, Loading, PageHeader } from '../components/ui';
import { describeError, formErrors, NO_ERRORS, type FormErrors } from '../errors';
import { fmtDate } from '../format';
import { t, tn } from '../i18n';
import { INDUSTRIES, industryName, segmentName, statusName, typeName } from '../labels';
import { can, LEADS } from '../nav';
import { getState, navigate, toast, useAppState } from '../state';
import { nameOf, owners, useTeam } from '../team';
import { checkForm, CLIENT_FIELDS, ClientFields, createBody, formFieldOf, formOf, type ClientForm } from './ClientForm';

interface Filters {
  q: string;
  type: string;
  segment: string;
  status: string;
  owner_id: string;
  city: string;
  industry: string;
  sort: string;
  deleted: boolean;
}

const SORTS = ['name', '-name', '-created', 'created', '-updated', 'updated'] as const;
const PAGE = 50;
/** Where the card's "All clients" link goes: the list as it was last filtered. */
export const LIST_URL = 'klientas:clients-url';

function filtersOf(search: string): Filters {
  const p = new URLSearchParams(search);
  const sort = p.get('sort') ?? 'name';
  return {
    q: p.get('q') ?? '',
    type: p.get('type') ?? '',
    segment: p.get('segment') ?? '',
    status: p.get('status') ?? '',
    owner_id: p.get('owner_id') ?? '',
    city: p.get('city') ?? '',
    industry: p.get('industry') ?? '',
    sort: (SORTS as readonly string[]).includes(sort) ? sort : 'name',
    deleted: p.get('deleted') === '1',
  };
}

function searchOf(f: Filters): string {
  const p = new URLSearchParams();
  if (f.q.trim()) p.set('q', f.q.trim());
  for (const k of ['type', 'segment', 'status', 'owner_id', 'city', 'industry'] as const) if (f[k]) p.set(k, f[k]);
  if (f.sort !== 'name') p.set('sort', f.sort);
  if (f.deleted) p.set('deleted', '1');
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** The API query of a filter set (the list's and the export's). */
function queryOf(f: Filters, q: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!f.deleted && q.trim()) out.q = q.trim();
  for (const k of ['type', 'segment', 'status', 'owner_id', 'city', 'industry'] as const) if (f[k]) out[k] = f[k];
  if (!q.trim() || f.deleted) out.sort = f.sort;
  if (f.deleted) out.deleted = '1';
  return out;
}

/** Client errors onto the form's fields (credit_limit.amount → credit_limit). */
export function clientErrors(e: unknown): FormErrors & { existingId: number | null } {
  const fe = formErrors(e, [...CLIENT_FIELDS, 'credit_limit.amount', 'credit_limit.currency'], 'company_code');
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(fe.fields)) fields[formFieldOf(k)] = v;
  const existingId = e instanceof ApiError && e.status === 409 ? (e.problem.existing_id ?? null) : null;
  return { ...fe, fields, existingId };
}

/** A column header that sorts the list: first click ascending (names) or
 *  newest first (dates), the next click the other way. */
function SortHead(props: { col: 'name' | 'created' | 'updated'; label: string; sort: string; disabled: boolean; onSort: (s: string) => void; cls?: string }) {
  const { col, sort } = props;
  const on = !props.disabled && (sort === col || sort === `-${col}`);
  const desc = sort === `-${col}`;
  const first = col === 'name' ? col : `-${col}`;
  const next = on ? (desc ? col : `-${col}`) : first;
  return (
    <th scope="col" class={props.cls} aria-sort={on ? (desc ? 'descending' : 'ascending') : undefined}>
      <button
        type="button"
        class={on ? 'sort-btn is-on' : 'sort-btn'}
        disabled={props.disabled}
        title={t(`clients.sort.${next.replace('-', 'desc_')}` as 'clients.sort.name')}
        onClick={() => props.onSort(next)}
      >
        {props.label}
        <Icon name={on && !desc ? 'chevronUp' : 'chevronDown'} size={12} class={on ? '' : 'sort-idle'} />
      </button>
    </th>
  );
}

function NewClientDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const team = useTeam(user.id);
  const lead = can(user.role, LEADS);
  const [form, setForm] = useState<ClientForm>(formOf(null, user.role === 'manager' || user.role === 'head' ? user.id : null));
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<FormErrors & { existingId: number | null }>({ ...NO_ERRORS, existingId: null });

  const set = (k: keyof ClientForm, v: string) => setForm((f) => ({ ...f, [k]: v }));
  const submit = async () => {
    const local = checkForm(form);
    if (Object.keys(local).length) {
      setErr({ form: null, fields: local, stale: false, existingId: null });
      return;
    }
    setBusy(true);
    setErr({ ...NO_ERRORS, existingId: null });
    try {
      const res = await api.post<Client>('clients', createBody(form, lead));
      toast(t('client.created', { name: res.data.name }));
      const warnings = res.data.warnings ?? [];
      if (warnings.length) sessionStorage.setItem(`klientas:warnings:${res.data.id}`, JSON.stringify(warnings));
      navigate(`/clients/${res.data.id}`);
    } catch (e) {
      setErr(clientErrors(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={t('client.newTitle')}
      wide
      class="dialog-xl"
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
      <ClientFields form={form} set={set} errors={err.fields} owners={lead ? owners(team) : null} existingId={err.existingId} creating />
      {err.form ? <Alert>{err.form}</Alert> : null}
    </Dialog>
  );
}

function RestoreButton({ client, onDone }: { client: Client; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  return (
    <Button
      small
      icon="undo"
      busy={busy}
      label={t('clients.restoreNamed', { name: client.name })}
      onClick={async () => {
        setBusy(true);
        try {
          await api.post<Client>(`clients/${client.id}/restore`);
          toast(t('clients.restored', { name: client.name }));
          onDone();
        } catch (e) {
          toast(describeError(e), 'error');
        } finally {
          setBusy(false);
        }
      }}
    >
      {t('clients.restore')}
    </Button>
  );
}

export function Clients({ user, creating }: { user: User; creating?: boolean }) {
  const st = useAppState();
  const team = useTeam(user.id);
  const lead = can(user.role, LEADS);
  const [f, setF] = useState<Filters>(() => filtersOf(st.search));
  const [cityText, setCityText] = useState(f.city);
  const [items, setItems] = useState<Client[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [hi, setHi] = useState(-1);
  const [reload, setReload] = useState(0);
  const searchRef = useRef<HTMLInputElement>(null);
  const q = useDebounced(f.q, 150);
  const city = useDebounced(cityText, 300);

  useEffect(() => {
    if (city !== f.city) setF((x) => ({ ...x, city }));
  }, [city]);

  // `/` pressed on another page: focus the search once here.
  useEffect(() => {
    if (sessionStorage.getItem(FOCUS_SEARCH)) {
      sessionStorage.removeItem(FOCUS_SEARCH);
      searchRef.current?.focus();
    }
  }, []);

  // The address follows the filters (back and reload keep them).
  useEffect(() => {
    if (getState().path !== '/clients') return;
    const s = searchOf({ ...f, q });
    sessionStorage.setItem(LIST_URL, `/clients${s}`);
    if (s !== location.search) {
      history.replaceState(null, '', `/clients${s}`);
    }
  }, [q, f.type, f.segment, f.status, f.owner_id, f.city, f.industry, f.sort, f.deleted]);

  const query = useMemo(() => queryOf(f, q), [q, f.type, f.segment, f.status, f.owner_id, f.city, f.industry, f.sort, f.deleted]);

  useEffect(() => {
    const ctl = new AbortController();
    setError(null);
    api
      .get<Page<Client>>('clients', { query: { ...query, limit: PAGE }, signal: ctl.signal })
      .then((r) => {
        setItems(r.data.items ?? []);
        setCursor(r.data.next_cursor);
        setHi(query.q ? 0 : -1);
      })
      .catch((e) => {
        if (!ctl.signal.aborted) setError(describeError(e));
      });
    return () => ctl.abort();
  }, [query, reload]);

  const loadMore = async () => {
    if (!cursor) return;
    setMore(true);
    try {
      const r = await api.get<Page<Client>>('clients', { query: { ...query, limit: PAGE, cursor } });
      setItems((list) => [...(list ?? []), ...(r.data.items ?? [])]);
      setCursor(r.data.next_cursor);
    } catch (e) {
      toast(describeError(e), 'error');
    } finally {
      setMore(false);
    }
  };

  const set = <K extends keyof Filters>(k: K, v: Filters[K]) => setF((x) => ({ ...x, [k]: v }));
  const filtered = !!(f.type || f.segment || f.status || f.owner_id || f.city || f.industry);
  const clear = () => {
    setCityText('');
    setF((x) => ({ ...x, type: '', segment: '', status: '', owner_id: '', city: '', industry: '' }));
  };
  const open = (c: Client | undefined) => c && navigate(`/clients/${c.id}`);
  const searching = !f.deleted && q.trim() !== '';

  const onSearchKey = (e: KeyboardEvent) => {
    const n = items?.length ?? 0;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (n) setHi((h) => (e.key === 'ArrowDown' ? Math.min(n - 1, h + 1) : Math.max(0, h - 1)));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      // Results for what is typed now (not a stale list): wait for the search.
      if (f.q.trim() === q.trim()) open(items?.[hi >= 0 ? hi : 0]);
    } else if (e.key === 'Escape' && f.q) {
      e.preventDefault();
      set('q', '');
    }
  };

  const exportHref = (format: string) => {
    const p = new URLSearchParams({ format, ...queryOf(f, q) });
    p.delete('deleted');
    return `/api/v1/exports/clients?${p.toString()}`;
  };

  const ownerList = owners(team);
  return (
    <div class="page page-wide">
      <PageHeader
        title={t('clients.title')}
        subtitle={t('clients.subtitle')}
        actions={
          <>
            <Button icon="upload" onClick={() => navigate('/clients/import')}>
              {t('clients.import')}
            </Button>
            <DropMenu
              label={t('clients.export')}
              icon="download"
              items={[
                { id: 'csv', label: t('export.csv'), icon: 'file', href: exportHref('csv'), download: true },
                { id: 'xlsx', label: t('export.xlsx'), icon: 'file', href: exportHref('xlsx'), download: true },
                { id: 'vcf', label: t('export.vcf'), icon: 'user', href: exportHref('vcf'), download: true },
              ]}
            />
            <Button kind="primary" icon="plus" onClick={() => navigate('/clients/new')} title={`${t('clients.new')} (N)`}>
              {t('clients.new')}
            </Button>
          </>
        }
      />
      <div class="toolbar toolbar-filters">
        <div class="search search-wide">
          <label for="clients-search" class="sr-only">
            {t('clients.searchLabel')}
          </label>
          <Icon name="search" size={14} />
          <input
            ref={searchRef}
            id="clients-search"
            type="search"
            placeholder={t('clients.search')}
            title={t('clients.searchTitle')}
            value={f.q}
            disabled={f.deleted}
            autoComplete="off"
            spellcheck={false}
            aria-keyshortcuts="/"
            aria-controls="clients-table"
            onInput={(e) => set('q', e.currentTarget.value)}
            onKeyDown={onSearchKey}
          />
          {!f.q ? <Kbd>/</Kbd> : null}
        </div>
        <select class="filter" aria-label={t('clients.col.type')} value={f.type} onChange={(e) => set('type', e.currentTarget.value)}>
          <option value="">{t('clients.filter.anyType')}</option>
          {CLIENT_TYPES.map((x) => (
            <option key={x} value={x}>
              {typeName(x)}
            </option>
          ))}
        </select>
        <select class="filter" aria-label={t('clients.col.segment')} value={f.segment} onChange={(e) => set('segment', e.currentTarget.value)}>
          <option value="">{t('clients.filter.anySegment')}</option>
          {SEGMENTS.map((x) => (
            <option key={x} value={x}>
              {segmentName(x)}
            </option>
          ))}
        </select>
        <select class="filter" aria-label={t('clients.col.status')} value={f.status} onChange={(e) => set('status', e.currentTarget.value)}>
          <option value="">{t('clients.filter.anyStatus')}</option>
          {CLIENT_STATUSES.map((x) => (
            <option key={x} value={x}>
              {statusName(x)}
            </option>
          ))}
        </select>
        {user.role !== 'manager' ? (
          <select class="filter" aria-label={t('clients.col.owner')} value={f.owner_id} onChange={(e) => set('owner_id', e.currentTarget.value)}>
            <option value="">{t('clients.filter.anyOwner')}</option>
            {ownerList.map((m) => (
              <option key={m.id} value={String(m.id)}>
                {m.name}
              </option>
            ))}
          </select>
        ) : null}
        <input
          class="filter filter-text"
          type="text"
          aria-label={t('clients.col.city')}
          placeholder={t('clients.col.city')}
          value={cityText}
          onInput={(e) => setCityText(e.currentTarget.value)}
          spellcheck={false}
        />
        <select class="filter" aria-label={t('clients.filter.industry')} value={f.industry} onChange={(e) => set('industry', e.currentTarget.value)}>
          <option value="">{t('clients.filter.anyIndustry')}</option>
          {[...INDUSTRIES]
            .map((x) => ({ x, l: industryName(x) }))
            .sort((a, b) => a.l.localeCompare(b.l))
            .map(({ x, l }) => (
              <option key={x} value={x}>
                {l}
              </option>
            ))}
        </select>
        {filtered ? (
          <Button small kind="ghost" icon="x" onClick={clear}>
            {t('clients.filter.clear')}
          </Button>
        ) : null}
        <span class="toolbar-spacer" />
        {lead ? (
          <label class="toggle">
            <input type="checkbox" checked={f.deleted} onChange={(e) => set('deleted', e.currentTarget.checked)} />
            {t('clients.showDeleted')}
          </label>
        ) : null}
      </div>

      {error ? (
        <Alert>
          {error}
          <div class="alert-actions">
            <Button small icon="refresh" onClick={() => setReload((n) => n + 1)}>
              {t('common.reload')}
            </Button>
          </div>
        </Alert>
      ) : null}
      {!items && !error ? <Loading /> : null}
      {items ? (
        <>
          <div class="table-wrap">
            <table class="table table-clients" id="clients-table" aria-label={t('clients.title')} aria-busy={f.q !== q ? 'true' : undefined}>
              <thead>
                <tr>
                  <SortHead col="name" label={t('clients.col.name')} sort={f.sort} disabled={searching} onSort={(v) => set('sort', v)} />
                  <th scope="col">{t('clients.col.code')}</th>
                  <th scope="col">{t('clients.col.city')}</th>
                  <th scope="col" class="hide-narrow">{t('clients.col.segment')}</th>
                  <th scope="col">{t('clients.col.status')}</th>
                  {user.role !== 'manager' ? <th scope="col" class="hide-narrow">{t('clients.col.owner')}</th> : null}
                  {f.deleted ? (
                    <th scope="col" class="col-date">
                      {t('clients.col.deleted')}
                    </th>
                  ) : (
                    <>
                      <SortHead col="created" label={t('clients.col.created')} sort={f.sort} disabled={searching} onSort={(v) => set('sort', v)} cls="col-date hide-narrow" />
                      <SortHead col="updated" label={t('clients.col.updated')} sort={f.sort} disabled={searching} onSort={(v) => set('sort', v)} cls="col-date" />
                    </>
                  )}
                  {f.deleted ? <th scope="col" class="col-actions"><span class="sr-only">{t('users.col.actions')}</span></th> : null}
                </tr>
              </thead>
              <tbody>
                {items.map((c, i) => (
                  <tr
                    key={c.id}
                    class={[i === hi ? 'is-hi' : '', f.deleted ? 'is-inactive' : 'is-link'].join(' ')}
                    aria-selected={i === hi ? 'true' : undefined}
                    onClick={(e: MouseEvent) => {
                      if (f.deleted || (e.target as HTMLElement).closest('a,button')) return;
                      open(c);
                    }}
                  >
                    <td class="strong cell-name">
                      {f.deleted ? (
                        c.name
                      ) : (
                        <a
                          href={`/clients/${c.id}`}
                          class="row-link"
                          onClick={(e: MouseEvent) => {
                            if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
                            e.preventDefault();
                            open(c);
                          }}
                        >
                          {c.name}
                        </a>
                      )}
                      {!c.issued && !f.deleted ? (
                        <span class="dot-warn" title={t('client.notIssued')} aria-label={t('client.notIssued')} />
                      ) : null}
                    </td>
                    <td class="mono">{c.company_code ?? <span class="muted">{t('common.none')}</span>}</td>
                    <td>{c.city ?? <span class="muted">{t('common.none')}</span>}</td>
                    <td class="hide-narrow" title={typeName(c.type)}>
                      {segmentName(c.segment)}
                      {c.type === 'retail' ? <span class="muted"> · {typeName(c.type)}</span> : null}
                    </td>
                    <td>
                      <Badge tone={c.status === 'active' ? 'ok' : c.status === 'lost' ? 'muted' : 'accent'}>{statusName(c.status)}</Badge>
                    </td>
                    {user.role !== 'manager' ? <td class="hide-narrow">{nameOf(team, c.owner_id) ?? <span class="muted">{c.owner_id ? `#${c.owner_id}` : t('common.none')}</span>}</td> : null}
                    {f.deleted ? (
                      <td class="col-date muted">{fmtDate(c.deleted_at)}</td>
                    ) : (
                      <>
                        <td class="col-date muted hide-narrow">{fmtDate(c.created_at)}</td>
                        <td class="col-date muted">{fmtDate(c.updated_at)}</td>
                      </>
                    )}
                    {f.deleted ? (
                      <td class="col-actions">
                        <RestoreButton client={c} onDone={() => setReload((n) => n + 1)} />
                      </td>
                    ) : null}
                  </tr>
                ))}
                {items.length === 0 ? (
                  <EmptyRow cols={8} title={f.deleted ? t('clients.emptyDeleted') : t('clients.empty')}>{f.deleted ? null : t('clients.emptyHint')}</EmptyRow>
                ) : null}
              </tbody>
            </table>
          </div>
          <div class="list-foot">
            <span class="muted">
              {searching ? t('clients.searchNote') : cursor ? tn('clients.shownMore', items.length) : tn('clients.shown', items.length)}
            </span>
            {cursor ? (
              <Button busy={more} onClick={() => void loadMore()} icon="chevronDown">
                {t('common.loadMore')}
              </Button>
            ) : null}
            <span class="list-keys">
              <Kbd>/</Kbd> {t('keys.search.short')} · <Kbd>↑</Kbd>
              <Kbd>↓</Kbd> <Kbd>Enter</Kbd> {t('keys.open.short')} · <Kbd>N</Kbd> {t('keys.new.short')}
            </span>
          </div>
        </>
      ) : null}
      {creating ? <NewClientDialog user={user} onClose={() => navigate(`/clients${searchOf({ ...f, q })}`)} /> : null}
    </div>
  );
}
