// SPDX-License-Identifier: AGPL-3.0-or-later
// Quick-log: log a call (or any activity) in a few keystrokes from anywhere.
// `l` opens it; type a client's name and Enter picks it; a digit picks the
// outcome (1 reached, 2 no answer, 3 call back → asks when, ...); Enter saves
// (POST /api/v1/activities). Pages that show activities reload on save.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ACTIVITY_TYPES, type Activity, type ActivityType, type Client, type Contact, type Outcome, type Page } from '../api';
import { formErrors, NO_ERRORS, type FormErrors } from '../errors';
import { fromLocalInput, toLocalInput } from '../format';
import { t } from '../i18n';
import { activityReasonName, activityTypeName, outcomeName } from '../labels';
import { closeQuickLog, emit, toast, type QuickLogTarget } from '../state';
import { useActivityReasons } from '../team';
import { ClientPicker } from './ClientPicker';
import { Icon } from './icons';
import { Alert, Button, Dialog, isTyping, Kbd, SelectField, TextField } from './ui';

/** Outcomes in the order of their keys 1…9, 0. */
export const OUTCOME_KEYS: readonly Outcome[] = [
  'reached',
  'no_answer',
  'call_back',
  'interested',
  'offer_requested',
  'not_interested',
  'meeting_agreed',
  'order_placed',
  'wrong_number',
  'sent',
];
const keyOf = (i: number) => String((i + 1) % 10);

const FIELDS = ['client_id', 'contact_id', 'type', 'direction', 'outcome', 'reason', 'callback_at', 'notes', 'duration_s', 'at'] as const;

/** Tomorrow (or the next weekday) at 10:00, local time. */
function defaultCallback(): string {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  while (d.getDay() === 0 || d.getDay() === 6) d.setDate(d.getDate() + 1);
  d.setHours(10, 0, 0, 0);
  return toLocalInput(d);
}

export function QuickLog({ target }: { target: QuickLogTarget }) {
  const [client, setClient] = useState<{ id: number; name: string } | null>(target.client ?? null);
  const [contacts, setContacts] = useState<Contact[] | null>(null);
  const [contactId, setContactId] = useState<string>(target.contactId ? String(target.contactId) : '');
  const [type, setType] = useState<ActivityType>((target.type as ActivityType) ?? 'call');
  const [direction, setDirection] = useState<'out' | 'in'>('out');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [callback, setCallback] = useState(defaultCallback());
  const [reason, setReason] = useState('');
  const [notes, setNotes] = useState('');
  const [minutes, setMinutes] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<FormErrors>(NO_ERRORS);
  const reasons = useActivityReasons();
  const outcomesRef = useRef<HTMLDivElement>(null);
  const notesRef = useRef<HTMLInputElement>(null);
  const callbackRef = useRef<HTMLInputElement>(null);

  // The client's contacts: the one the list named, else the decision maker, else the first.
  useEffect(() => {
    if (!client) return;
    let live = true;
    setContacts(null);
    api
      .get<Page<Contact>>(`clients/${client.id}/contacts`)
      .then((r) => {
        if (!live) return;
        const list = r.data.items ?? [];
        setContacts(list);
        setContactId((cur) => {
          if (cur && list.some((k) => String(k.id) === cur)) return cur;
          const pick = list.find((k) => k.decision_maker) ?? list[0];
          return pick ? String(pick.id) : '';
        });
      })
      .catch(() => live && setContacts([]));
    return () => {
      live = false;
    };
  }, [client?.id]);

  // With a client given, the keys go straight to the outcome.
  useEffect(() => {
    if (client) focusOutcomes();
  }, []);

  function focusOutcomes() {
    setTimeout(() => {
      const el = outcomesRef.current?.querySelector<HTMLElement>('[aria-checked=true]') ?? outcomesRef.current?.querySelector<HTMLElement>('button');
      el?.focus();
    }, 0);
  }

  const choose = (o: Outcome) => {
    setOutcome(o);
    setErr((e) => ({ ...e, fields: { ...e.fields, outcome: '' } }));
    // The notes field is there already: focus it now, so the next keys go to it.
    if (o === 'call_back') setTimeout(() => callbackRef.current?.focus(), 0);
    else notesRef.current?.focus();
  };

  const pickClient = (c: Client) => {
    setClient({ id: c.id, name: c.name });
    setContactId('');
    setErr(NO_ERRORS);
    focusOutcomes();
  };

  const needsReason = direction === 'in' && type !== 'note';

  const submit = async () => {
    if (busy) return;
    if (!client) {
      setErr({ form: null, fields: { client_id: t('quicklog.pickClient') }, stale: false });
      return;
    }
    const body: Record<string, unknown> = { client_id: client.id, type, direction };
    if (contactId) body.contact_id = Number(contactId);
    if (outcome) body.outcome = outcome;
    if (outcome === 'call_back') body.callback_at = fromLocalInput(callback);
    if (needsReason && reason) body.reason = reason;
    if (notes.trim()) body.notes = notes.trim();
    const m = Number(minutes.replace(',', '.'));
    if (minutes.trim() && Number.isFinite(m) && m >= 0) body.duration_s = Math.round(m * 60);
    setBusy(true);
    setErr(NO_ERRORS);
    try {
      await api.post<Activity>('activities', body);
      toast(t('quicklog.saved', { type: activityTypeName(type), client: client.name }));
      closeQuickLog();
      emit('activity');
    } catch (e) {
      setErr(formErrors(e, FIELDS));
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const el = e.target as HTMLElement;
    if (!isTyping(el) && /^[0-9]$/.test(e.key)) {
      const i = e.key === '0' ? 9 : Number(e.key) - 1;
      const o = OUTCOME_KEYS[i];
      if (o) {
        e.preventDefault();
        choose(o);
      }
      return;
    }
    // Enter on a chosen button saves (a button would otherwise just be pressed again).
    if (e.key === 'Enter' && el instanceof HTMLButtonElement && el.dataset.outcome) {
      e.preventDefault();
      void submit();
    }
  };

  return (
    <Dialog
      title={t('quicklog.title')}
      wide
      class="quicklog"
      onClose={closeQuickLog}
      onSubmit={() => void submit()}
      onKeyDown={onKeyDown}
      footer={
        <>
          <span class="dialog-hint">
            <Kbd>1</Kbd>–<Kbd>9</Kbd> {t('quicklog.hintOutcome')} · <Kbd>Enter</Kbd> {t('quicklog.hintSave')}
          </span>
          <Button onClick={closeQuickLog}>{t('common.cancel')}</Button>
          <Button type="submit" kind="primary" busy={busy}>
            {t('common.save')}
          </Button>
        </>
      }
    >
      {client ? (
        <div class="field" data-field="client_id">
          <span class="field-label">{t('quicklog.client')}</span>
          <div class="picked">
            <Icon name="briefcase" size={14} />
            <strong class="picked-name">{client.name}</strong>
            <button
              type="button"
              class="link-btn"
              onClick={() => {
                setClient(null);
                setContacts(null);
              }}
            >
              {t('quicklog.change')}
            </button>
          </div>
        </div>
      ) : (
        <ClientPicker label={t('quicklog.client')} onPick={pickClient} autoFocus error={err.fields.client_id} />
      )}

      <div class="form-grid">
        <SelectField
          label={t('quicklog.contact')}
          name="contact_id"
          value={contactId}
          onValue={setContactId}
          disabled={!client || contacts === null}
          options={[
            { value: '', label: t('quicklog.noContact') },
            ...(contacts ?? []).map((k) => ({ value: String(k.id), label: k.position ? `${k.name} (${k.position})` : k.name })),
          ]}
          error={err.fields.contact_id}
        />
        <SelectField
          label={t('quicklog.type')}
          name="type"
          value={type}
          onValue={(v) => setType(v as ActivityType)}
          options={ACTIVITY_TYPES.map((x) => ({ value: x, label: activityTypeName(x) }))}
          error={err.fields.type}
        />
      </div>

      <div class="field" data-field="direction">
        <span class="field-label" id="ql-dir">
          {t('quicklog.direction')}
        </span>
        <div class="segmented" role="radiogroup" aria-labelledby="ql-dir">
          {(['out', 'in'] as const).map((d) => (
            <button key={d} type="button" role="radio" aria-checked={direction === d ? 'true' : 'false'} class={direction === d ? 'seg is-on' : 'seg'} onClick={() => setDirection(d)}>
              {t(d === 'out' ? 'activity.out' : 'activity.in')}
            </button>
          ))}
        </div>
      </div>

      <div class={err.fields.outcome ? 'field has-error' : 'field'} data-field="outcome">
        <span class="field-label" id="ql-outcome">
          {t('quicklog.outcome')}
        </span>
        <div class="outcomes" role="radiogroup" aria-labelledby="ql-outcome" ref={outcomesRef}>
          {OUTCOME_KEYS.map((o, i) => (
            <button
              key={o}
              type="button"
              role="radio"
              data-outcome={o}
              aria-checked={outcome === o ? 'true' : 'false'}
              aria-keyshortcuts={keyOf(i)}
              class={outcome === o ? 'outcome is-on' : 'outcome'}
              onClick={() => choose(o)}
            >
              <kbd class="kbd">{keyOf(i)}</kbd>
              <span>{outcomeName(o)}</span>
            </button>
          ))}
        </div>
        {err.fields.outcome ? <p class="field-error">{err.fields.outcome}</p> : null}
      </div>

      {outcome === 'call_back' ? (
        <div class={err.fields.callback_at ? 'field has-error' : 'field'} data-field="callback_at">
          <label for="ql-callback">{t('quicklog.callback')}</label>
          <input
            ref={callbackRef}
            id="ql-callback"
            type="datetime-local"
            value={callback}
            onInput={(e) => setCallback(e.currentTarget.value)}
            aria-invalid={err.fields.callback_at ? 'true' : undefined}
          />
          {err.fields.callback_at ? <p class="field-error">{err.fields.callback_at}</p> : null}
        </div>
      ) : null}

      {needsReason ? (
        <SelectField
          label={t('quicklog.reason')}
          name="reason"
          value={reason}
          onValue={setReason}
          options={[{ value: '', label: t('common.none') }, ...reasons.filter((r) => r.active).map((r) => ({ value: r.code, label: activityReasonName(reasons, r.code) }))]}
          error={err.fields.reason}
          required
        />
      ) : null}

      <div class="form-grid form-grid-notes">
        <div class={err.fields.notes ? 'field has-error' : 'field'} data-field="notes">
          <label for="ql-notes">{t('quicklog.notes')}</label>
          <input ref={notesRef} id="ql-notes" type="text" value={notes} maxLength={5000} autoComplete="off" onInput={(e) => setNotes(e.currentTarget.value)} />
          {err.fields.notes ? <p class="field-error">{err.fields.notes}</p> : null}
        </div>
        {type === 'call' || type === 'meeting' || type === 'visit' ? (
          <TextField label={t('quicklog.duration')} name="duration_s" value={minutes} onValue={setMinutes} inputMode="decimal" error={err.fields.duration_s} />
        ) : (
          <span />
        )}
      </div>
      {err.form ? <Alert>{err.form}</Alert> : null}
    </Dialog>
  );
}
