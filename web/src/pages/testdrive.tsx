/**
 * The customer's test drive of an offer (specs/testdrive.md; decision 1004): ask for one with the consent the API
 * requires, then the drive's state, polled until it has ended, and — only while it is Active, and only to the
 * customer who asked (the API answers 404 to anybody else) — the access information, the sign-in and the template's
 * outputs; end it early. The drive's id is in the URL (`?drive=`), so a reload shows the same drive.
 */
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { enc, post } from '../api';
import { ErrorNote, Field, Table, str, useAction, useResource } from '../ui';

type Row = Record<string, unknown>;

function Drive({ id }: { id: string }) {
  const drive = useResource<Row>(`/api/storefront/testdrives/${enc(id)}`, true);
  const { error, busy, run } = useAction();
  const d = drive.data;
  const access = d?.['access'] as { username?: string; password?: string; sessionId?: string } | undefined;
  const outputs = Object.entries((d?.['outputs'] as Row | undefined) ?? {}).map(([name, value]) => ({ name, value }));
  const ended = d?.['state'] === 'Ended';
  return (
    <article class="plan" aria-label={`Test drive ${id}`}>
      <ErrorNote error={error ?? drive.error} />
      {d ? (
        <>
          <h3>
            Test drive <span class="state">{str(d['state'])}</span>
          </h3>
          <dl class="facts">
            <div>
              <dt>Instance</dt>
              <dd>
                {str(d['tier'])} in {str(d['region'])}, {str(d['durationHours'])} hours
              </dd>
            </div>
            <div>
              <dt>Requested</dt>
              <dd>{str(d['requestedAt'])}</dd>
            </div>
            {d['expiresAt'] ? (
              <div>
                <dt>Ends at</dt>
                <dd>{str(d['expiresAt'])}</dd>
              </div>
            ) : null}
            {d['estimatedWaitMinutes'] !== undefined ? (
              <div>
                <dt>Ready in about</dt>
                <dd>{str(d['estimatedWaitMinutes'])} minutes</dd>
              </div>
            ) : null}
            {d['endedAt'] ? (
              <div>
                <dt>Ended</dt>
                <dd>
                  {str(d['endedAt'])} ({str(d['endReason'])})
                </dd>
              </div>
            ) : null}
          </dl>
          {d['description'] ? <p>{str(d['description'])}</p> : null}
          {access ? (
            <section aria-label="Access details">
              <h4>Access details</h4>
              <p>{str(d['accessInformation'])}</p>
              <dl class="facts">
                <div>
                  <dt>User name</dt>
                  <dd>
                    <code>{str(access.username)}</code>
                  </dd>
                </div>
                <div>
                  <dt>Password</dt>
                  <dd>
                    <code>{str(access.password)}</code>
                  </dd>
                </div>
              </dl>
              <Table caption="Outputs" rows={outputs} empty="No outputs." columns={[{ label: 'Output', cell: (r) => r.name }, { label: 'Value', cell: (r) => str(r.value) }]} />
            </section>
          ) : null}
          {ended ? null : (
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  await post(`/api/storefront/testdrives/${enc(id)}/end`);
                  await drive.reload();
                })
              }
            >
              End the test drive
            </button>
          )}
        </>
      ) : drive.error ? null : (
        <p aria-busy="true">Loading…</p>
      )}
    </article>
  );
}

export function TestDrive({ publisherId, offerId }: { publisherId: string; offerId: string }) {
  const { path, query, route } = useLocation();
  const [email, setEmail] = useState('');
  const [consent, setConsent] = useState(false);
  const { error, busy, run } = useAction();
  const consentError = error?.fields['consent.given'];
  const take = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const d = await post<{ id: string }>('/api/storefront/testdrives', {
        publisherId,
        offerId,
        ...(email ? { UserDetails: { Email: email } } : {}),
        Consent: { Given: consent, At: new Date().toISOString() },
      });
      route(`${path}?${new URLSearchParams({ ...query, drive: d.id }).toString()}`, true);
    });
  };
  return (
    <div>
      <form onSubmit={take} aria-label="Take a test drive">
        <Field label="Work e-mail (optional)" path="UserDetails.Email" value={email} onInput={setEmail} error={error} />
        <div class="field">
          <label>
            <input
              type="checkbox"
              name="Consent.Given"
              checked={consent}
              onChange={(e) => setConsent((e.target as HTMLInputElement).checked)}
              aria-invalid={consentError ? 'true' : undefined}
              aria-describedby={consentError ? 'consent-error' : undefined}
            />{' '}
            I agree that the publisher may contact me about this offer
          </label>
          {consentError ? (
            <span class="field-error" id="consent-error">
              {consentError}
            </span>
          ) : null}
        </div>
        <button type="submit" disabled={busy}>
          Take a test drive
        </button>
        <ErrorNote error={error} />
      </form>
      {query['drive'] ? <Drive key={query['drive']} id={query['drive']} /> : null}
    </div>
  );
}
