/**
 * The operator: the project clock (advance), suspend / reinstate / renew a subscription and its billing ledger,
 * publishers and their Entra apps, test-drive pools and instances, the cleanup run and what it did. The chosen
 * subscription and publisher are in the URL.
 */
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { call, enc, post, rowsOf } from '../api';
import { ErrorNote, Field, Section, Table, str, textColumns, useAction, useResource } from '../ui';

type Row = Record<string, unknown>;

function Clock() {
  const clock = useResource<Row>('/api/admin/clock', true);
  const [advance, setAdvance] = useState('P1D');
  const { error, busy, run } = useAction();
  return (
    <Section title="Project clock">
      <p>
        Now: <strong data-testid="clock-now">{str(clock.data?.['now'])}</strong> (offset {str(clock.data?.['offsetMs'])} ms)
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await call('PUT', '/api/admin/clock', { advance });
            await clock.reload();
          });
        }}
      >
        <Field label="Advance by (ISO 8601 duration)" path="advance" value={advance} onInput={setAdvance} error={error} />
        <button type="submit" disabled={busy}>
          Advance the clock
        </button>
      </form>
      <ErrorNote error={error ?? clock.error} />
    </Section>
  );
}

function SubscriptionActions({ id }: { id: string }) {
  const ledger = useResource<Row>(`/api/admin/subscriptions/${enc(id)}/ledger`, true);
  const { error, busy, run } = useAction();
  const act = (what: 'suspend' | 'reinstate' | 'renew') =>
    void run(async () => {
      await post(`/api/admin/subscriptions/${enc(id)}/${what}`);
      await ledger.reload();
    });
  return (
    <Section title={`Subscription ${id}`}>
      {(['suspend', 'reinstate', 'renew'] as const).map((what) => (
        <button key={what} type="button" disabled={busy} onClick={() => act(what)}>
          {what[0]?.toUpperCase()}
          {what.slice(1)}
        </button>
      ))}
      <ErrorNote error={error ?? ledger.error} />
      <Table
        caption="Billing ledger"
        rows={rowsOf(ledger.data)}
        empty="Nothing billed yet."
        columns={[
          { label: 'Event', cell: (r) => str(r['type'] ?? r['event'] ?? r['kind']) },
          { label: 'At', cell: (r) => str(r['at'] ?? r['timestamp']) },
          { label: 'Plan', cell: (r) => str(r['planId']) },
          { label: 'Term', cell: (r) => `${str(r['termStart'] ?? r['periodStart'])} – ${str(r['termEnd'] ?? r['periodEnd'])}` },
          { label: 'Charged', cell: (r) => str(r['charged'] ?? r['amountUSD']) },
        ]}
      />
    </Section>
  );
}

function Lookup({ label, name, value, onGo }: { label: string; name: string; value: string; onGo: (v: string) => void }) {
  const [draft, setDraft] = useState(value);
  return (
    <form onSubmit={(e) => (e.preventDefault(), onGo(draft))}>
      <Field label={label} path={name} value={draft} onInput={setDraft} />
      <button type="submit">Show</button>
    </form>
  );
}

function PublisherApps({ publisherId }: { publisherId: string }) {
  const apps = useResource<Row>(`/api/admin/publishers/${enc(publisherId)}/apps`);
  const rows = rowsOf(apps.data);
  return (
    <>
      <ErrorNote error={apps.error} />
      <Table
        caption={`Entra apps of ${publisherId}`}
        rows={rows}
        empty="No app registered."
        columns={textColumns(Object.keys(rows[0] ?? {}))}
      />
    </>
  );
}

function TestDrives() {
  const pools = useResource<Row>('/api/admin/testdrive/pools', true);
  const cleanup = useResource<Row>('/api/admin/testdrive/cleanup');
  const { error, busy, run } = useAction();
  const rows = rowsOf(pools.data);
  return (
    <Section title="Test drives">
      <ErrorNote error={error ?? pools.error} />
      <Table caption="Pools" rows={rows} empty="No test-drive pools." columns={textColumns(Object.keys(rows[0] ?? {}).filter((k) => typeof rows[0]?.[k] !== 'object'))} />
      <button
        type="button"
        disabled={busy}
        onClick={() =>
          void run(async () => {
            await post('/api/admin/testdrive/cleanup');
            await cleanup.reload();
          })
        }
      >
        Run the cleanup now
      </button>
      <h3>Last cleanup</h3>
      {/* Focusable, so a keyboard user can scroll a wide report (axe: scrollable-region-focusable). */}
      <pre tabIndex={0} role="region" aria-label="Last cleanup report">
        {cleanup.data ? JSON.stringify(cleanup.data, null, 2) : 'No cleanup has run yet.'}
      </pre>
    </Section>
  );
}

export function Operator() {
  const { path, query, route } = useLocation();
  const go = (key: string) => (value: string) => route(`${path}?${new URLSearchParams({ ...query, [key]: value }).toString()}`, true);
  return (
    <>
      <Clock />
      <Section title="Subscriptions">
        <Lookup label="Subscription id" name="subscription" value={query['subscription'] ?? ''} onGo={go('subscription')} />
      </Section>
      {query['subscription'] ? <SubscriptionActions key={query['subscription']} id={query['subscription']} /> : null}
      <Section title="Publishers">
        <Lookup label="Publisher id" name="publisher" value={query['publisher'] ?? ''} onGo={go('publisher')} />
        {query['publisher'] ? <PublisherApps key={query['publisher']} publisherId={query['publisher']} /> : null}
      </Section>
      <TestDrives />
    </>
  );
}
