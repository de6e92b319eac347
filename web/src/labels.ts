// SPDX-License-Identifier: AGPL-3.0-or-later
// Names of the API's codes in the UI language: client types, segments,
// statuses, fields, industries, activity types and outcomes, call-list
// reasons. An unknown code is shown as it is.
import type { ActivityReason, Reason } from './api';
import { getLang, hasKey, t } from './i18n';
import { fmtDate, fmtWhen } from './format';

function label(prefix: string, code: string | null | undefined): string {
  if (code == null || code === '') return t('common.none');
  const k = `${prefix}.${code.replace(/\s+/g, '_')}`;
  return hasKey(k) ? t(k) : code;
}

export const typeName = (v: string | null | undefined) => label('ctype', v);
export const segmentName = (v: string | null | undefined) => label('segment', v);
export const statusName = (v: string | null | undefined) => label('cstatus', v);
export const industryName = (v: string | null | undefined) => label('industry', v);
export const sourceName = (v: string | null | undefined) => label('source', v);
export const priceTypeName = (v: string | null | undefined) => label('price', v);
export const activityTypeName = (v: string | null | undefined) => label('activity.type', v);
export const outcomeName = (v: string | null | undefined) => label('outcome', v);
export const metricName = (v: string) => label('metric', v);
export const taskStatusName = (v: string) => label('tasks.status', v);

/** Known codes of free-text fields, offered in selects (others stay possible). */
export const INDUSTRIES = [
  'wholesale', 'retail', 'construction', 'manufacturing', 'it', 'healthcare', 'pharmacy',
  'education', 'energy', 'tourism', 'accounting', 'agriculture', 'emergency',
] as const;
export const SOURCES = ['referral', 'website', 'exhibition', 'cold call', 'tender'] as const;
export const PRICE_TYPES = ['wholesale', 'retail', 'dealer', 'special'] as const;
export const COUNTRIES = ['LT', 'LV', 'EE', 'PL', 'DE', 'FI', 'SE', 'DK', 'NO', 'NL', 'BE', 'FR', 'GB', 'IE', 'CZ', 'UA', 'US'] as const;

export function countryName(code: string | null | undefined): string {
  if (!code) return t('common.none');
  try {
    return new Intl.DisplayNames([getLang()], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** A field of a client, contact or activity as the user knows it. */
export function fieldName(entity: string, field: string): string {
  const base = field.replace(/\[\d+\]$/, '').replace(/\.(amount|currency)$/, '');
  for (const k of [`field.${entity}.${base}`, `field.${base}`]) if (hasKey(k)) return t(k);
  return field;
}

/** One reason of the call list as a short text with its detail. */
export function reasonText(r: Reason): string {
  switch (r.code) {
    case 'call_back':
      return t('reason.call_back', { time: fmtWhen(r.due_at) });
    case 'task_due':
      return t('reason.task_due', { title: r.title ?? '' });
    case 'task_overdue':
      return t('reason.task_overdue', { title: r.title ?? '', date: fmtDate(r.due_at) });
    case 'negotiate_soon':
      return t('reason.negotiate_soon');
    case 'birthday':
      return t('reason.birthday', { name: r.contact_name ?? '' });
    case 'professional_holiday':
      return t('reason.professional_holiday', { name: r.holiday ?? '' });
    case 'monthly_overdue':
      return r.last_contact_at ? t('reason.monthly_overdue', { date: fmtDate(r.last_contact_at) }) : t('reason.never_contacted');
    case 'monthly_due':
      return r.last_contact_at ? t('reason.monthly_due', { date: fmtDate(r.last_contact_at) }) : t('reason.never_contacted');
    case 'prospect_not_called':
      return t('reason.prospect_not_called');
    default:
      return r.code;
  }
}

export type ReasonTone = 'danger' | 'warn' | 'accent' | 'ok' | 'neutral' | 'muted';
export function reasonTone(code: string): ReasonTone {
  switch (code) {
    case 'call_back':
    case 'task_overdue':
      return 'danger';
    case 'task_due':
    case 'negotiate_soon':
      return 'warn';
    case 'birthday':
    case 'professional_holiday':
      return 'ok';
    case 'monthly_overdue':
      return 'accent';
    default:
      return 'neutral';
  }
}

/** The name of an inbound reason from the editable list, in the UI language. */
export function activityReasonName(list: ActivityReason[], code: string | null | undefined): string {
  if (!code) return t('common.none');
  const r = list.find((x) => x.code === code);
  if (!r) return code;
  return { en: r.name_en, lt: r.name_lt, ru: r.name_ru }[getLang()] || r.name_en;
}
