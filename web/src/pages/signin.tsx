/** Sign-in: locally, pick a principal; with AUTH_MODE=entra, Entra ID (decision 1001). */
import { useEffect, useState } from 'preact/hooks';
import { errorOf } from '../api';
import { loadConfig, signInEntra, signInLocal, SignInRefused, type Choice, type Principal } from '../auth';
import { ErrorNote, Field, useAction } from '../ui';

export function SignIn({ onSignedIn }: { onSignedIn: (p: Principal) => void }) {
  const [kind, setKind] = useState<Choice['kind']>('customer');
  const [tenant, setTenant] = useState('fabrikam');
  const [user, setUser] = useState('ann');
  const [email, setEmail] = useState('ann@fabrikam.example');
  const [publisherId, setPublisherId] = useState('contoso');
  const [licenseAdmin, setLicenseAdmin] = useState(false);
  const [entra, setEntra] = useState(false);
  const { error, busy, run, setError } = useAction();
  useEffect(() => void loadConfig().then((c) => setEntra(c.authMode === 'entra')), []);

  const submit = async (e: Event) => {
    e.preventDefault();
    const choice: Choice =
      kind === 'customer'
        ? { kind, tenant, user, ...(email ? { email } : {}), ...(licenseAdmin ? { roles: ['License Administrator'] } : {}) }
         : kind === 'publisher' ? { kind, publisherId } : { kind };
    try {
      onSignedIn(await signInLocal(choice));
    } catch (err) {
      if (err instanceof SignInRefused) setError(errorOf(err.status, err.body));
      else setError({ status: 0, message: err instanceof Error ? err.message : String(err), fields: {} });
    }
  };

  if (entra) {
    return (
      <section aria-label="Sign in">
        <h1>Sign in</h1>
        <button type="button" disabled={busy} onClick={() => void run(async () => onSignedIn(await signInEntra()))}>
          Sign in with Microsoft
        </button>
        <ErrorNote error={error} />
      </section>
    );
  }
  return (
    <section aria-label="Sign in">
      <h1>Sign in</h1>
      <p>Pick who you are. The console gets a token from the local issuer, as `npm run -s token` would.</p>
      <form onSubmit={(e) => void submit(e)}>
        <fieldset>
          <legend>Principal</legend>
          {(['customer', 'publisher', 'operator'] as const).map((k) => (
            <label key={k} class="choice">
              <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} /> {k}
            </label>
          ))}
        </fieldset>
        {kind === 'customer' ? (
          <>
            <Field label="Tenant" path="tenant" value={tenant} onInput={setTenant} error={error} hint="A name or a GUID" />
            <Field label="User" path="user" value={user} onInput={setUser} error={error} />
            <Field label="E-mail" path="email" value={email} onInput={setEmail} error={error} type="email" />
            <div class="field">
              <label>
                <input type="checkbox" checked={licenseAdmin} onChange={(e) => setLicenseAdmin((e.target as HTMLInputElement).checked)} /> License administrator role
              </label>
            </div>
          </>
        ) : null}
        {kind === 'publisher' ? <Field label="Publisher id" path="publisherId" value={publisherId} onInput={setPublisherId} error={error} /> : null}
        <button type="submit">Sign in</button>
        <ErrorNote error={error} />
      </form>
    </section>
  );
}
