/** The publisher's leads (delivery attempts, dead letters, replay) and license seats and assignments. */
import { useLocation } from 'preact-iso';
import { enc, post, rowsOf } from '../api';
import { ErrorNote, Section, Table, str, textColumns, useAction, useResource } from '../ui';
import { publisherId } from './publisher';

type Row = Record<string, unknown>;

function LeadDetail({ offerId, leadId }: { offerId: string; leadId: string }) {
  const lead = useResource<Row>(`/api/publishers/${enc(publisherId())}/offers/${enc(offerId)}/leads/${enc(leadId)}`, true);
  const delivery = (lead.data?.['delivery'] as Row | undefined) ?? {};
  return (
    <Section title={`Lead ${leadId}`}>
      <ErrorNote error={lead.error} />
      <p>
        Delivery: <strong>{str(delivery['state'])}</strong> {delivery['reason'] ? `(${str(delivery['reason'])})` : ''}
      </p>
      <Table
        caption="Delivery attempts"
        rows={(delivery['attempts'] as Row[] | undefined) ?? []}
        empty="No attempt yet."
        columns={[
          { label: '#', cell: (a) => str(a['number']) },
          { label: 'At', cell: (a) => str(a['at']) },
          { label: 'Outcome', cell: (a) => str(a['outcome']) },
          { label: 'Answer', cell: (a) => str(a['httpStatus'] ?? a['category']) },
        ]}
      />
    </Section>
  );
}

export function Leads() {
  const { path, query, route } = useLocation();
  const offerId = query['offer'] ?? '';
  const state = query['state'] ?? '';
  const selected = query['lead'];
  const base = `/api/publishers/${enc(publisherId())}/offers/${enc(offerId)}/leads`;
  const leads = useResource<Row>(offerId ? `${base}${state ? `?state=${enc(state)}` : ''}` : undefined, true);
  const { error, busy, run } = useAction();
  const at = (next: Record<string, string>) => {
    const q = new URLSearchParams({ ...query, ...next });
    for (const [k, v] of [...q]) if (!v) q.delete(k);
    route(`${path}?${q.toString()}`, true);
  };
  const replay = (leadId: string) =>
    void run(async () => {
      await post(`${base}/${enc(leadId)}/replay`);
      await leads.reload();
    });
  return (
    <>
      <Section title="Leads">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const data = new FormData(e.target as HTMLFormElement);
            at({ offer: String(data.get('offer') ?? ''), state: String(data.get('state') ?? ''), lead: '' });
          }}
        >
          <div class="field">
            <label for="lead-offer">Offer</label>
            <input id="lead-offer" name="offer" defaultValue={offerId} required />
          </div>
          <div class="field">
            <label for="lead-state">Delivery state</label>
            <select id="lead-state" name="state" defaultValue={state}>
              {['', 'pending', 'held', 'delivered', 'dead_lettered'].map((s) => (
                <option key={s} value={s}>
                  {s === '' ? 'any' : s}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">Show leads</button>
        </form>
        <ErrorNote error={error ?? leads.error} />
        <Table
          caption={`Leads of ${offerId}`}
          rows={rowsOf(leads.data)}
          empty={offerId ? 'No leads.' : 'Choose an offer.'}
          columns={[
            { label: 'Lead', cell: (r) => <a href={`${path}?offer=${enc(offerId)}&lead=${enc(str(r['leadId']))}`}>{str(r['leadId'])}</a> },
            { label: 'Source', cell: (r) => str(r['LeadSource'] ?? r['leadSource']) },
            { label: 'Delivery', cell: (r) => str((r['delivery'] as Row | undefined)?.['state'] ?? r['deliveryState']) },
            { label: 'Attempts', cell: (r) => str((r['delivery'] as Row | undefined)?.['attemptCount'] ?? r['attemptCount']) },
            {
              label: '',
              cell: (r) =>
                str((r['delivery'] as Row | undefined)?.['state'] ?? r['deliveryState']) === 'dead_lettered' ? (
                  <button type="button" disabled={busy} onClick={() => replay(str(r['leadId']))}>
                    Replay
                  </button>
                ) : null,
            },
          ]}
        />
      </Section>
      {selected && offerId ? <LeadDetail key={selected} offerId={offerId} leadId={selected} /> : null}
    </>
  );
}

/**
 * The publisher's license seats (decision 0805): one row per tenant, plan and month with the dashboard's columns,
 * and the totals per month, plan and country. The report's `rows` are read by name (its first array is `months`).
 */
export function Licensing() {
  const report = useResource<{ rows?: Row[]; totals?: Row[] }>('/api/licensing/reports/licenses', true);
  const rows = report.data?.rows ?? [];
  const totals = report.data?.totals ?? [];
  return (
    <Section title="Licenses">
      <ErrorNote error={report.error} />
      <Table
        caption="Assigned seats per plan, month and country"
        rows={rows}
        empty="No licenses assigned."
        columns={textColumns(['month', 'Customer Name', 'Customer Country', 'Tenant ID', 'Product Display Name', 'SKU Name', 'Service ID', 'Licenses Provisioned', 'Licenses Assigned', 'License State'])}
      />
      <Table caption="Totals per month, plan and country" rows={totals} empty="No totals yet." columns={textColumns(['month', 'planId', 'countryCode', 'provisioned', 'assigned'])} />
    </Section>
  );
}
