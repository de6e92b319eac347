// SPDX-License-Identifier: AGPL-3.0-or-later
// Instant client search (GET /api/v1/clients?q=, debounced ~150 ms) as a
// combobox: type, arrows move, Enter picks the highlighted (or the first)
// result, Esc closes the list. Used by the quick-log and task dialogs.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { api, type Client, type Page } from '../api';
import { t } from '../i18n';
import { Icon } from './icons';

/** A value that follows `value` after `ms` of quiet. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const h = setTimeout(() => setV(value), ms);
    return () => clearTimeout(h);
  }, [value, ms]);
  return v;
}

/** Clients matching q (best first), null while the first answer is awaited. */
export function useClientSearch(q: string, limit = 8): { items: Client[] | null; busy: boolean } {
  const [items, setItems] = useState<Client[] | null>(null);
  const [busy, setBusy] = useState(false);
  const dq = useDebounced(q.trim(), 150);
  useEffect(() => {
    if (!dq) {
      setItems(null);
      setBusy(false);
      return;
    }
    const ctl = new AbortController();
    setBusy(true);
    api
      .get<Page<Client>>('clients', { query: { q: dq }, signal: ctl.signal })
      .then((r) => {
        setItems((r.data.items ?? []).slice(0, limit));
        setBusy(false);
      })
      .catch(() => {
        if (!ctl.signal.aborted) {
          setItems([]);
          setBusy(false);
        }
      });
    return () => ctl.abort();
  }, [dq, limit]);
  return { items: dq ? items : null, busy: busy || q.trim() !== dq };
}

export function ClientPicker(props: {
  label: string;
  onPick: (c: Client) => void;
  autoFocus?: boolean;
  error?: string | undefined;
  name?: string;
}) {
  const id = useId();
  const listId = `${id}-list`;
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const [hi, setHi] = useState(0);
  const { items, busy } = useClientSearch(q);
  const ref = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (props.autoFocus) ref.current?.focus();
  }, []);
  useEffect(() => setHi(0), [items]);

  const pick = (c: Client | undefined) => {
    if (!c) return;
    setOpen(false);
    props.onPick(c);
  };

  const showList = open && q.trim() !== '';
  return (
    <div class={props.error ? 'field has-error picker' : 'field picker'} data-field={props.name ?? 'client_id'}>
      <label for={id}>{props.label}</label>
      <div class="picker-box">
        <Icon name="search" size={14} />
        <input
          ref={ref}
          id={id}
          type="text"
          role="combobox"
          autoComplete="off"
          spellcheck={false}
          aria-expanded={showList ? 'true' : 'false'}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={showList && items?.[hi] ? `${id}-o${hi}` : undefined}
          aria-invalid={props.error ? 'true' : undefined}
          placeholder={t('quicklog.clientSearch')}
          data-autofocus={props.autoFocus ? '' : undefined}
          value={q}
          onInput={(e) => {
            setQ(e.currentTarget.value);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onKeyDown={(e: KeyboardEvent) => {
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              const n = items?.length ?? 0;
              if (n) setHi((h) => (h + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
              setOpen(true);
            } else if (e.key === 'Enter') {
              e.preventDefault();
              e.stopPropagation();
              if (!busy) pick(items?.[hi] ?? items?.[0]);
            } else if (e.key === 'Escape' && showList) {
              // Closes the list; the dialog then only leaves the field (a second Esc closes it).
              setOpen(false);
            }
          }}
        />
        {busy && q.trim() ? <span class="spinner" aria-hidden="true" /> : null}
      </div>
      {showList ? (
        <ul class="picker-list" role="listbox" id={listId} aria-label={props.label}>
          {items === null ? (
            <li class="picker-note">{t('quicklog.searching')}</li>
          ) : items.length === 0 ? (
            <li class="picker-note">{busy ? t('quicklog.searching') : t('quicklog.noResults')}</li>
          ) : (
            items.map((c, i) => (
              <li
                key={c.id}
                id={`${id}-o${i}`}
                role="option"
                aria-selected={i === hi ? 'true' : 'false'}
                class={i === hi ? 'picker-item is-hi' : 'picker-item'}
                onMouseDown={(e: MouseEvent) => {
                  e.preventDefault();
                  pick(c);
                }}
                onMouseEnter={() => setHi(i)}
              >
                <span class="picker-name">{c.name}</span>
                <span class="picker-meta">{[c.company_code, c.city].filter(Boolean).join(' · ')}</span>
              </li>
            ))
          )}
        </ul>
      ) : null}
      {props.error ? (
        <p class="field-error">
          <Icon name="alert" size={13} />
          <span>{props.error}</span>
        </p>
      ) : null}
    </div>
  );
}
