/**
 * The publisher's metered usage: accepted quantity per dimension and day as a chart (uPlot) and a table, the
 * billing statement of the period with its export, and the anomalies to mark. Subscription and dates are in the
 * URL, so a reload or a shared link shows the same view.
 */
import { useLocation } from 'preact-iso';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { enc, post, rowsOf, SAAS_VERSION } from '../api';
import { ErrorNote, Field, Section, Table, str, useAction, useResource } from '../ui';

type Row = Record<string, unknown>;
const day = (d: Date) => d.toISOString().slice(0, 10);
const COLORS = ['#0b5cad', '#b3261e', '#1e7b34', '#7a4fa0', '#8a5a00'];

/** Days × dimensions: x in Unix seconds, one series per dimension (0 on days without usage). */
export function series(rows: Row[], from: string, to: string): { dims: string[]; data: number[][] } {
  const dims = [...new Set(rows.map((r) => str(r['dimension'])))].sort();
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  const data = [days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000)];
  for (const dim of dims) {
    data.push(days.map((d) => rows.filter((r) => str(r['dimension']) === dim && str(r['usageDate']).startsWith(d)).reduce((s, r) => s + Number(r['processedQuantity'] ?? 0), 0)));
  }
  return { dims, data };
}

function Chart({ rows, from, to }: { rows: Row[]; from: string; to: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return undefined;
    const { dims, data } = series(rows, from, to);
    const plot = new uPlot(
      {
        title: 'Accepted quantity per day',
        width: Math.min(900, host.current.clientWidth || 900),
        height: 280,
        series: [{}, ...dims.map((d, i) => ({ label: d, stroke: COLORS[i % COLORS.length] ?? '#000', width: 2, points: { show: true } }))],
        axes: [{}, { label: 'quantity' }],
      },
      data as uPlot.AlignedData,
      host.current,
    );
    return () => plot.destroy();
  }, [rows, from, to]);
  return <div ref={host} class="chart" role="img" aria-label="Accepted usage per dimension and day (the table below has the same numbers)" />;
}

function Statement({ subscriptionId, date }: { subscriptionId: string; date: string }) {
  const statement = useResource<Row>(`/api/billing/statements/${enc(subscriptionId)}?date=${enc(date)}`, true);
  const { error, busy, run } = useAction();
  const [exported, setExported] = useState<Row | undefined>(undefined);
  const s = statement.data;
  return (
    <Section title="Statement">
      <ErrorNote error={statement.error ?? error} />
      {s ? (
        <p>
          Period {str(s['periodStart'])} – {str(s['periodEnd'])}: total <strong data-testid="statement-total">${str(s['totalNetUSD'])}</strong>
          {s['closed'] ? ' (closed)' : ' (open)'}
        </p>
      ) : null}
      <Table
        caption="Charges per dimension"
        rows={(s?.['lines'] as Row[] | undefined) ?? []}
        empty="No metered usage in this period."
        columns={[
          { label: 'Dimension', cell: (r) => str(r['displayName'] ?? r['dimension']) },
          { label: 'Plan', cell: (r) => str(r['planId']) },
          { label: 'Accepted quantity', cell: (r) => str(r['acceptedQuantity']) },
          { label: 'Price per unit', cell: (r) => `$${str(r['pricePerUnitUSD'])}` },
          { label: 'Net charge', cell: (r) => `$${str(r['netChargeUSD'])}` },
        ]}
      />
      <button type="button" disabled={busy} onClick={() => void run(async () => setExported(await post('/api/billing/exports', { period: date.slice(0, 7) })))}>
        Export {date.slice(0, 7)}
      </button>
      {exported ? (
        <p role="status">
          Exported:{' '}
          {Object.values(exported)
            .filter((v) => typeof v === 'string' && v.includes('/api/billing/exports/'))
            .map((v) => (
              <a key={str(v)} href={str(v)}>
                {str(v).split('/').pop()}
              </a>
            ))}
          {str(exported['period'])}
        </p>
      ) : null}
    </Section>
  );
}

export function Usage() {
  const { path, query, route } = useLocation();
  const today = day(new Date());
  const from = query['from'] ?? day(new Date(Date.now() - 13 * 86_400_000));
  const to = query['to'] ?? today;
  const subscription = query['subscription'] ?? '';
  const subs = useResource<Row>(`/api/saas/subscriptions?${SAAS_VERSION}`);
  const usage = useResource<Row[]>(`/api/usageEvents?${SAAS_VERSION}&usageStartDate=${enc(from)}&UsageEndDate=${enc(to)}`, true);
  const [draftFrom, setFrom] = useState(from);
  const [draftTo, setTo] = useState(to);
  const [draftSub, setSub] = useState(subscription);
  // The chosen subscription is an option even before the list has loaded (or when it is not on its first page).
  const choices = rowsOf(subs.data).map((s) => ({ id: str(s['id']), name: str(s['name'] ?? s['id']) }));
  if (subscription && !choices.some((c) => c.id === subscription)) choices.unshift({ id: subscription, name: subscription });
  const rows = rowsOf(usage.data).filter((r) => !subscription || str(r['usageResourceId']) === subscription);
  return (
    <>
      <Section title="Usage">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            route(`${path}?${new URLSearchParams({ subscription: draftSub, from: draftFrom, to: draftTo }).toString()}`, true);
          }}
        >
          <div class="field">
            <label for="usage-sub">Subscription</label>
            {/* Controlled (value + selected): Preact has no defaultValue for a select, which showed "all" for a chosen one. */}
            <select id="usage-sub" name="subscription" value={draftSub} onChange={(e) => setSub((e.target as HTMLSelectElement).value)}>
              <option value="" selected={draftSub === ''}>
                all
              </option>
              {choices.map((c) => (
                <option key={c.id} value={c.id} selected={c.id === draftSub}>
                  {c.name === c.id ? c.id : `${c.name} (${c.id})`}
                </option>
              ))}
            </select>
          </div>
          <Field label="From" path="usageStartDate" type="date" value={draftFrom} onInput={setFrom} error={usage.error} />
          <Field label="To" path="UsageEndDate" type="date" value={draftTo} onInput={setTo} error={usage.error} />
          <button type="submit">Show</button>
        </form>
        <ErrorNote error={usage.error} />
        <Chart rows={rows} from={from} to={to} />
        <Table
          caption="Accepted usage per day and dimension"
          rows={rows}
          empty="No accepted usage in these days."
          columns={[
            { label: 'Day', cell: (r) => str(r['usageDate']).slice(0, 10) },
            { label: 'Subscription', cell: (r) => <code>{str(r['usageResourceId'])}</code> },
            { label: 'Dimension', cell: (r) => str(r['dimension']) },
            { label: 'Quantity', cell: (r) => str(r['processedQuantity']) },
          ]}
        />
      </Section>
      {subscription ? <Statement subscriptionId={subscription} date={to} /> : <p>Choose a subscription to see its statement.</p>}
    </>
  );
}

/**
 * One flagged anomaly with the two decisions of decision 0305: "Mark as anomaly" with the corrected usage
 * (0 ≤ new < reported; final) and "Not an anomaly" with a reason. Each shows the API's message by its field.
 */
function AnomalyItem({ a, onDecided }: { a: Row; onDecided: () => void }) {
  const id = str(a['anomalyId']);
  const [usage, setUsage] = useState('');
  const [reason, setReason] = useState('');
  const mark = useAction();
  const dismiss = useAction();
  const decided = a['anomalyDecision'] ?? (a['state'] === 'acted' ? 'decided' : undefined);
  return (
    <article class="plan" aria-label={`Anomaly ${str(a['meterId'])} on ${str(a['usageDate'])}`}>
      <h3>
        {str(a['meterId'])} on {str(a['usageDate'])} <span class="state">{str(a['state'])}</span>
      </h3>
      <dl class="facts">
        <div>
          <dt>Subscription</dt>
          <dd>
            <code>{str(a['subscriptionId'])}</code>
          </dd>
        </div>
        <div>
          <dt>Reported / expected</dt>
          <dd>
            {str(a['reportedUsage'])} / {str(a['expectedUsage'])}
          </dd>
        </div>
        <div>
          <dt>Estimated impact</dt>
          <dd>${str(a['estimatedFinancialImpactUSD'])}</dd>
        </div>
        <div>
          <dt>Decide before</dt>
          <dd>{str(a['actionExpiryDate'])}</dd>
        </div>
        {decided ? (
          <div>
            <dt>Decision</dt>
            <dd>
              {str(decided)}
              {a['newReportedUsage'] !== undefined ? ` (usage corrected to ${str(a['newReportedUsage'])})` : ''}
            </dd>
          </div>
        ) : null}
      </dl>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void mark.run(async () => {
            await post(`/api/metering/anomalies/${enc(id)}/markAsAnomaly`, { newReportedUsage: usage.trim() === '' ? null : Number(usage) });
            onDecided();
          });
        }}
      >
        <Field label="Corrected usage" path="newReportedUsage" value={usage} onInput={setUsage} error={mark.error} inputMode="numeric" />
        <button type="submit" disabled={mark.busy}>
          Mark as anomaly
        </button>
        <ErrorNote error={mark.error && !mark.error.fields['newreportedusage'] ? mark.error : undefined} />
      </form>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void dismiss.run(async () => {
            await post(`/api/metering/anomalies/${enc(id)}/markNotAnomaly`, { reason });
            onDecided();
          });
        }}
      >
        <Field label="Why it is not an anomaly" path="reason" value={reason} onInput={setReason} error={dismiss.error} />
        <button type="submit" disabled={dismiss.busy}>
          Not an anomaly
        </button>
        <ErrorNote error={dismiss.error && !dismiss.error.fields['reason'] ? dismiss.error : undefined} />
      </form>
    </article>
  );
}

export function Anomalies() {
  const list = useResource<Row>('/api/metering/anomalies?period=90&impact=all', true);
  const rows = rowsOf(list.data);
  return (
    <Section title="Anomalies">
      <ErrorNote error={list.error} />
      {rows.length === 0 && list.data ? <p class="empty">No anomalies in the last 90 days.</p> : null}
      {rows.map((a) => (
        <AnomalyItem key={str(a['anomalyId'])} a={a} onDecided={() => void list.reload()} />
      ))}
    </Section>
  );
}
