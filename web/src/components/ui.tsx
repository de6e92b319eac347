// SPDX-License-Identifier: AGPL-3.0-or-later
// Shared UI pieces: form fields (each input with its <label> and its error
// next to it), buttons, the modal dialog (native <dialog>), alerts, toasts,
// the language switch and the page header. Presentation only: no API calls.
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { LANG_NAMES, LANG_SHORT, LANGS, t, type Lang } from '../i18n';
import { dismissToast, type Toast } from '../state';
import { Icon, type IconName } from './icons';

interface FieldBase {
  label: string;
  name: string;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
  disabled?: boolean;
}

function FieldShell(props: FieldBase & { id: string; children: ComponentChildren }) {
  const { id, label, name, error, hint, required, children } = props;
  return (
    <div class={error ? 'field has-error' : 'field'} data-field={name}>
      <label for={id} class={required ? 'is-required' : undefined}>
        {label}
      </label>
      {children}
      {error ? (
        <p class="field-error" id={`${id}-err`}>
          <Icon name="alert" size={13} />
          <span>{error}</span>
        </p>
      ) : hint ? (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

function describedBy(id: string, error?: string, hint?: string): string | undefined {
  if (error) return `${id}-err`;
  if (hint) return `${id}-hint`;
  return undefined;
}

export function TextField(
  props: FieldBase & {
    value: string;
    onValue: (v: string) => void;
    type?: 'text' | 'password' | 'email' | 'search';
    autoComplete?: string;
    autoFocus?: boolean;
    maxLength?: number;
  },
) {
  const id = useId();
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (props.autoFocus) ref.current?.focus();
  }, []);
  return (
    <FieldShell {...props} id={id}>
      <input
        ref={ref}
        id={id}
        name={props.name}
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        onInput={(e) => props.onValue(e.currentTarget.value)}
        autoComplete={props.autoComplete ?? 'off'}
        aria-invalid={props.error ? 'true' : undefined}
        aria-required={props.required ? 'true' : undefined}
        aria-describedby={describedBy(id, props.error, props.hint)}
        disabled={props.disabled}
        maxLength={props.maxLength}
        spellcheck={false}
      />
    </FieldShell>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField(props: FieldBase & { value: string; onValue: (v: string) => void; options: Option[] }) {
  const id = useId();
  return (
    <FieldShell {...props} id={id}>
      <select
        id={id}
        name={props.name}
        value={props.value}
        onChange={(e) => props.onValue(e.currentTarget.value)}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(id, props.error, props.hint)}
        disabled={props.disabled}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function CheckField(props: {
  label: string;
  name: string;
  checked: boolean;
  onValue: (v: boolean) => void;
  error?: string | undefined;
}) {
  const id = useId();
  return (
    <div class={props.error ? 'field check has-error' : 'field check'} data-field={props.name}>
      <input
        id={id}
        type="checkbox"
        name={props.name}
        checked={props.checked}
        onChange={(e) => props.onValue(e.currentTarget.checked)}
        aria-describedby={props.error ? `${id}-err` : undefined}
      />
      <label for={id}>{props.label}</label>
      {props.error ? (
        <p class="field-error" id={`${id}-err`}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

export function Button(props: {
  children?: ComponentChildren;
  onClick?: (e: MouseEvent) => void;
  kind?: 'primary' | 'secondary' | 'danger' | 'ghost';
  type?: 'button' | 'submit';
  icon?: IconName;
  disabled?: boolean;
  busy?: boolean;
  small?: boolean;
  label?: string;
  title?: string;
  form?: string;
}) {
  const iconOnly = props.icon && (props.children === undefined || props.children === null);
  const cls = ['btn', `btn-${props.kind ?? 'secondary'}`, props.small ? 'btn-sm' : '', iconOnly ? 'btn-icon' : '', props.busy ? 'is-busy' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <button
      type={props.type ?? 'button'}
      class={cls}
      onClick={props.onClick}
      disabled={props.disabled || props.busy}
      aria-label={props.label}
      title={props.title ?? props.label}
      aria-busy={props.busy ? 'true' : undefined}
      form={props.form}
    >
      {props.icon ? <Icon name={props.icon} size={props.small ? 14 : 15} /> : null}
      {props.children}
    </button>
  );
}

export function Alert({ children, kind = 'error' }: { children: ComponentChildren; kind?: 'error' | 'info' | 'ok' }) {
  return (
    <div class={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <Icon name={kind === 'ok' ? 'check' : 'alert'} size={15} />
      <div>{children}</div>
    </div>
  );
}

/** Modal dialog on the native <dialog> element: focus trap, Escape, backdrop. */
export function Dialog(props: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  footer?: ComponentChildren;
  wide?: boolean;
  onSubmit?: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => {
      if (d?.open) d.close();
    };
  }, []);
  const body = (
    <>
      <header class="dialog-head">
        <h2 id={titleId}>{props.title}</h2>
        <button type="button" class="icon-btn" onClick={props.onClose} aria-label={t('common.close')} title={t('common.close')}>
          <Icon name="x" />
        </button>
      </header>
      <div class="dialog-body">{props.children}</div>
      {props.footer ? <footer class="dialog-foot">{props.footer}</footer> : null}
    </>
  );
  return (
    <dialog
      ref={ref}
      class={props.wide ? 'dialog dialog-wide' : 'dialog'}
      aria-labelledby={titleId}
      onCancel={(e: Event) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      {props.onSubmit ? (
        <form
          noValidate
          onSubmit={(e: Event) => {
            e.preventDefault();
            props.onSubmit?.();
          }}
        >
          {body}
        </form>
      ) : (
        body
      )}
    </dialog>
  );
}

export function LangSwitch({ value, onChange }: { value: Lang; onChange: (l: Lang) => void }) {
  return (
    <div class="lang-switch" role="group" aria-label={t('lang.label')}>
      {LANGS.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          class={l === value ? 'is-on' : ''}
          aria-pressed={l === value ? 'true' : 'false'}
          aria-label={LANG_NAMES[l]}
          title={LANG_NAMES[l]}
          onClick={() => l !== value && onChange(l)}
        >
          {LANG_SHORT[l]}
        </button>
      ))}
    </div>
  );
}

export function PageHeader(props: { title: string; subtitle?: string; actions?: ComponentChildren }) {
  return (
    <div class="page-head">
      <div>
        <h1>{props.title}</h1>
        {props.subtitle ? <p class="page-sub">{props.subtitle}</p> : null}
      </div>
      {props.actions ? <div class="page-actions">{props.actions}</div> : null}
    </div>
  );
}

export function Loading() {
  return (
    <div class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {t('common.loading')}
    </div>
  );
}

export function Toasts({ toasts }: { toasts: Toast[] }) {
  return (
    <div class="toasts" role="region" aria-label={t('common.notifications')} aria-live="polite">
      {toasts.map((x) => (
        <div key={x.id} class={`toast toast-${x.kind}`} role={x.kind === 'error' ? 'alert' : 'status'}>
          <Icon name={x.kind === 'ok' ? 'check' : 'alert'} size={15} />
          <span>{x.text}</span>
          <button type="button" class="icon-btn" onClick={() => dismissToast(x.id)} aria-label={t('common.dismiss')}>
            <Icon name="x" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}

export function Badge({ children, tone = 'neutral' }: { children: ComponentChildren; tone?: 'neutral' | 'ok' | 'muted' | 'accent' }) {
  return <span class={`badge badge-${tone}`}>{children}</span>;
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const a = parts[0]?.[0] ?? '?';
  const b = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (a + b).toUpperCase();
}
