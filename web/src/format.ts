// SPDX-License-Identifier: AGPL-3.0-or-later
// Formatting in the current UI language: dates, times, money (integer minor
// units + ISO 4217 currency), phone numbers as stored (E.164). Presentation only.
import type { Money } from './api';
import { getLang, t } from './i18n';

/** Intl locale of a UI language (lt-LT: "2026-11-27", ru-RU: "27.11.2026"). */
function locale(): string {
  return { en: 'en-GB', lt: 'lt-LT', ru: 'ru-RU' }[getLang()];
}

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T00:00:00`) : new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function fmtDate(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? new Intl.DateTimeFormat(locale(), { year: 'numeric', month: '2-digit', day: '2-digit' }).format(d) : t('common.none');
}

export function fmtTime(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit' }).format(d) : t('common.none');
}

export function fmtDateTime(iso: string | null | undefined): string {
  const d = parse(iso);
  return d
    ? new Intl.DateTimeFormat(locale(), { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(d)
    : t('common.none');
}

/** "14:30" for today, "2026-11-26 14:30" (in the language's order) otherwise. */
export function fmtWhen(iso: string | null | undefined): string {
  const d = parse(iso);
  if (!d) return t('common.none');
  return sameDay(d, new Date()) ? fmtTime(iso) : fmtDateTime(iso);
}

export function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** A long date for headings: "Friday, 27 November 2026". */
export function fmtLongDate(d: Date): string {
  return new Intl.DateTimeFormat(getLang(), { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(d);
}

function fractionDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function fmtMoney(m: Money | null | undefined): string {
  if (!m) return t('common.none');
  const digits = fractionDigits(m.currency);
  const value = m.amount / 10 ** digits;
  try {
    return new Intl.NumberFormat(locale(), { style: 'currency', currency: m.currency }).format(value);
  } catch {
    return `${value.toFixed(digits)} ${m.currency}`;
  }
}

/** The amount of a Money as the user types it ("50000.00" → "50000", "12.5"). */
export function moneyInput(m: Money | null | undefined): string {
  if (!m) return '';
  const digits = fractionDigits(m.currency);
  const v = m.amount / 10 ** digits;
  return Number.isInteger(v) ? String(v) : v.toFixed(digits);
}

/** Parse a typed amount ("50 000,50", "50000.5") into minor units; null when empty,
 *  NaN when it is not a number. */
export function parseMoney(text: string, currency: string): number | null {
  const s = text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  if (!s) return null;
  if (!/^\d+(\.\d+)?$/.test(s)) return Number.NaN;
  const digits = fractionDigits(currency);
  return Math.round(Number(s) * 10 ** digits);
}

/** Lithuanian numbers grouped as people write them (+370 612 34567,
 *  +370 5 212 3456, +370 37 123456); others as stored (E.164). */
export function fmtPhone(p: string | null | undefined): string {
  if (!p) return t('common.none');
  let m = /^\+370(6\d{2})(\d{5})$/.exec(p);
  if (m) return `+370 ${m[1]} ${m[2]}`;
  m = /^\+3705(\d{3})(\d{4})$/.exec(p);
  if (m) return `+370 5 ${m[1]} ${m[2]}`;
  m = /^\+370([1-9]\d)(\d{6})$/.exec(p);
  if (m) return `+370 ${m[1]} ${m[2]}`;
  return p;
}

/** Local date-time for an <input type="datetime-local"> ("2026-11-27T15:30"). */
export function toLocalInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The value of a datetime-local input as an ISO instant (UTC), or null. */
export function fromLocalInput(v: string): string | null {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function percent(done: number, target: number): number {
  if (target <= 0) return done > 0 ? 100 : 0;
  return Math.max(0, Math.min(100, Math.round((100 * done) / target)));
}
