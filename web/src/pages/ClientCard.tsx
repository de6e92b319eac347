// SPDX-License-Identifier: AGPL-3.0-or-later
// The client card: its fields (view; edit with inline errors, If-Match from
// the ETag, a 412 names who changed it and reloads without losing what was
// typed), the "issued" state and what is missing, contacts (add, edit,
// delete), the timeline of activities (log one), the history of changes
// (who changed which field from what to what, when), owner change (heads and
// up) and delete.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, api, etagOf, type Activity, type Client, type Contact, type HistoryEntry, type Page, type User } from '../api';
import { Icon, type IconName } from '../components/icons';
import { Alert, Badge, Button, CheckField, Chip, Dialog, DropMenu, Empty, Loading, SelectField, Tabs, TextArea, TextField } from '../components/ui';
import { describeError, formErrors, NO_ERRORS, type FormErrors } from '../errors';
import { fmtDate, fmtDateTime, fmtMoney, fmtPhone, fmtTime } from '../format';
import { hasKey, LANG_NAMES, LANGS, t } from '../i18n';
import {
  activityReasonName,
  activityTypeName,
  countryName,
  fieldName,
  industryName,
  outcomeName,
  priceTypeName,
  segmentName,
  sourceName,
  statusName,
  typeName,
} from '../labels';
import { can, LEADS } from '../nav';
import { navigate, openQuickLog, toast, useDataEvent } from '../state';
import { nameOf, owners, useActivityReasons, useTeam } from '../team';
import { clientErrors, LIST_URL } from './Clients';
import { changedKeys, checkForm, ClientFields, formOf, lastChange, patchBody, rebase, type ClientForm } from './ClientForm';

type Tab = 'overview' | 'timeline' | 'history';

function none() {
  return <span class="muted">{t('common.none')}</span>;
}

function Prop({ label, children, missing }: { label: string; children: preact.ComponentChildren; missing?: boolean }) {
  return (
    <>
      <dt class={missing ? 'is-missing' : undefined}>{label}</dt>
      <dd class={missing ? 'is-missing' : undefined}>{children}</dd>
    </>
  );
}

// ---- owner, delete ----

function OwnerDialog({ user, client, onClose, onSaved }: { user: User; client: Client; onClose: () => void; onSaved: (c: Client, etag: string | null) => void }) {
  const team = useTeam(user.id);
  const [owner, setOwner] = useState(client.owner_id != null ? String(client.owner_id) : '');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<FormErrors>(NO_ERRORS);
  const submit = async () => {
    if (!owner) {
      setErr({ form: null, fields: { owner_id: t('common.required') }, stale: false });
      return;
    }
    setBusy(true);
    setErr(NO_ERRORS);
    try {
      const res = await api.patch<Client>(`clients/${client.id}`, { owner_id: Number(owner) }, { ifMatch: etagOf(client) });
      toast(t('card.ownerChanged', { name: nameOf(team, Number(owner)) ?? owner }));
      onSaved(res.data, res.etag);
    } catch (e) {
      setErr(formErrors(e, ['owner_id']));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={t('card.ownerTitle')}
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" kind="primary" busy={busy}>
            {t('common.save')}
          </Button>
        </>
      }
    >
      <p>{client.name}</p>
      <SelectField
        label={fieldName('client', 'owner_id')}
        name="owner_id"
        value={owner}
        onValue={setOwner}
        options={[{ value: '', label: t('common.none') }, ...owners(team).map((m) => ({ value: String(m.id), label: m.name }))]}
        error={err.fields.owner_id}
      />
      {err.form ? <Alert>{err.form}</Alert> : null}
    </Dialog>
  );
}

function DeleteDialog({ client, onClose }: { client: Client; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.del(`clients/${client.id}`, { ifMatch: etagOf(client) });
      toast(t('card.deleted', { name: client.name }));
      navigate('/clients');
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={t('card.delete')}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button kind="danger" busy={busy} onClick={() => void go()}>
            {t('common.delete')}
          </Button>
        </>
      }
    >
      <p>{t('card.deleteConfirm', { name: client.name })}</p>
      {error ? <Alert>{error}</Alert> : null}
    </Dialog>
  );
}

// ---- contacts ----

interface ContactForm {
  name: string;
  position: string;
  decision_maker: boolean;
  phones: string[];
  emails: string[];
  birthday: string;
  lang: string;
  notes: string;
}

function contactForm(k: Contact | null): ContactForm {
  return {
    name: k?.name ?? '',
    position: k?.position ?? '',
    decision_maker: k?.decision_maker ?? false,
    phones: k?.phones.length ? [...k.phones] : [''],
    emails: k?.emails.length ? [...k.emails] : [''],
    birthday: k?.birthday ?? '',
    lang: k?.lang ?? '',
    notes: k?.notes ?? '',
  };
}

const CONTACT_FIELDS = [
  'name', 'position', 'decision_maker', 'phones', 'emails', 'birthday', 'lang', 'notes',
  ...Array.from({ length: 10 }, (_, i) => `phones[${i}]`),
  ...Array.from({ length: 10 }, (_, i) => `emails[${i}]`),
];

function ListField(props: { label: string; name: 'phones' | 'emails'; values: string[]; onValues: (v: string[]) => void; errors: Record<string, string>; addLabel: string; type: 'tel' | 'email' }) {
  const { values, name } = props;
  return (
    <fieldset class={props.errors[name] ? 'field list-field has-error' : 'field list-field'} data-field={name}>
      <legend>{props.label}</legend>
      {values.map((v, i) => {
        const e = props.errors[`${name}[${i}]`];
        return (
          <div class={e ? 'list-row has-error' : 'list-row'} key={i} data-field={`${name}[${i}]`}>
            <input
              type={props.type as 'text'}
              value={v}
              aria-label={`${props.label} ${i + 1}`}
              aria-invalid={e ? 'true' : undefined}
              autoComplete="off"
              onInput={(ev) => props.onValues(values.map((x, j) => (j === i ? ev.currentTarget.value : x)))}
            />
            <Button small kind="ghost" icon="x" label={t('contacts.removeItem')} onClick={() => props.onValues(values.length > 1 ? values.filter((_, j) => j !== i) : [''])} />
            {e ? (
              <p class="field-error">
                <Icon name="alert" size={13} />
                <span>{e}</span>
              </p>
            ) : null}
          </div>
        );
      })}
      {values.length < 10 ? (
        <button type="button" class="link-btn" onClick={() => props.onValues([...values, ''])}>
          <Icon name="plus" size={13} />
          {props.addLabel}
        </button>
      ) : null}
      {props.errors[name] ? <p class="field-error">{props.errors[name]}</p> : null}
    </fieldset>
  );
}

function ContactDialog({ client, contact, onClose, onSaved }: { client: Client; contact: Contact | null; onClose: () => void; onSaved: () => void }) {
  const [base, setBase] = useState<Contact | null>(contact);
  const [form, setForm] = useState<ContactForm>(contactForm(contact));
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<FormErrors>(NO_ERRORS);
  const set = <K extends keyof ContactForm>(k: K) => (v: ContactForm[K]) => setForm((f) => ({ ...f, [k]: v }));

  const submit = async () => {
    if (!form.name.trim()) {
      setErr({ form: null, fields: { name: t('common.required') }, stale: false });
      return;
    }
    const body = {
      name: form.name.trim(),
      position: form.position.trim() || null,
      decision_maker: form.decision_maker,
      phones: form.phones.map((x) => x.trim()).filter(Boolean),
      emails: form.emails.map((x) => x.trim()).filter(Boolean),
      birthday: form.birthday || null,
      lang: form.lang || null,
      notes: form.notes.trim() || null,
    };
    setBusy(true);
    setErr(NO_ERRORS);
    try {
      if (base) await api.patch<Contact>(`contacts/${base.id}`, body, { ifMatch: etagOf(base) });
      else await api.post<Contact>(`clients/${client.id}/contacts`, body);
      toast(t(base ? 'contacts.saved' : 'contacts.created', { name: body.name }));
      onSaved();
    } catch (e) {
      // Phone and e-mail errors name the item ("phones[1]"): the empty rows were left out.
      const fe = formErrors(e, CONTACT_FIELDS);
      const remap = (list: string[], key: 'phones' | 'emails') => {
        const idx = list.map((x, i) => (x.trim() ? i : -1)).filter((i) => i >= 0);
        for (const [f, msg] of Object.entries(fe.fields)) {
          const m = new RegExp(`^${key}\\[(\\d+)\\]$`).exec(f);
          if (m) {
            delete fe.fields[f];
            fe.fields[`${key}[${idx[Number(m[1])] ?? 0}]`] = msg;
          }
        }
      };
      remap(form.phones, 'phones');
      remap(form.emails, 'emails');
      if (fe.stale && e instanceof ApiError && e.problem.current) setBase(e.problem.current as Contact);
      setErr(fe);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={contact ? t('contacts.editTitle') : t('contacts.addTitle')}
      wide
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" kind="primary" busy={busy}>
            {contact ? t('common.save') : t('common.create')}
          </Button>
        </>
      }
    >
      <div class="form-grid">
        <TextField label={fieldName('contact', 'name')} name="name" value={form.name} onValue={set('name')} required autoFocus error={err.fields.name} maxLength={200} />
        <TextField label={fieldName('contact', 'position')} name="position" value={form.position} onValue={set('position')} error={err.fields.position} maxLength={200} />
        <ListField label={fieldName('contact', 'phones')} name="phones" type="tel" values={form.phones} onValues={set('phones')} errors={err.fields} addLabel={t('contacts.addPhone')} />
        <ListField label={fieldName('contact', 'emails')} name="emails" type="email" values={form.emails} onValues={set('emails')} errors={err.fields} addLabel={t('contacts.addEmail')} />
        <TextField label={fieldName('contact', 'birthday')} name="birthday" type="date" value={form.birthday} onValue={set('birthday')} error={err.fields.birthday} />
        <SelectField
          label={fieldName('contact', 'lang')}
          name="lang"
          value={form.lang}
          onValue={set('lang')}
          options={[{ value: '', label: t('contacts.langNone') }, ...LANGS.map((l) => ({ value: l, label: LANG_NAMES[l] }))]}
          error={err.fields.lang}
        />
        <CheckField label={t('contacts.decisionMaker')} name="decision_maker" checked={form.decision_maker} onValue={set('decision_maker')} error={err.fields.decision_maker} />
        <div class="span-2">
          <TextArea label={fieldName('contact', 'notes')} name="notes" value={form.notes} onValue={set('notes')} rows={2} error={err.fields.notes} maxLength={10000} />
        </div>
      </div>
      {err.form ? <Alert>{err.stale ? t('contacts.stale') : err.form}</Alert> : null}
    </Dialog>
  );
}

function DeleteContactDialog({ contact, onClose, onDone }: { contact: Contact; onClose: () => void; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const go = async () => {
    setBusy(true);
    try {
      await api.del(`contacts/${contact.id}`, { ifMatch: etagOf(contact) });
      toast(t('contacts.deleted', { name: contact.name }));
      onDone();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={t('contacts.deleteTitle')}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button kind="danger" busy={busy} onClick={() => void go()}>
            {t('common.delete')}
          </Button>
        </>
      }
    >
      <p>{t('contacts.deleteConfirm', { name: contact.name })}</p>
      {error ? <Alert>{error}</Alert> : null}
    </Dialog>
  );
}

function Contacts({ client, contacts, onChanged }: { client: Client; contacts: Contact[] | null; onChanged: () => void }) {
  const [dialog, setDialog] = useState<{ kind: 'edit'; contact: Contact | null } | { kind: 'delete'; contact: Contact } | null>(null);
  const done = () => {
    setDialog(null);
    onChanged();
  };
  return (
    <section class="panel" aria-labelledby="contacts-h">
      <header class="panel-head">
        <h2 id="contacts-h">
          {t('contacts.title')}
          {contacts ? <span class="count">{contacts.length}</span> : null}
        </h2>
        <Button small icon="plus" onClick={() => setDialog({ kind: 'edit', contact: null })}>
          {t('contacts.add')}
        </Button>
      </header>
      {!contacts ? <Loading /> : null}
      {contacts && contacts.length === 0 ? <p class="panel-empty">{t('contacts.empty')}</p> : null}
      <ul class="contacts">
        {(contacts ?? []).map((k) => (
          <li key={k.id} class="contact" aria-label={k.name}>
            <div class="contact-head">
              <span class="avatar avatar-sm" aria-hidden="true">
                {k.name
                  .split(/\s+/)
                  .map((w) => w[0])
                  .slice(0, 2)
                  .join('')
                  .toUpperCase()}
              </span>
              <div class="contact-name">
                <strong>{k.name}</strong>
                {k.position ? <span class="muted">{k.position}</span> : null}
                {k.decision_maker ? (
                  <span>
                    <Chip tone="accent" title={t('contacts.decisionMaker')}>
                      <Icon name="star" size={11} />
                      {t('contacts.decisionMakerShort')}
                    </Chip>
                  </span>
                ) : null}
              </div>
              <div class="row-actions">
                <Button small kind="ghost" icon="edit" label={t('contacts.editNamed', { name: k.name })} onClick={() => setDialog({ kind: 'edit', contact: k })} />
                <Button small kind="ghost" icon="trash" label={t('contacts.deleteNamed', { name: k.name })} onClick={() => setDialog({ kind: 'delete', contact: k })} />
              </div>
            </div>
            <ul class="contact-lines">
              {k.phones.map((p) => (
                <li key={p}>
                  <Icon name="phone" size={13} />
                  <a href={`tel:${p}`}>{fmtPhone(p)}</a>
                </li>
              ))}
              {k.emails.map((m) => (
                <li key={m}>
                  <Icon name="mail" size={13} />
                  <a href={`mailto:${m}`}>{m}</a>
                </li>
              ))}
              {k.birthday ? (
                <li>
                  <Icon name="gift" size={13} />
                  {fmtDate(k.birthday)}
                </li>
              ) : null}
              {k.lang ? (
                <li>
                  <Icon name="globe" size={13} />
                  {LANG_NAMES[k.lang as 'en'] ?? k.lang}
                </li>
              ) : null}
            </ul>
            {k.notes ? <p class="contact-notes">{k.notes}</p> : null}
          </li>
        ))}
      </ul>
      {dialog?.kind === 'edit' ? <ContactDialog client={client} contact={dialog.contact} onClose={() => setDialog(null)} onSaved={done} /> : null}
      {dialog?.kind === 'delete' ? <DeleteContactDialog contact={dialog.contact} onClose={() => setDialog(null)} onDone={done} /> : null}
    </section>
  );
}

// ---- overview (view and edit) ----

function Details({ client, user }: { client: Client; user: User }) {
  const team = useTeam(user.id);
  const missing = new Set(client.missing);
  const v = (x: string | null | undefined) => (x ? x : none());
  return (
    <div class="details">
      <section class="panel">
        <h2 class="panel-title">{t('card.section.company')}</h2>
        <dl class="props props-4">
          <Prop label={fieldName('client', 'company_code')} missing={missing.has('company_code')}>
            {client.company_code ? <span class="mono">{client.company_code}</span> : none()}
          </Prop>
          <Prop label={fieldName('client', 'vat_code')}>{client.vat_code ? <span class="mono">{client.vat_code}</span> : none()}</Prop>
          <Prop label={fieldName('client', 'country')}>{countryName(client.country)}</Prop>
          <Prop label={fieldName('client', 'type')}>{typeName(client.type)}</Prop>
          <Prop label={fieldName('client', 'segment')}>{segmentName(client.segment)}</Prop>
          <Prop label={fieldName('client', 'industry')} missing={missing.has('industry')}>
            {client.industry ? industryName(client.industry) : none()}
          </Prop>
          <Prop label={fieldName('client', 'source')}>{client.source ? sourceName(client.source) : none()}</Prop>
          <Prop label={fieldName('client', 'owner_id')} missing={missing.has('owner_id')}>
            {client.owner_id ? (nameOf(team, client.owner_id) ?? (client.owner_id === user.id ? user.name : `#${client.owner_id}`)) : none()}
          </Prop>
        </dl>
      </section>
      <section class="panel">
        <h2 class="panel-title">{t('card.section.reach')}</h2>
        <dl class="props props-4">
          <Prop label={fieldName('client', 'city')} missing={missing.has('city')}>
            {v(client.city)}
          </Prop>
          <Prop label={fieldName('client', 'address')} missing={missing.has('address')}>
            {v(client.address)}
          </Prop>
          <Prop label={fieldName('client', 'delivery_address')}>{v(client.delivery_address)}</Prop>
          <Prop label={fieldName('client', 'phone')}>{client.phone ? <a href={`tel:${client.phone}`}>{fmtPhone(client.phone)}</a> : none()}</Prop>
          <Prop label={fieldName('client', 'email')}>{client.email ? <a href={`mailto:${client.email}`}>{client.email}</a> : none()}</Prop>
          <Prop label={fieldName('client', 'website')}>
            {client.website ? (
              <a href={/^https?:\/\//.test(client.website) ? client.website : `https://${client.website}`} target="_blank" rel="noopener noreferrer">
                {client.website}
              </a>
            ) : (
              none()
            )}
          </Prop>
        </dl>
      </section>
      <section class="panel">
        <h2 class="panel-title">{t('card.section.terms')}</h2>
        <dl class="props props-4">
          <Prop label={fieldName('client', 'price_type')} missing={missing.has('price_type')}>
            {client.price_type ? priceTypeName(client.price_type) : none()}
          </Prop>
          <Prop label={fieldName('client', 'payment_terms_days')} missing={missing.has('payment_terms_days')}>
            {client.payment_terms_days != null ? t('card.days', { n: client.payment_terms_days }) : none()}
          </Prop>
          <Prop label={fieldName('client', 'credit_limit')}>
            <span class="num">{fmtMoney(client.credit_limit)}</span>
          </Prop>
          <Prop label={fieldName('client', 'receivables')}>{client.receivables ? String(client.receivables) : <span class="muted">{t('card.noReceivables')}</span>}</Prop>
          {client.contract_terms ? <Prop label={fieldName('client', 'contract_terms')}>{client.contract_terms}</Prop> : null}
        </dl>
      </section>
      {client.notes ? (
        <section class="panel">
          <h2 class="panel-title">{fieldName('client', 'notes')}</h2>
          <p class="notes">{client.notes}</p>
        </section>
      ) : null}
    </div>
  );
}

interface StaleInfo {
  who: string | null;
  at: string | null;
  fields: string[];
  current: Client;
}

function EditForm({ client, onCancel, onSaved }: { client: Client; onCancel: () => void; onSaved: (c: Client) => void }) {
  const [base, setBase] = useState<Client>(client);
  const [form, setForm] = useState<ClientForm>(formOf(client));
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<FormErrors & { existingId: number | null }>({ ...NO_ERRORS, existingId: null });
  const [stale, setStale] = useState<StaleInfo | null>(null);
  const [rebased, setRebased] = useState(false);
  const set = (k: keyof ClientForm, v: string) => setForm((f) => ({ ...f, [k]: v }));

  const submit = async () => {
    const local = checkForm(form);
    if (Object.keys(local).length) {
      setErr({ form: null, fields: local, stale: false, existingId: null });
      return;
    }
    const body = patchBody(form, formOf(base));
    if (Object.keys(body).length === 0) {
      onCancel();
      return;
    }
    setBusy(true);
    setErr({ ...NO_ERRORS, existingId: null });
    try {
      const res = await api.patch<Client>(`clients/${client.id}`, body, { ifMatch: etagOf(base) });
      toast(t('card.saved'));
      onSaved(res.data);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412 && e.problem.current) {
        const current = e.problem.current as Client;
        const who = await lastChange(client.id);
        const theirs = changedKeys(formOf(current), formOf(base)).map((k) => (k === 'credit_amount' || k === 'credit_currency' ? 'credit_limit' : k));
        setStale({ who: who?.name ?? null, at: who?.at ?? current.updated_at, fields: [...new Set(theirs)], current });
        setRebased(false);
      } else setErr(clientErrors(e));
    } finally {
      setBusy(false);
    }
  };

  const takeTheirs = () => {
    if (!stale) return;
    setForm(rebase(form, formOf(base), formOf(stale.current)));
    setBase(stale.current);
    setStale(null);
    setRebased(true);
  };

  return (
    <form
      class="panel edit-panel"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e: KeyboardEvent) => {
        if (e.key === 'Escape' && !stale) {
          const el = e.target as HTMLInputElement;
          if (!('value' in el) || !el.value) onCancel();
        }
      }}
    >
      {stale ? (
        <div class="alert alert-warn" role="alert">
          <Icon name="alert" size={15} />
          <div>
            <strong>{t('card.stale.title')}</strong>
            <p>
              {t('card.stale.by', {
                name: stale.who ?? t('history.system'),
                time: fmtDateTime(stale.at),
                fields: stale.fields.length ? stale.fields.map((f) => fieldName('client', f)).join(', ') : t('common.none'),
              })}
            </p>
            <p>{t('card.stale.keep')}</p>
            <div class="alert-actions">
              <Button small kind="primary" icon="refresh" onClick={takeTheirs}>
                {t('card.stale.reload')}
              </Button>
            </div>
          </div>
        </div>
      ) : null}
      {rebased ? <Alert kind="info">{t('card.stale.rebased')}</Alert> : null}
      <ClientFields form={form} set={set} errors={err.fields} existingId={err.existingId} owners={null} />
      {err.form ? <Alert>{err.form}</Alert> : null}
      <div class="form-actions">
        <Button onClick={onCancel}>{t('common.cancel')}</Button>
        <Button type="submit" kind="primary" busy={busy} disabled={!!stale}>
          {t('common.save')}
        </Button>
      </div>
    </form>
  );
}

// ---- timeline ----

const ACTIVITY_ICON: Record<string, IconName> = {
  call: 'phone',
  email: 'mail',
  offer_email: 'mail',
  offer_phone: 'phone',
  meeting: 'users',
  visit: 'mapPin',
  greeting: 'gift',
  note: 'note',
};

function Timeline({ user, client }: { user: User; client: Client }) {
  const team = useTeam(user.id);
  const reasons = useActivityReasons();
  const [items, setItems] = useState<Activity[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [contacts, setContacts] = useState<Contact[]>([]);

  const load = useCallback(async () => {
    try {
      const [a, k] = await Promise.all([
        api.get<Page<Activity>>('activities', { query: { client_id: client.id, limit: 50 } }),
        api.get<Page<Contact>>(`clients/${client.id}/contacts`),
      ]);
      setItems(a.data.items ?? []);
      setCursor(a.data.next_cursor);
      setContacts(k.data.items ?? []);
    } catch (e) {
      setError(describeError(e));
    }
  }, [client.id]);
  useEffect(() => {
    void load();
  }, [load]);
  useDataEvent('activity', load);

  const more = async () => {
    if (!cursor) return;
    const a = await api.get<Page<Activity>>('activities', { query: { client_id: client.id, limit: 50, cursor } });
    setItems((l) => [...(l ?? []), ...(a.data.items ?? [])]);
    setCursor(a.data.next_cursor);
  };

  return (
    <section class="panel">
      <header class="panel-head">
        <h2>{t('card.tab.timeline')}</h2>
        <Button small kind="primary" icon="plus" onClick={() => openQuickLog({ client: { id: client.id, name: client.name } })}>
          {t('timeline.log')}
        </Button>
      </header>
      {error ? <Alert>{error}</Alert> : null}
      {!items && !error ? <Loading /> : null}
      {items && items.length === 0 ? (
        <Empty icon="clock" title={t('timeline.empty')}>
          {t('timeline.emptyHint')}
        </Empty>
      ) : null}
      <ol class="timeline">
        {(items ?? []).map((a) => {
          const contact = contacts.find((k) => k.id === a.contact_id);
          return (
            <li key={a.id} class="tl-item">
              <span class={`tl-icon tl-${a.type}`} aria-hidden="true">
                <Icon name={ACTIVITY_ICON[a.type] ?? 'note'} size={14} />
              </span>
              <div class="tl-body">
                <div class="tl-head">
                  <strong>{activityTypeName(a.type)}</strong>
                  <span class="muted">{t(a.direction === 'in' ? 'activity.in' : 'activity.out')}</span>
                  {a.outcome ? <Chip tone={a.outcome === 'no_answer' || a.outcome === 'wrong_number' || a.outcome === 'not_interested' ? 'muted' : 'ok'}>{outcomeName(a.outcome)}</Chip> : null}
                  {a.callback_at ? <Chip tone="warn">{t('timeline.callback', { time: fmtDateTime(a.callback_at) })}</Chip> : null}
                  <span class="tl-when">
                    <time dateTime={a.at}>{fmtDateTime(a.at)}</time>
                  </span>
                </div>
                <div class="tl-meta">
                  {nameOf(team, a.user_id) ?? (a.user_id === user.id ? user.name : null)}
                  {contact ? ` · ${contact.name}` : ''}
                  {a.duration_s ? ` · ${t('timeline.minutes', { n: Math.max(1, Math.round(a.duration_s / 60)) })}` : ''}
                  {a.reason ? ` · ${activityReasonName(reasons, a.reason)}` : ''}
                </div>
                {a.notes ? <p class="tl-notes">{a.notes}</p> : null}
              </div>
            </li>
          );
        })}
      </ol>
      {cursor ? (
        <div class="list-foot">
          <Button onClick={() => void more()}>{t('common.loadMore')}</Button>
        </div>
      ) : null}
    </section>
  );
}

// ---- history ----

function showValue(field: string, v: unknown, team: ReturnType<typeof useTeam>): string {
  if (v === null || v === undefined || v === '') return t('common.none');
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  if (Array.isArray(v)) return v.length ? v.map((x) => (field === 'phones' ? fmtPhone(String(x)) : String(x))).join(', ') : t('common.none');
  if (field === 'phone') return fmtPhone(String(v));
  if (field === 'credit_limit' && typeof v === 'object') return fmtMoney(v as { amount: number; currency: string });
  if (field === 'owner_id' || field === 'user_id') return nameOf(team, Number(v)) ?? `#${String(v)}`;
  if (field === 'type') return typeName(String(v));
  if (field === 'segment') return segmentName(String(v));
  if (field === 'status') return statusName(String(v));
  if (field === 'industry') return industryName(String(v));
  if (field === 'source') return sourceName(String(v));
  if (field === 'price_type') return priceTypeName(String(v));
  if (field === 'country') return countryName(String(v));
  if (field === 'outcome') return outcomeName(String(v));
  if (field === 'birthday') return fmtDate(String(v));
  if (field === 'lang') return LANG_NAMES[v as 'en'] ?? String(v);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return fmtDateTime(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Bookkeeping fields a person does not need to read in the history. */
const HIDDEN = new Set(['issue_seconds', 'issued_at', 'client_id', 'user_id', 'merged_from_id', 'deleted_at', 'receivables', 'name_key']);

function actionText(e: HistoryEntry): string {
  const k = `history.${e.entity}.${e.action}`;
  return hasKey(k) ? t(k) : t('history.change');
}

function History({ user, client }: { user: User; client: Client }) {
  const team = useTeam(user.id);
  const [items, setItems] = useState<HistoryEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async (after: string | null) => {
    try {
      const r = await api.get<Page<HistoryEntry>>(`clients/${client.id}/history`, { query: { limit: 50, cursor: after } });
      setItems((l) => (after ? [...(l ?? []), ...(r.data.items ?? [])] : (r.data.items ?? [])));
      setCursor(r.data.next_cursor);
    } catch (e) {
      setError(describeError(e));
    }
  }, [client.id]);
  useEffect(() => {
    void load(null);
  }, [load, client.version]);

  return (
    <section class="panel">
      <header class="panel-head">
        <h2>{t('card.tab.history')}</h2>
      </header>
      {error ? <Alert>{error}</Alert> : null}
      {!items && !error ? <Loading /> : null}
      {items && items.length === 0 ? <Empty icon="history" title={t('history.empty')} /> : null}
      <ol class="history">
        {(items ?? []).map((e) => {
          const changes = e.changes.filter((c) => !HIDDEN.has(c.field));
          // A card or contact that appears (created, restored) is summed up; one that goes, named.
          const appears = changes.length > 0 && changes.every((c) => c.from === null);
          const goes = changes.length > 0 && changes.every((c) => c.to === null);
          return (
            <li key={e.id} class="hist-item">
              <div class="hist-head">
                <strong>{actionText(e)}</strong>
                {e.entity === 'contact' ? <span class="muted">{String(e.changes.find((c) => c.field === 'name')?.to ?? e.changes.find((c) => c.field === 'name')?.from ?? '')}</span> : null}
                <span class="hist-who">
                  <Icon name="user" size={12} />
                  {e.user_name ?? t('history.system')}
                </span>
                <time class="hist-when" dateTime={e.at}>
                  {fmtDate(e.at)} {fmtTime(e.at)}
                </time>
              </div>
              {changes.length && !appears && !goes ? (
                <table class="changes">
                  <thead>
                    <tr>
                      <th scope="col">{t('history.col.field')}</th>
                      <th scope="col">{t('history.col.from')}</th>
                      <th scope="col" aria-hidden="true" />
                      <th scope="col">{t('history.col.to')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {changes.map((c) => (
                      <tr key={c.field}>
                        <td class="ch-field">{fieldName(e.entity, c.field)}</td>
                        <td class="ch-from">{showValue(c.field, c.from, team)}</td>
                        <td class="ch-arrow" aria-hidden="true">
                          →
                        </td>
                        <td class="ch-to">{showValue(c.field, c.to, team)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : appears ? (
                <p class="hist-summary muted">
                  {changes
                    .filter((c) => c.to !== null && c.to !== false && !(Array.isArray(c.to) && !c.to.length))
                    .slice(0, 8)
                    .map((c) => `${fieldName(e.entity, c.field)}: ${showValue(c.field, c.to, team)}`)
                    .join(' · ')}
                </p>
              ) : null}
            </li>
          );
        })}
      </ol>
      {cursor ? (
        <div class="list-foot">
          <Button onClick={() => void load(cursor)}>{t('common.loadMore')}</Button>
        </div>
      ) : null}
    </section>
  );
}

// ---- the card ----

export function ClientCard({ user, id, tab }: { user: User; id: number; tab: Tab }) {
  const [client, setClient] = useState<Client | null>(null);
  const [contacts, setContacts] = useState<Contact[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notFound, setNotFound] = useState(false);
  const [editing, setEditing] = useState(false);
  const [dialog, setDialog] = useState<'owner' | 'delete' | null>(null);
  const [warnings, setWarnings] = useState<{ client_id: number; name: string }[]>(() => {
    const k = `klientas:warnings:${id}`;
    const w = sessionStorage.getItem(k);
    sessionStorage.removeItem(k);
    try {
      return w ? JSON.parse(w) : [];
    } catch {
      return [];
    }
  });
  const lead = can(user.role, LEADS);

  const load = useCallback(async () => {
    try {
      const [c, k] = await Promise.all([api.get<Client>(`clients/${id}`), api.get<Page<Contact>>(`clients/${id}/contacts`)]);
      setClient(c.data);
      setContacts(k.data.items ?? []);
      setError(null);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setNotFound(true);
      else setError(describeError(e));
    }
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (client) document.title = `${client.name} · klientas`;
  }, [client?.name]);

  if (notFound)
    return (
      <div class="page">
        <Empty icon="briefcase" title={t('card.notFound')}>
          <Button icon="arrowLeft" onClick={() => navigate('/clients')}>
            {t('card.back')}
          </Button>
        </Empty>
      </div>
    );
  if (error)
    return (
      <div class="page">
        <Alert>
          {error}
          <div class="alert-actions">
            <Button small icon="refresh" onClick={() => void load()}>
              {t('common.reload')}
            </Button>
          </div>
        </Alert>
      </div>
    );
  if (!client) return <Loading />;

  const base = `/clients/${client.id}`;
  const moreItems = [
    ...(lead ? [{ id: 'owner', label: t('card.changeOwner'), icon: 'users' as IconName, onSelect: () => setDialog('owner') }] : []),
    { id: 'delete', label: t('card.delete'), icon: 'trash' as IconName, danger: true, onSelect: () => setDialog('delete') },
  ];
  const missingText = client.missing.map((f) => fieldName('client', f)).join(', ');

  return (
    <div class="page page-wide card-page">
      <nav class="crumbs" aria-label={t('card.crumbs')}>
        <a
          href="/clients"
          onClick={(e: MouseEvent) => {
            e.preventDefault();
            navigate(sessionStorage.getItem(LIST_URL) ?? '/clients');
          }}
        >
          <Icon name="arrowLeft" size={13} />
          {t('card.back')}
        </a>
      </nav>
      <div class="card-head">
        <div class="card-title">
          <h1>{client.name}</h1>
          <div class="card-badges">
            <Badge tone={client.status === 'active' ? 'ok' : client.status === 'lost' ? 'muted' : 'accent'}>{statusName(client.status)}</Badge>
            <span class="muted">
              {typeName(client.type)} · {segmentName(client.segment)}
              {client.city ? ` · ${client.city}` : ''}
            </span>
            {client.issued ? (
              <Chip tone="ok" title={client.issued_at ? t('card.issuedAt', { date: fmtDate(client.issued_at) }) : undefined}>
                <Icon name="check" size={11} />
                {t('client.issued')}
              </Chip>
            ) : (
              <Chip tone="warn">{t('client.notIssued')}</Chip>
            )}
            <span class="muted" data-testid="last-contact">
              {client.last_contact_at
                ? t('card.lastContact', { date: fmtDate(client.last_contact_at) })
                : t('card.neverContacted')}
            </span>
          </div>
        </div>
        <div class="page-actions">
          <Button kind="primary" icon="phone" onClick={() => openQuickLog({ client: { id: client.id, name: client.name } })}>
            {t('card.logActivity')}
          </Button>
          {tab === 'overview' && !editing ? (
            <Button icon="edit" onClick={() => setEditing(true)}>
              {t('card.edit')}
            </Button>
          ) : null}
          <DropMenu label={t('common.more')} icon="more" iconOnly items={moreItems} />
        </div>
      </div>

      {!client.issued && client.missing.length ? (
        <div class="missing-bar" role="note">
          <Icon name="alert" size={14} />
          <span>{t('card.missing', { fields: missingText })}</span>
        </div>
      ) : null}
      {warnings.length ? (
        <Alert kind="info">
          {t('client.similarCreated')}{' '}
          {warnings.map((w, i) => (
            <>
              {i ? ', ' : ''}
              <a
                href={`/clients/${w.client_id}`}
                onClick={(e: MouseEvent) => {
                  e.preventDefault();
                  setWarnings([]);
                  navigate(`/clients/${w.client_id}`);
                }}
              >
                {w.name}
              </a>
            </>
          ))}
        </Alert>
      ) : null}

      <Tabs
        label={t('card.tabs')}
        current={tab}
        onGo={(href) => {
          setEditing(false);
          navigate(href);
        }}
        tabs={[
          { id: 'overview', label: t('card.tab.overview'), href: base },
          { id: 'timeline', label: t('card.tab.timeline'), href: `${base}/timeline` },
          { id: 'history', label: t('card.tab.history'), href: `${base}/history` },
        ]}
      />

      {tab === 'overview' ? (
        <div class="card-grid">
          <div>
            {editing ? (
              <EditForm
                client={client}
                onCancel={() => setEditing(false)}
                onSaved={(c) => {
                  setClient(c);
                  setEditing(false);
                }}
              />
            ) : (
              <Details client={client} user={user} />
            )}
          </div>
          <Contacts client={client} contacts={contacts} onChanged={() => void load()} />
        </div>
      ) : null}
      {tab === 'timeline' ? <Timeline user={user} client={client} /> : null}
      {tab === 'history' ? <History user={user} client={client} /> : null}

      {dialog === 'owner' ? (
        <OwnerDialog
          user={user}
          client={client}
          onClose={() => setDialog(null)}
          onSaved={(c) => {
            setClient(c);
            setDialog(null);
          }}
        />
      ) : null}
      {dialog === 'delete' ? <DeleteDialog client={client} onClose={() => setDialog(null)} /> : null}
    </div>
  );
}
