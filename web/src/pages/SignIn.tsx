// SPDX-License-Identifier: AGPL-3.0-or-later
// Sign-in page: login + password, errors from the server's problem+json shown
// inline, 429 with Retry-After as "try again in N minutes", language switch.
import { useState } from 'preact/hooks';
import { ApiError, session } from '../api';
import { Alert, Button, LangSwitch, TextField } from '../components/ui';
import { describeError, formErrors } from '../errors';
import { t, tn, type Lang } from '../i18n';
import { getState, navigate, rememberLang, signedIn, update } from '../state';

function safeNext(search: string): string {
  const next = new URLSearchParams(search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

export function SignIn() {
  const st = getState();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});

  const chooseLang = (l: Lang) => {
    rememberLang(l);
    update({ lang: l });
  };

  const submit = async () => {
    const missing: Record<string, string> = {};
    if (!login.trim()) missing.login = t('common.required');
    if (!password) missing.password = t('common.required');
    setFields(missing);
    setError(null);
    if (Object.keys(missing).length) return;
    setBusy(true);
    try {
      const res = await session.signIn(login.trim(), password);
      signedIn(res.data.user, res.data.csrf_token);
      navigate(safeNext(st.search), true);
    } catch (e) {
      setPassword('');
      if (e instanceof ApiError && e.status === 429) {
        const minutes = Math.max(1, Math.ceil((e.retryAfter ?? 60) / 60));
        setError(tn('signin.throttled', minutes));
      } else if (e instanceof ApiError && e.status === 401) {
        setError(describeError(e) || t('signin.failed'));
      } else {
        const fe = formErrors(e, ['login', 'password']);
        setFields(fe.fields);
        setError(fe.form);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="signin">
      <div class="signin-top">
        <LangSwitch value={st.lang} onChange={chooseLang} />
      </div>
      <main class="signin-card">
        <div class="brand brand-lg">
          <span class="brand-mark" aria-hidden="true">k</span>
          <div>
            <div class="brand-name">{t('app.name')}</div>
            <div class="brand-tag">{t('app.tagline')}</div>
          </div>
        </div>
        <h1 class="signin-title">{t('signin.title')}</h1>
        {st.notice ? <Alert kind="info">{t(st.notice)}</Alert> : null}
        <form
          noValidate
          onSubmit={(e: Event) => {
            e.preventDefault();
            void submit();
          }}
        >
          <TextField
            label={t('signin.login')}
            name="login"
            value={login}
            onValue={setLogin}
            autoComplete="username"
            autoFocus
            error={fields.login}
          />
          <TextField
            label={t('signin.password')}
            name="password"
            type="password"
            value={password}
            onValue={setPassword}
            autoComplete="current-password"
            error={fields.password}
          />
          {error ? <Alert>{error}</Alert> : null}
          <Button type="submit" kind="primary" busy={busy}>
            {busy ? t('signin.submitting') : t('signin.submit')}
          </Button>
        </form>
        <p class="signin-foot">{t('signin.forgot')}</p>
      </main>
    </div>
  );
}
