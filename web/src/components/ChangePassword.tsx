// SPDX-License-Identifier: AGPL-3.0-or-later
// Change-password dialog: POST /api/v1/me/password, errors next to the fields.
import { useState } from 'preact/hooks';
import { session } from '../api';
import { formErrors, NO_ERRORS, type FormErrors } from '../errors';
import { t } from '../i18n';
import { toast } from '../state';
import { Alert, Button, Dialog, TextField } from './ui';

export function ChangePasswordDialog({ onClose }: { onClose: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<FormErrors>(NO_ERRORS);

  const submit = async () => {
    const fields: Record<string, string> = {};
    if (!current) fields.current_password = t('common.required');
    if (!next) fields.new_password = t('common.required');
    if (next && repeat !== next) fields.repeat = t('password.mismatch');
    if (Object.keys(fields).length) {
      setErr({ form: null, fields, stale: false });
      return;
    }
    setBusy(true);
    setErr(NO_ERRORS);
    try {
      await session.changePassword(current, next);
      toast(t('password.changed'));
      onClose();
    } catch (e) {
      setErr(formErrors(e, ['current_password', 'new_password']));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={t('password.title')}
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
      <TextField
        label={t('password.current')}
        name="current_password"
        type="password"
        value={current}
        onValue={setCurrent}
        autoComplete="current-password"
        autoFocus
        required
        error={err.fields.current_password}
      />
      <TextField
        label={t('password.new')}
        name="new_password"
        type="password"
        value={next}
        onValue={setNext}
        autoComplete="new-password"
        required
        hint={t('password.hint')}
        error={err.fields.new_password}
      />
      <TextField
        label={t('password.repeat')}
        name="repeat"
        type="password"
        value={repeat}
        onValue={setRepeat}
        autoComplete="new-password"
        required
        error={err.fields.repeat}
      />
      {err.form ? <Alert>{err.form}</Alert> : null}
    </Dialog>
  );
}
