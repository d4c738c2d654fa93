// Sign in with a token: the super-admin's ADMIN_TOKEN or a station admin token. It is sent once, in
// a header, for a session cookie; it never goes into the address bar, the history or storage.
import { useState } from 'preact/hooks';
import { ApiError, api, type Session } from '../api';
import type { T } from '../i18n';
import { LanguageSelect } from '../components/language-select';
import type { Prefs } from '../prefs';

export function SignIn({
  t,
  prefs,
  setPrefs,
  onSignedIn,
}: {
  t: T;
  prefs: Prefs;
  setPrefs: (change: Partial<Prefs>) => void;
  onSignedIn: (session: Session) => void;
}) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!token.trim()) {
      setError(t('signIn.empty'));
      return;
    }
    setBusy(true);
    setError('');
    try {
      const session = await api.signIn(token.trim());
      setToken('');
      onSignedIn(session);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('signIn.wrong') : t('signIn.failed'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <form class="card sign-in-card" onSubmit={submit} method="post" action="#">
        <div class="brand-mark big" aria-hidden="true">
          🛡
        </div>
        <h1>{t('app.title')}</h1>
        <p class="muted">{t('signIn.intro')}</p>
        <label class="field">
          <span>{t('signIn.token')}</span>
          <input
            type="password"
            name="token"
            autocomplete="off"
            spellcheck={false}
            value={token}
            onInput={(e) => setToken((e.target as HTMLInputElement).value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'sign-in-error' : undefined}
          />
        </label>
        {error ? (
          <p id="sign-in-error" class="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="button primary wide" disabled={busy}>
          {busy ? t('common.wait') : t('signIn.submit')}
        </button>
        <p class="small muted">{t('signIn.help')}</p>
        <LanguageSelect t={t} lang={prefs.lang} onChange={(l) => setPrefs({ lang: l })} />
      </form>
    </main>
  );
}
