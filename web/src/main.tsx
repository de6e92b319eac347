// SPDX-License-Identifier: AGPL-3.0-or-later
// Entry point: finds out who is signed in (GET /api/v1/me), then renders the
// sign-in page or the application frame for the current path.
import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import { ApiError, session, setUnauthorizedHandler } from './api';
import { Frame } from './components/Frame';
import { Icon } from './components/icons';
import { Button, Loading, Toasts } from './components/ui';
import { describeError } from './errors';
import { t } from './i18n';
import { SignIn } from './pages/SignIn';
import { resolve, titleOf } from './routes';
import { forgetTeam } from './team';
import { anonymousLang, getState, navigate, signedIn, signedOut, update, useAppState } from './state';
import './styles.css';

function loginPath(): string {
  const { path, search } = getState();
  return path === '/' || path === '/login' ? '/login' : `/login?next=${encodeURIComponent(path + search)}`;
}

setUnauthorizedHandler(() => {
  if (!getState().user) return;
  const to = loginPath();
  forgetTeam();
  signedOut('signin.expired');
  navigate(to, true);
});

let bootError: string | null = null;

async function boot(): Promise<void> {
  update({ lang: anonymousLang(), booting: true });
  bootError = null;
  try {
    const res = await session.me();
    signedIn(res.data, res.data.csrf_token);
    if (getState().path === '/login') navigate('/', true);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      signedOut();
      if (getState().path !== '/login') navigate(loginPath(), true);
    } else {
      bootError = describeError(e);
    }
  }
  update({ booting: false });
}

function Message({ text, back }: { text: string; back?: boolean }) {
  return (
    <div class="page message-page">
      <Icon name="alert" size={28} />
      <p>{text}</p>
      {back ? (
        <Button onClick={() => navigate('/')} icon="home">
          {t('error.back')}
        </Button>
      ) : null}
    </div>
  );
}

function App() {
  const st = useAppState();

  useEffect(() => {
    // Signed out but on an application path (back button after sign-out): go to sign-in.
    if (!st.booting && !bootError && !st.user && st.path !== '/login') navigate(loginPath(), true);
    if (!st.booting && st.user && st.path === '/login') navigate('/', true);
  }, [st.booting, st.user, st.path]);

  useEffect(() => {
    if (!st.user) document.title = `${t('signin.submit')} · klientas`;
  }, [st.user, st.lang]);

  let body;
  if (st.booting) body = <div class="boot"><Loading /></div>;
  else if (bootError)
    body = (
      <div class="boot">
        <Message text={bootError} />
        <Button onClick={() => void boot()} icon="refresh">
          {t('common.reload')}
        </Button>
      </div>
    );
  else if (!st.user) body = <SignIn />;
  else {
    const r = resolve(st.path, st.user);
    body = (
      <Frame user={st.user} lang={st.lang} path={st.path} title={titleOf(r, st.user)} quickLog={st.quickLog}>
        {r.kind === 'page' ? (
          <div key={r.route.group ?? r.route.path}>{r.route.render(st.user, r.params)}</div>
        ) : (
          <Message text={titleOf(r, st.user)} back />
        )}
      </Frame>
    );
  }
  return (
    <>
      {body}
      <Toasts toasts={st.toasts} />
    </>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
void boot();
