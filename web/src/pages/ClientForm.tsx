// SPDX-License-Identifier: AGPL-3.0-or-later
// The client card's fields as a form, shared by "New client" and the card's
// edit mode: the form state (strings), the request body (everything for a
// create, only what changed for a PATCH) and the fields with their inline
// errors (problem+json `field`).
import { api, CLIENT_STATUSES, CLIENT_TYPES, SEGMENTS, type Client, type Page, type TeamMember } from '../api';
import { useClientSearch } from '../components/ClientPicker';
import { Icon } from '../components/icons';
import { SelectField, TextArea, TextField, type Option } from '../components/ui';
import { moneyInput, parseMoney } from '../format';
import { t } from '../i18n';
import { COUNTRIES, countryName, fieldName, INDUSTRIES, industryName, PRICE_TYPES, priceTypeName, segmentName, SOURCES, sourceName, statusName, typeName } from '../labels';
import { navigate } from '../state';

export interface ClientForm {
  name: string;
  company_code: string;
  vat_code: string;
  country: string;
  type: string;
  segment: string;
  status: string;
  owner_id: string;
  industry: string;
  source: string;
  city: string;
  address: string;
  delivery_address: string;
  email: string;
  phone: string;
  website: string;
  price_type: string;
  payment_terms_days: string;
  credit_amount: string;
  credit_currency: string;
  contract_terms: string;
  notes: string;
}

/** Field names as the API names them (errors come back with these). */
export const CLIENT_FIELDS = [
  'name', 'company_code', 'vat_code', 'country', 'type', 'segment', 'status', 'owner_id', 'industry', 'source', 'city',
  'address', 'delivery_address', 'email', 'phone', 'website', 'price_type', 'payment_terms_days', 'credit_limit',
  'contract_terms', 'notes',
] as const;

const TEXT_FIELDS = [
  'name', 'company_code', 'vat_code', 'country', 'type', 'segment', 'status', 'industry', 'source', 'city', 'address',
  'delivery_address', 'email', 'phone', 'website', 'price_type', 'contract_terms', 'notes',
] as const;

export function formOf(c: Client | null, ownerId?: number | null): ClientForm {
  return {
    name: c?.name ?? '',
    company_code: c?.company_code ?? '',
    vat_code: c?.vat_code ?? '',
    country: c?.country ?? 'LT',
    type: c?.type ?? 'business',
    segment: c?.segment ?? 'small',
    status: c?.status ?? 'prospect',
    owner_id: c ? (c.owner_id != null ? String(c.owner_id) : '') : ownerId != null ? String(ownerId) : '',
    industry: c?.industry ?? '',
    source: c?.source ?? '',
    city: c?.city ?? '',
    address: c?.address ?? '',
    delivery_address: c?.delivery_address ?? '',
    email: c?.email ?? '',
    phone: c?.phone ?? '',
    website: c?.website ?? '',
    price_type: c?.price_type ?? '',
    payment_terms_days: c?.payment_terms_days != null ? String(c.payment_terms_days) : '',
    credit_amount: moneyInput(c?.credit_limit),
    credit_currency: c?.credit_limit?.currency ?? 'EUR',
    contract_terms: c?.contract_terms ?? '',
    notes: c?.notes ?? '',
  };
}

/** Problems the form can tell before asking the server. */
export function checkForm(f: ClientForm): Record<string, string> {
  const out: Record<string, string> = {};
  if (!f.name.trim()) out.name = t('common.required');
  if (f.payment_terms_days.trim() && !/^\d+$/.test(f.payment_terms_days.trim())) out.payment_terms_days = t('client.err.wholeDays');
  const m = parseMoney(f.credit_amount, f.credit_currency || 'EUR');
  if (m !== null && Number.isNaN(m)) out.credit_limit = t('client.err.amount');
  return out;
}

function valueOf(f: ClientForm, key: string): unknown {
  if (key === 'owner_id') return f.owner_id ? Number(f.owner_id) : null;
  if (key === 'payment_terms_days') return f.payment_terms_days.trim() ? Number(f.payment_terms_days.trim()) : null;
  if (key === 'credit_limit') {
    const amount = parseMoney(f.credit_amount, f.credit_currency || 'EUR');
    return amount === null ? null : { amount, currency: f.credit_currency || 'EUR' };
  }
  const v = (f as unknown as Record<string, string>)[key]?.trim() ?? '';
  return v === '' ? null : v;
}

/** POST body: the filled fields. */
export function createBody(f: ClientForm, withOwner: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const k of [...TEXT_FIELDS, 'payment_terms_days', 'credit_limit'] as const) {
    const v = valueOf(f, k);
    if (v !== null) body[k] = v;
  }
  if (withOwner && f.owner_id) body.owner_id = Number(f.owner_id);
  return body;
}

/** PATCH body: the fields that differ from `before` (null clears a field). */
export function patchBody(f: ClientForm, before: ClientForm): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const k of [...TEXT_FIELDS, 'payment_terms_days', 'credit_limit'] as const) {
    const a = JSON.stringify(valueOf(f, k));
    const b = JSON.stringify(valueOf(before, k));
    if (a !== b) body[k] = valueOf(f, k);
  }
  return body;
}

/** The form keys a user changed relative to `before`. */
export function changedKeys(f: ClientForm, before: ClientForm): (keyof ClientForm)[] {
  return (Object.keys(f) as (keyof ClientForm)[]).filter((k) => f[k] !== before[k]);
}

/** Keep what the user changed (relative to `base`) on top of `fresh`. */
export function rebase(f: ClientForm, base: ClientForm, fresh: ClientForm): ClientForm {
  const out = { ...fresh };
  for (const k of changedKeys(f, base)) out[k] = f[k];
  return out;
}

/** Server error fields ("credit_limit.amount") onto the form's names. */
export function formFieldOf(field: string): string {
  if (field.startsWith('credit_limit')) return 'credit_limit';
  return field;
}

function codeOptions(codes: readonly string[], current: string, name: (c: string) => string): Option[] {
  const list = [...codes];
  if (current && !list.includes(current)) list.push(current);
  return [{ value: '', label: t('common.none') }, ...list.map((c) => ({ value: c, label: name(c) })).sort((a, b) => a.label.localeCompare(b.label))];
}

const CURRENCIES = ['EUR', 'USD', 'GBP', 'PLN', 'SEK', 'NOK', 'DKK', 'CZK', 'CHF'];

/** Clients whose names look like the one being typed (before it is created). */
export function SimilarClients({ name }: { name: string }) {
  const words = name
    .replace(/[„“"«»'()]/g, ' ')
    .split(/\s+/)
    .filter((w) => w.length >= 3 && !/^(uab|ab|mb|iį|všį|ooo|оoo|ооо|zub|tub|ltd|llc|gmbh|sia|oü|as)$/i.test(w));
  const q = words.slice(0, 3).join(' ');
  const { items } = useClientSearch(q.length >= 3 ? q : '', 5);
  if (!items?.length) return null;
  return (
    <div class="similar" role="status">
      <Icon name="alert" size={14} />
      <span>{t('client.similar')}</span>
      {items.map((c, i) => (
        <>
          {i ? ', ' : ' '}
          <a
            href={`/clients/${c.id}`}
            target="_blank"
            rel="noopener"
            key={c.id}
          >
            {c.name}
          </a>
        </>
      ))}
    </div>
  );
}

/** The field rows; `owners` given: the owner can be chosen (heads, director). */
export function ClientFields(props: {
  form: ClientForm;
  set: (k: keyof ClientForm, v: string) => void;
  errors: Record<string, string | undefined>;
  owners?: TeamMember[] | null;
  existingId?: number | null;
  creating?: boolean;
}) {
  const { form, set, errors } = props;
  const f = (k: keyof ClientForm) => (v: string) => set(k, v);
  const label = (k: string) => fieldName('client', k);
  const retail = form.type === 'retail';
  return (
    <div class="client-form">
      <fieldset class="form-section">
        <legend>{t('card.section.company')}</legend>
        <div class="form-grid form-grid-3">
          <div class="span-2">
            <TextField label={label('name')} name="name" value={form.name} onValue={f('name')} required error={errors.name} maxLength={300} autoFocus={props.creating} />
            {props.creating ? <SimilarClients name={form.name} /> : null}
          </div>
          <SelectField label={label('status')} name="status" value={form.status} onValue={f('status')} options={CLIENT_STATUSES.map((s) => ({ value: s, label: statusName(s) }))} error={errors.status} />
          <div>
            <TextField label={label('company_code')} name="company_code" value={form.company_code} onValue={f('company_code')} error={errors.company_code} maxLength={20} required={!retail && !props.creating} class="mono" />
            {props.existingId ? (
              <p class="field-link">
                <a
                  href={`/clients/${props.existingId}`}
                  onClick={(e: MouseEvent) => {
                    e.preventDefault();
                    navigate(`/clients/${props.existingId}`);
                  }}
                >
                  <Icon name="external" size={13} />
                  {t('client.openExisting')}
                </a>
              </p>
            ) : null}
          </div>
          <TextField label={label('vat_code')} name="vat_code" value={form.vat_code} onValue={f('vat_code')} error={errors.vat_code} maxLength={20} class="mono" />
          <SelectField label={label('country')} name="country" value={form.country} onValue={f('country')} options={codeOptions(COUNTRIES, form.country, (c) => `${countryName(c)} (${c})`).filter((o) => o.value)} error={errors.country} />
          <SelectField label={label('type')} name="type" value={form.type} onValue={f('type')} options={CLIENT_TYPES.map((x) => ({ value: x, label: typeName(x) }))} error={errors.type} />
          <SelectField label={label('segment')} name="segment" value={form.segment} onValue={f('segment')} options={SEGMENTS.map((x) => ({ value: x, label: segmentName(x) }))} error={errors.segment} />
          <SelectField label={label('industry')} name="industry" value={form.industry} onValue={f('industry')} options={codeOptions(INDUSTRIES, form.industry, industryName)} error={errors.industry} />
          <SelectField label={label('source')} name="source" value={form.source} onValue={f('source')} options={codeOptions(SOURCES, form.source, sourceName)} error={errors.source} />
          {props.owners ? (
            <SelectField
              label={label('owner_id')}
              name="owner_id"
              value={form.owner_id}
              onValue={f('owner_id')}
              options={[{ value: '', label: t('common.none') }, ...props.owners.map((m) => ({ value: String(m.id), label: m.name }))]}
              error={errors.owner_id}
            />
          ) : null}
        </div>
      </fieldset>
      <fieldset class="form-section">
        <legend>{t('card.section.reach')}</legend>
        <div class="form-grid form-grid-3">
          <TextField label={label('city')} name="city" value={form.city} onValue={f('city')} error={errors.city} maxLength={100} />
          <div class="span-2">
            <TextField label={label('address')} name="address" value={form.address} onValue={f('address')} error={errors.address} maxLength={300} />
          </div>
          <TextField label={label('phone')} name="phone" type="tel" value={form.phone} onValue={f('phone')} error={errors.phone} maxLength={40} />
          <TextField label={label('email')} name="email" type="email" value={form.email} onValue={f('email')} error={errors.email} maxLength={254} />
          <TextField label={label('website')} name="website" value={form.website} onValue={f('website')} error={errors.website} maxLength={200} />
          <div class="span-3">
            <TextField label={label('delivery_address')} name="delivery_address" value={form.delivery_address} onValue={f('delivery_address')} error={errors.delivery_address} maxLength={300} />
          </div>
        </div>
      </fieldset>
      <fieldset class="form-section">
        <legend>{t('card.section.terms')}</legend>
        <div class="form-grid form-grid-3">
          <SelectField label={label('price_type')} name="price_type" value={form.price_type} onValue={f('price_type')} options={codeOptions(PRICE_TYPES, form.price_type, priceTypeName)} error={errors.price_type} />
          <TextField label={label('payment_terms_days')} name="payment_terms_days" value={form.payment_terms_days} onValue={f('payment_terms_days')} inputMode="numeric" error={errors.payment_terms_days} maxLength={3} />
          <div class={errors.credit_limit ? 'field has-error money-field' : 'field money-field'} data-field="credit_limit">
            <label for="cf-credit">{label('credit_limit')}</label>
            <div class="money-input">
              <input
                id="cf-credit"
                name="credit_limit"
                type="text"
                inputMode="decimal"
                value={form.credit_amount}
                onInput={(e) => set('credit_amount', e.currentTarget.value)}
                aria-invalid={errors.credit_limit ? 'true' : undefined}
                aria-describedby={errors.credit_limit ? 'cf-credit-err' : undefined}
                autoComplete="off"
              />
              <select aria-label={t('client.currency')} value={form.credit_currency} onChange={(e) => set('credit_currency', e.currentTarget.value)}>
                {(CURRENCIES.includes(form.credit_currency) ? CURRENCIES : [...CURRENCIES, form.credit_currency]).map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </div>
            {errors.credit_limit ? (
              <p class="field-error" id="cf-credit-err">
                <Icon name="alert" size={13} />
                <span>{errors.credit_limit}</span>
              </p>
            ) : null}
          </div>
          <div class="span-3">
            <TextArea label={label('contract_terms')} name="contract_terms" value={form.contract_terms} onValue={f('contract_terms')} rows={2} error={errors.contract_terms} maxLength={5000} />
          </div>
          <div class="span-3">
            <TextArea label={label('notes')} name="notes" value={form.notes} onValue={f('notes')} rows={3} error={errors.notes} maxLength={10000} />
          </div>
        </div>
      </fieldset>
    </div>
  );
}

/** The newest history entry of a card (who changed it last, and when). */
export async function lastChange(id: number): Promise<{ name: string | null; at: string } | null> {
  try {
    const r = await api.get<Page<{ user_name: string | null; at: string }>>(`clients/${id}/history`, { query: { limit: 1 } });
    const e = r.data.items?.[0];
    return e ? { name: e.user_name, at: e.at } : null;
  } catch {
    return null;
  }
}
