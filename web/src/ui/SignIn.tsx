import { useState, type FormEvent } from 'react';
import { t } from '../i18n';
import { Brand } from './Brand';
import { LanguageSelect } from './LanguageSelect';
import { ProblemBanner } from './ProblemBanner';
import { usePhone } from './phone-context';

const selectMode = (s: { config: { mode: string } | null }) => s.config?.mode ?? null;

export function SignIn() {
  const [mode, phone] = usePhone(selectMode);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const problem = await phone.signIn(username.trim(), password);
    setBusy(false);
    if (problem) setError(problem);
  }

  return (
    <main className="signin">
      <div className="signin-card">
        <Brand />
        <h1>{t('signIn.title')}</h1>
        <ProblemBanner />
        <form onSubmit={submit} aria-describedby={error ? 'signin-error' : undefined}>
          <label className="field">
            <span>{t('signIn.username')}</span>
            <input
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </label>
          <label className="field">
            <span>{t('signIn.password')}</span>
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <p id="signin-error" className="form-error" role="alert">
            {error}
          </p>
          <button type="submit" className="btn btn-primary btn-wide" disabled={busy}>
            {busy ? t('signIn.busy') : t('signIn.submit')}
          </button>
        </form>
        {mode === 'local' && <p className="hint">{t('signIn.localHint')}</p>}
        <LanguageSelect />
      </div>
    </main>
  );
}
