/**
 * A customer tenant's license seats and their assignment (specs/saas-licensing.md; decisions 0800–0806; decision
 * 1007): the tenant's pools with provisioned, assigned, reserved and available seats (polled); a license
 * administrator links a per-seat subscription to the pool, assigns a seat to a user with Partner Center's
 * `licenseupdates`, and removes users in bulk, following the removal batch (its id in the URL, polled) until each
 * user is Removed. The API's own message ("you have run out of licenses") shows next to the user field.
 */
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { call, enc, post, rowsOf, type ApiError } from '../api';
import { principal } from '../auth';
import { ErrorNote, Field, Section, Table, str, useAction, useResource } from '../ui';

type Row = Record<string, unknown>;
const tenantId = () => principal()?.tenantId ?? '';
/** Partner Center's error body (`{code, description, source}`) names no field; it is about the user asked for. */
const onUser = (e: ApiError | undefined): ApiError | undefined => (e && Object.keys(e.fields).length === 0 ? { ...e, fields: { userid: e.message } } : e);

function PoolSelect({ pools, value, onChange, id }: { pools: Row[]; value: string; onChange: (v: string) => void; id: string }) {
  return (
    <div class="field">
      <label for={id}>Plan</label>
      <select id={id} value={value || str(pools[0]?.['serviceId'])} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        {pools.map((p) => (
          <option key={str(p['serviceId'])} value={str(p['serviceId'])}>
            {str(p['offerId'])} / {str(p['planId'])}
          </option>
        ))}
      </select>
    </div>
  );
}

function LinkSubscription({ onLinked }: { onLinked: () => void }) {
  const subs = useResource<Row>('/api/storefront/subscriptions');
  const live = rowsOf(subs.data).filter((s) => s['saasSubscriptionStatus'] !== 'Unsubscribed');
  const [sub, setSub] = useState('');
  const [customerName, setCustomerName] = useState('');
  const [country, setCountry] = useState('');
  const { error, busy, run } = useAction();
  const chosen = sub || str(live[0]?.['id']);
  return (
    <form
      aria-label="Link a subscription"
      onSubmit={(e) => {
        e.preventDefault();
        void run(async () => {
          await call('PUT', `/api/licensing/tenants/${enc(tenantId())}/subscriptions/${enc(chosen)}`, {
            ...(customerName ? { customerName } : {}),
            ...(country ? { countryCode: country } : {}),
          });
          onLinked();
        });
      }}
    >
      <div class="field">
        <label for="link-subscription">Subscription</label>
        <select id="link-subscription" value={chosen} onChange={(e) => setSub((e.target as HTMLSelectElement).value)}>
          {live.map((s) => (
            <option key={str(s['id'])} value={str(s['id'])}>
              {str(s['offerId'])} / {str(s['planId'])} × {str(s['quantity'])} ({str(s['id'])})
            </option>
          ))}
        </select>
      </div>
      <Field label="Organisation name" path="customerName" value={customerName} onInput={setCustomerName} error={error} />
      <Field label="Country code" path="countryCode" value={country} onInput={setCountry} error={error} />
      <button type="submit" disabled={busy || !chosen}>
        Link to the license pool
      </button>
      <ErrorNote error={error ?? subs.error} />
    </form>
  );
}

function Assign({ pools, onDone }: { pools: Row[]; onDone: () => void }) {
  const [user, setUser] = useState('');
  const [service, setService] = useState('');
  const [done, setDone] = useState('');
  const { error, busy, run } = useAction();
  const pool = pools.find((p) => p['serviceId'] === service) ?? pools[0];
  const shown = onUser(error);
  return (
    <form
      aria-label="Assign a license"
      onSubmit={(e) => {
        e.preventDefault();
        setDone('');
        void run(async () => {
          await post(`/v1/customers/${enc(tenantId())}/users/${enc(user)}/licenseupdates`, { licensesToAssign: [{ skuId: str(pool?.['skuId']) }] });
          setDone(user);
          onDone();
        });
      }}
    >
      <PoolSelect id="assign-pool" pools={pools} value={service} onChange={setService} />
      <Field label="User object id" path="userId" value={user} onInput={setUser} error={shown} hint="The user's Entra object id (a GUID)" />
      <button type="submit" disabled={busy || !pool}>
        Assign a license
      </button>
      {done ? <p role="status">A license of {str(pool?.['planId'])} is assigned to {done}.</p> : null}
      {/* Shown once: by the user field when it is about the user, else here. */}
      <ErrorNote error={shown?.fields['userid'] ? undefined : error} />
    </form>
  );
}

function Remove({ pools }: { pools: Row[] }) {
  const { path, query, route } = useLocation();
  const [users, setUsers] = useState('');
  const [service, setService] = useState('');
  const { error, busy, run } = useAction();
  const serviceId = service || str(pools[0]?.['serviceId']);
  return (
    <form
      aria-label="Remove licenses"
      onSubmit={(e) => {
        e.preventDefault();
        void run(async () => {
          const userIds = users.split(/[\s,;]+/).filter(Boolean);
          const batch = await post<{ batchId: string }>(`/api/licensing/tenants/${enc(tenantId())}/pools/${enc(serviceId)}/unassignments`, { userIds });
          route(`${path}?${new URLSearchParams({ ...query, batch: batch.batchId }).toString()}`, true);
        });
      }}
    >
      <PoolSelect id="remove-pool" pools={pools} value={service} onChange={setService} />
      <Field wide label="Users to remove" path="userIds" value={users} onInput={setUsers} error={error} hint="Object ids, separated by commas or spaces" />
      <button type="submit" disabled={busy || !serviceId}>
        Remove their licenses
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

function Batch({ id }: { id: string }) {
  const batch = useResource<Row>(`/api/licensing/batches/${enc(id)}`, true);
  const b = batch.data;
  const counts = (b?.['counts'] as Row | undefined) ?? {};
  return (
    <Section title={`Batch ${id}`}>
      <ErrorNote error={batch.error} />
      {b ? (
        <p>
          {str(b['kind'])} of {str(b['total'])} users: {str(counts['done'])} done, {str(counts['pending'])} pending, {str(counts['failed'])} failed
        </p>
      ) : null}
      <Table
        caption="Users in the batch"
        rows={rowsOf({ items: b?.['items'] })}
        empty="No user to change."
        columns={[
          { label: 'User', cell: (r) => <code>{str(r['userId'])}</code> },
          { label: 'State', cell: (r) => str(r['state']) },
          { label: 'Shown as', cell: (r) => str(r['displayStatus']) },
          { label: 'Retry', cell: (r) => (r['retryable'] === true ? 'failed, can be retried' : '') },
        ]}
      />
      <Table
        caption="Users skipped"
        rows={rowsOf({ skipped: b?.['skipped'] })}
        empty="No user skipped."
        columns={[
          { label: 'User', cell: (r) => <code>{str(r['userId'])}</code> },
          { label: 'Why', cell: (r) => str((r['warning'] as Row | undefined)?.['message'] ?? r['reason']) },
        ]}
      />
    </Section>
  );
}

export function MyLicenses() {
  const { query } = useLocation();
  const pools = useResource<Row>(`/api/licensing/tenants/${enc(tenantId())}/pools`, true);
  const rows = rowsOf(pools.data);
  return (
    <>
      <Section title="License seats">
        <ErrorNote error={pools.error} />
        <Table
          caption="Your tenant's license pools"
          rows={rows}
          empty="No subscription is linked to your tenant's licenses yet."
          columns={[
            { label: 'Plan', cell: (r) => `${str(r['offerId'])} / ${str(r['planId'])}` },
            { label: 'Service ID', cell: (r) => <code>{str(r['serviceId'])}</code> },
            { label: 'Provisioned', cell: (r) => str(r['provisioned']) },
            { label: 'Assigned', cell: (r) => str(r['assigned']) },
            { label: 'Reserved', cell: (r) => str(r['reserved']) },
            { label: 'Available', cell: (r) => str(r['available']) },
            { label: 'State', cell: (r) => str(r['state']) },
          ]}
        />
      </Section>
      <Section title="Link a subscription">
        <LinkSubscription onLinked={() => void pools.reload()} />
      </Section>
      {rows.length > 0 ? (
        <Section title="Assignments">
          <Assign pools={rows} onDone={() => void pools.reload()} />
          <Remove pools={rows} />
        </Section>
      ) : null}
      {query['batch'] ? <Batch key={query['batch']} id={query['batch']} /> : null}
    </>
  );
}
