// SPDX-License-Identifier: AGPL-3.0-or-later
// Shared UI pieces: form fields (each input with its <label> and its error
// next to it), buttons, the modal dialog (native <dialog>), alerts, toasts,
// the language switch and the page header. Presentation only: no API calls.
import type { ComponentChildren, Ref } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
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
    type?: 'text' | 'password' | 'email' | 'search' | 'tel' | 'date' | 'datetime-local' | 'number' | 'url';
    autoComplete?: string;
    autoFocus?: boolean;
    maxLength?: number;
    placeholder?: string;
    inputMode?: 'numeric' | 'decimal' | 'tel' | 'email' | 'text';
    class?: string;
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
        data-autofocus={props.autoFocus ? '' : undefined}
        placeholder={props.placeholder}
        inputMode={props.inputMode}
        class={props.class}
        spellcheck={false}
      />
    </FieldShell>
  );
}

export function TextArea(props: FieldBase & { value: string; onValue: (v: string) => void; rows?: number; maxLength?: number; autoFocus?: boolean }) {
  const id = useId();
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (props.autoFocus) ref.current?.focus();
  }, []);
  return (
    <FieldShell {...props} id={id}>
      <textarea
        ref={ref}
        id={id}
        name={props.name}
        rows={props.rows ?? 3}
        value={props.value}
        onInput={(e) => props.onValue(e.currentTarget.value)}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(id, props.error, props.hint)}
        disabled={props.disabled}
        maxLength={props.maxLength}
        data-autofocus={props.autoFocus ? '' : undefined}
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
  onKeyDown?: (e: KeyboardEvent) => void;
  class?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const typingEsc = useRef(0);
  const unmounting = useRef(false);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) {
      d.showModal();
      // showModal() focuses the first control (the close button): give the focus
      // to the field that asked for it instead.
      d.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    }
    return () => {
      unmounting.current = true;
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
      class={['dialog', props.wide ? 'dialog-wide' : '', props.class ?? ''].filter(Boolean).join(' ')}
      aria-labelledby={titleId}
      onKeyDown={(e: KeyboardEvent) => {
        // Esc while typing in a filled field leaves the field, so what was typed
        // is not lost by a reflex; a second Esc closes the dialog. (Chromium fires
        // the dialog's cancel for Esc even when the keydown is prevented: a flag
        // set for a moment tells onCancel to keep the dialog.)
        if (e.key === 'Escape' && isTyping(e.target) && (e.target as HTMLInputElement).value) {
          e.preventDefault();
          typingEsc.current = 1;
          setTimeout(() => (typingEsc.current = 0), 40);
          (e.target as HTMLElement).blur();
          return;
        }
        props.onKeyDown?.(e);
      }}
      onCancel={(e: Event) => {
        e.preventDefault();
        if (typingEsc.current) {
          typingEsc.current = 0;
          return;
        }
        props.onClose();
      }}
      onClose={() => {
        // Closed by the browser itself (a cancel it would not let us prevent).
        if (!unmounting.current) props.onClose();
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

export function Badge({ children, tone = 'neutral' }: { children: ComponentChildren; tone?: 'neutral' | 'ok' | 'muted' | 'accent' | 'danger' }) {
  return <span class={`badge badge-${tone}`}>{children}</span>;
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const a = parts[0]?.[0] ?? '?';
  const b = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (a + b).toUpperCase();
}

/** Is the event's target a field the user types into (keys belong to it)? */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement) return true;
  if (target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'range', 'color'].includes(target.type);
  }
  return false;
}

export function Kbd({ children }: { children: ComponentChildren }) {
  return <kbd class="kbd">{children}</kbd>;
}

export function Chip({ children, tone = 'neutral', title }: { children: ComponentChildren; tone?: 'neutral' | 'ok' | 'warn' | 'danger' | 'accent' | 'muted'; title?: string }) {
  return (
    <span class={`chip chip-${tone}`} title={title}>
      {children}
    </span>
  );
}

/** A progress bar with its numbers: "12 / 30". */
export function Meter(props: { label: string; done: number; target: number; compact?: boolean }) {
  const { done, target } = props;
  const pct = target > 0 ? Math.min(100, Math.round((100 * done) / target)) : done > 0 ? 100 : 0;
  const tone = target <= 0 ? 'none' : done >= target ? 'ok' : pct >= 50 ? 'mid' : 'low';
  return (
    <div class={props.compact ? 'meter meter-compact' : 'meter'} data-metric-label={props.label}>
      {props.compact ? null : (
        <div class="meter-head">
          <span class="meter-label">{props.label}</span>
          <span class="meter-num">
            <strong>{done}</strong>
            <span class="muted"> / {target}</span>
          </span>
        </div>
      )}
      <div
        class={`meter-bar meter-${tone}`}
        role="progressbar"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={Math.max(target, done)}
        aria-valuenow={done}
        aria-valuetext={`${done} / ${target}`}
      >
        <span style={{ width: `${pct}%` }} />
      </div>
      {props.compact ? (
        <span class="meter-num">
          <strong>{done}</strong>
          <span class="muted"> / {target}</span>
        </span>
      ) : null}
    </div>
  );
}

export function Empty({ icon = 'search', title, children }: { icon?: IconName; title: string; children?: ComponentChildren }) {
  return (
    <div class="empty-state">
      <span class="empty-icon" aria-hidden="true">
        <Icon name={icon} size={20} />
      </span>
      <strong>{title}</strong>
      {children ? <div class="empty-text">{children}</div> : null}
    </div>
  );
}

/** A table's only row when it has nothing to show: Empty across all its columns. */
export function EmptyRow({ cols, icon, title, children }: { cols: number; icon?: IconName; title: string; children?: ComponentChildren }) {
  return (
    <tr>
      <td colSpan={cols} class="empty-cell">
        <Empty icon={icon} title={title}>
          {children}
        </Empty>
      </td>
    </tr>
  );
}

/** Tabs as links (each tab is an address, so a reload keeps it). */
export function Tabs(props: { label: string; tabs: { id: string; label: ComponentChildren; href: string }[]; current: string; onGo: (href: string) => void }) {
  return (
    <nav class="tabs" aria-label={props.label}>
      {props.tabs.map((tab) => (
        <a
          key={tab.id}
          href={tab.href}
          class={tab.id === props.current ? 'tab is-on' : 'tab'}
          aria-current={tab.id === props.current ? 'page' : undefined}
          onClick={(e: MouseEvent) => {
            if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
            e.preventDefault();
            props.onGo(tab.href);
          }}
        >
          {tab.label}
        </a>
      ))}
    </nav>
  );
}

/**
 * While `open`, a popover (menu, panel) closes on a press outside `ref` and on
 * Escape: `close(true)` for Escape, so the caller can put the focus back on its
 * button; `close(false)` for a press outside. `onKey` sees every other key
 * (arrows in a menu). The latest callbacks are used without re-subscribing.
 */
export function useDismiss(
  ref: { current: HTMLElement | null },
  open: boolean,
  close: (byEscape: boolean) => void,
  onKey?: (e: KeyboardEvent) => void,
) {
  const latest = useRef({ close, onKey });
  latest.current = { close, onKey };
  useEffect(() => {
    if (!open) return;
    const onDoc = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) latest.current.close(false);
    };
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key === 'Escape') latest.current.close(true);
      else latest.current.onKey?.(e);
    };
    document.addEventListener('mousedown', onDoc);
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('mousedown', onDoc);
      document.removeEventListener('keydown', onKeyDown);
    };
  }, [open, ref]);
}

/** A button that opens a small menu of actions (Export, More…). */
export function DropMenu(props: {
  label: string;
  icon?: IconName;
  kind?: 'secondary' | 'ghost';
  iconOnly?: boolean;
  align?: 'left' | 'right';
  items: { id: string; label: string; icon?: IconName; href?: string; download?: boolean; danger?: boolean; onSelect?: () => void }[];
}) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useDismiss(
    ref,
    open,
    (byEscape) => {
      setOpen(false);
      if (byEscape) ref.current?.querySelector<HTMLElement>('button[aria-haspopup]')?.focus();
    },
    (e) => {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        const items = [...(ref.current?.querySelectorAll<HTMLElement>('[role=menuitem]') ?? [])];
        const i = items.indexOf(document.activeElement as HTMLElement);
        const next = items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length];
        next?.focus();
        e.preventDefault();
      }
    },
  );
  useEffect(() => {
    if (open) ref.current?.querySelector<HTMLElement>('[role=menuitem]')?.focus();
  }, [open]);
  return (
    <div class="dropdown" ref={ref}>
      <button
        type="button"
        class={['btn', `btn-${props.kind ?? 'secondary'}`, props.iconOnly ? 'btn-icon' : ''].filter(Boolean).join(' ')}
        aria-haspopup="menu"
        aria-expanded={open ? 'true' : 'false'}
        aria-label={props.iconOnly ? props.label : undefined}
        title={props.iconOnly ? props.label : undefined}
        onClick={() => setOpen(!open)}
      >
        {props.icon ? <Icon name={props.icon} size={15} /> : null}
        {props.iconOnly ? null : props.label}
        {props.iconOnly ? null : <Icon name="chevronDown" size={13} />}
      </button>
      {open ? (
        <div class={props.align === 'left' ? 'menu menu-left' : 'menu'} role="menu" aria-label={props.label}>
          {props.items.map((i) =>
            i.href ? (
              <a key={i.id} role="menuitem" class="menu-item" href={i.href} download={i.download ? '' : undefined} onClick={() => setOpen(false)}>
                {i.icon ? <Icon name={i.icon} size={15} /> : null}
                {i.label}
              </a>
            ) : (
              <button
                key={i.id}
                type="button"
                role="menuitem"
                class={i.danger ? 'menu-item is-danger' : 'menu-item'}
                onClick={() => {
                  setOpen(false);
                  i.onSelect?.();
                }}
              >
                {i.icon ? <Icon name={i.icon} size={15} /> : null}
                {i.label}
              </button>
            ),
          )}
        </div>
      ) : null}
    </div>
  );
}

/** Set a ref from a callback ref (forwarding an element to a parent's ref). */
export function setRef<T>(ref: Ref<T> | undefined, v: T | null): void {
  if (!ref) return;
  if (typeof ref === 'function') ref(v);
  else (ref as { current: T | null }).current = v;
}
