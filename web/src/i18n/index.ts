// SPDX-License-Identifier: AGPL-3.0-or-later
// i18n: the three catalogues, the current language, t() and plurals.
// Invariant: every catalogue has exactly the keys of en.ts (enforced by the
// Messages type in lt.ts/ru.ts and by tests/e2e/i18n.test.mjs).
import en, { type MessageKey, type Messages } from './en';
import lt from './lt';
import ru from './ru';

export type Lang = 'en' | 'lt' | 'ru';
export const LANGS: readonly Lang[] = ['en', 'lt', 'ru'];
/** Each language named in itself: the same in every UI language. */
export const LANG_NAMES: Record<Lang, string> = { en: 'English', lt: 'Lietuvių', ru: 'Русский' };
export const LANG_SHORT: Record<Lang, string> = { en: 'EN', lt: 'LT', ru: 'RU' };

const catalogues: Record<Lang, Messages> = { en, lt, ru };

let current: Lang = 'en';

export function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANGS as readonly string[]).includes(v);
}

/** The first of the browser's preferred languages that we have, else en. */
export function browserLang(): Lang {
  const prefs = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const p of prefs) {
    const base = (p ?? '').toLowerCase().split('-')[0];
    if (isLang(base)) return base;
  }
  return 'en';
}

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  current = lang;
  document.documentElement.lang = lang;
}

type Vars = Record<string, string | number>;

function fill(s: string, vars?: Vars): string {
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

export function t(key: MessageKey, vars?: Vars): string {
  return fill(catalogues[current][key], vars);
}

type PluralBase<K> = K extends `${infer B}#other` ? B : never;
export type PluralKey = PluralBase<MessageKey>;

/** Plural message: picks key#one/#few/#many/#other by CLDR rules of the language. */
export function tn(key: PluralKey, n: number, vars?: Vars): string {
  const cat = new Intl.PluralRules(current).select(n);
  const k = `${key}#${cat === 'zero' || cat === 'two' ? 'other' : cat}` as MessageKey;
  return fill(catalogues[current][k], { n, ...vars });
}

/** Is this a key of the catalogues (for codes that come from the server)? */
export function hasKey(key: string): key is MessageKey {
  return key in en;
}

export function roleName(role: string): string {
  const k = `role.${role}` as MessageKey;
  return k in en ? t(k) : role;
}

export type { MessageKey, Messages };
export { catalogues };
