// SPDX-License-Identifier: AGPL-3.0-or-later
// Turning API errors into what a form shows: messages next to the fields the
// server named (problem+json `field` / `errors[]`) and one message for the rest.
import { ApiError, NetworkError } from './api';
import { t } from './i18n';

export interface FormErrors {
  form: string | null;
  fields: Record<string, string>;
  /** 412: the entity changed since it was loaded. */
  stale: boolean;
}

export const NO_ERRORS: FormErrors = { form: null, fields: {}, stale: false };

export function describeError(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 412) return t('error.stale');
    return e.problem.detail || e.problem.title || t('error.generic');
  }
  if (e instanceof NetworkError) return t('error.network');
  console.error(e);
  return t('error.generic');
}

/**
 * @param known   the field names this form shows
 * @param conflictField  field to blame for a 409 that names none (a unique key)
 */
export function formErrors(e: unknown, known: readonly string[], conflictField?: string): FormErrors {
  if (!(e instanceof ApiError)) return { form: describeError(e), fields: {}, stale: false };
  if (e.status === 412) return { form: t('error.stale'), fields: {}, stale: true };
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  for (const [f, msg] of Object.entries(e.fieldErrors())) {
    if (known.includes(f)) fields[f] = msg;
    else rest.push(msg);
  }
  if (e.status === 409 && conflictField && Object.keys(fields).length === 0 && known.includes(conflictField)) {
    fields[conflictField] = describeError(e);
  }
  let form: string | null = null;
  if (Object.keys(fields).length === 0) form = describeError(e);
  else if (rest.length) form = rest.join(' ');
  return { form, fields, stale: false };
}
