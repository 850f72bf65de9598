/**
 * Billing statements, their export to Blob, and anomaly detection end to end, under the test clock
 * (specs/metering.md 3.10, 3.13; decision records 0304, 0305). Usage is sent day by day through the API as a
 * publisher would, moving the clock with `PUT /api/admin/clock`; the weekly timer fires when the clock passes
 * Monday 02:00.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../shared/metering/rules/time';
import { customerRequest, tokenFor } from '../fixtures/tokens';
import { event, NOW, type Fixture } from '../fixtures/metering';
import { startMeteringHost, type MeteringHost } from '../fixtures/metering-host';

const V = '?api-version=2018-08-31';

async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, deadlineMs = 15_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Line {
  dimension: string;
  acceptedQuantity: number;
  includedQuantity: number;
  chargeUSD: number;
  adjustmentUSD: number;
  netChargeUSD: number;
}
interface StatementBody {
  periodStart: string;
  periodEnd: string;
  lines: Line[];
  totalChargeUSD: number;
  totalNetUSD: number;
}

describe('billing statements and export', () => {
  let m: MeteringHost;
  let f: Fixture;
  beforeAll(async () => {
    m = await startMeteringHost();
    f = await m.seed();
    const request = [
      event(f.S1, { quantity: 2.5, effectiveStartTime: '2024-03-10T09:15:00Z' }),
      event(f.S1, { quantity: 3, effectiveStartTime: '2024-03-10T10:15:00Z' }),
      event(f.S1, { quantity: 100, dimension: 'text', effectiveStartTime: '2024-03-10T10:15:00Z' }),
      event(f.S8, { quantity: 42, planId: 'dev_test', effectiveStartTime: '2024-03-10T10:15:00Z' }),
    ];
    const res = await m.call('POST', `/api/batchUsageEvent${V}`, { body: { request } });
    expect((res.body as { result: { status: string }[] }).result.every((r) => r.status === 'Accepted')).toBe(true);
  });
  afterAll(async () => {
    await m?.stop();
  });

  it('charges accepted quantity × price per dimension, showing the included quantity (T104, T107)', async () => {
    const res = await m.call('GET', `/api/billing/statements/${f.S1}`);
    expect(res.status).toBe(200);
    const s = res.body as StatementBody;
    expect([s.periodStart, s.periodEnd]).toEqual(['2024-03-01', '2024-03-31']);
    expect(s.lines.map((l) => [l.dimension, l.acceptedQuantity, l.includedQuantity, l.chargeUSD])).toEqual([
      ['email', 5.5, 10000, 5.5],
      ['text', 100, 1000, 2],
    ]);
    expect(s.totalNetUSD).toBe(7.5);
    const zero = (await m.call('GET', `/api/billing/statements/${f.S8}?date=2024-03-10`)).body as StatementBody;
    expect(zero.lines[0]).toMatchObject({ acceptedQuantity: 42, chargeUSD: 0 });
  });

  it("keeps statements to their publisher: 404 for another publisher's subscription, 403 for a customer, 401 without a token", async () => {
    const customer = await tokenFor(m.keyFile, customerRequest(), { now: new Date(NOW) });
    expect((await m.call('GET', `/api/billing/statements/${f.S1}`, { token: m.tokens.p2 })).status).toBe(404);
    expect((await m.call('GET', `/api/billing/statements/${f.S1}`, { token: customer })).status).toBe(403);
    expect((await m.call('GET', `/api/billing/statements/${f.S1}`, { token: null })).status).toBe(401);
    expect((await m.call('GET', `/api/billing/statements/not-a-guid`)).status).toBe(400);
  });

  it('exports a month to Blob as JSON and CSV, readable through the API', async () => {
    const created = await m.call('POST', '/api/billing/exports', { body: { period: '2024-03' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ period: '2024-03', statementCount: 2, totalNetUSD: 7.5 });
    const csv = await m.call('GET', '/api/billing/exports/2024-03/statements.csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text).toContain(`${f.S1},contoso-cns,2024-03-01,2024-03-31,basic,email,per 100 emails,1,10000,5.5,2,5.5,0,0,5.5`);
    const json = await m.call('GET', '/api/billing/exports/2024-03/statements.json');
    expect((json.body as { statements: { subscriptionId: string }[] }).statements.map((s) => s.subscriptionId).sort()).toEqual(
      [f.S1, f.S8].sort(),
    );
    // It is a real blob in the host's storage.
    const container = await m.storage.container('billing-exports');
    expect((await container.getBlockBlobClient('contoso/2024-03/statements.csv').downloadToBuffer()).toString()).toBe(csv.text);
    expect((await m.call('GET', '/api/billing/exports/2024-02/statements.csv')).status).toBe(404);
    expect((await m.call('POST', '/api/billing/exports', { body: { period: '2024-13' } })).status).toBe(400);
  });
});

describe('anomaly detection under the test clock (T115–T124)', () => {
  let m: MeteringHost;
  let f: Fixture;
  // The local host's timers re-plan only when the clock moves forward, so the series starts on a Monday after
  // today: day 0 is that Monday, day 28 (the spike) is a Monday too, and the weekly run that judges it is the
  // Monday after, at 02:00 UTC.
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const FIRST_DAY = today + (((1 - new Date(today).getUTCDay() + 7) % 7) + 7) * DAY_MS;
  const at = (dayIndex: number, time: string) =>
    new Date(FIRST_DAY + dayIndex * DAY_MS).toISOString().replace('T00:00:00.000Z', `T${time}Z`);
  const runAt = at(35, '03:00:00');

  beforeAll(async () => {
    m = await startMeteringHost({ clockAt: null, tokensAt: new Date().toISOString() });
    f = await m.seed();
    for (let i = 0; i <= 28; i += 1) {
      await m.setClock({ now: at(i, '12:00:00') });
      const s2 = i === 28 ? 1000 : 100 + ((i * 7) % 11) - 5; // ~100 a day, then a spike
      const request = [
        event(f.S2, { planId: 'premium', quantity: s2, effectiveStartTime: at(i, '11:15:00') }),
        event(f.S2, { planId: 'premium', dimension: 'text', quantity: 50, effectiveStartTime: at(i, '11:15:00') }),
        event(f.S1, { quantity: 100, effectiveStartTime: at(i, '11:15:00') }),
      ];
      const res = await m.call('POST', `/api/batchUsageEvent${V}`, { body: { request } });
      expect((res.body as { result: { status: string }[] }).result.map((r) => r.status)).toEqual(['Accepted', 'Accepted', 'Accepted']);
    }
    // A duplicate with a huge quantity is not accepted, so it feeds nothing into the model (T116).
    const dup = await m.call('POST', `/api/usageEvent${V}`, {
      body: event(f.S1, { quantity: 100000, effectiveStartTime: at(28, '11:40:00') }),
    });
    expect(dup.status).toBe(409);
    // The run the clock started when it passed day 28's Monday 02:00 (it judges up to day 26) may still be going;
    // the local host skips an occurrence that passes while the timer is running (as one worker would), so let it
    // finish (its log line, or at most 10 s) before the clock passes the next Monday.
    await poll(
      async () => m.host.output(),
      (out) => out.includes(`${at(26, '').slice(0, 10)}: `),
      10_000,
    );
    await m.setClock({ now: runAt }); // past the weekly run of Monday 02:00
  }, 120_000);
  afterAll(async () => {
    await m?.stop();
  });

  interface View {
    anomalyId: string;
    subscriptionId: string;
    meterId: string;
    usageDate: string;
    reportedUsage: number;
    expectedUsage: number;
    estimatedFinancialImpactUSD: number;
    flaggedAt: string;
    actionExpiryDate: string;
    state: string;
  }
  const list = async (query = '') => ((await m.call('GET', `/api/metering/anomalies${query}`)).body as { value: View[] }).value;

  it('the weekly timer flags only the spiking customer and meter', async () => {
    const flagged = await poll(
      () => list('?impact=all'),
      (v) => v.length > 0,
    );
    expect(flagged.map((a) => [a.subscriptionId, a.meterId, a.usageDate, a.reportedUsage])).toEqual([
      [f.S2, 'email', at(28, '').slice(0, 10), 1000],
    ]);
    expect(flagged[0]?.expectedUsage).toBeCloseTo(100, 0);
    expect(flagged[0]?.estimatedFinancialImpactUSD).toBeCloseTo(450, 0);
    expect(flagged[0]?.flaggedAt.slice(0, 10)).toBe(runAt.slice(0, 10));
    expect(flagged[0]?.actionExpiryDate).toBe(at(65, '').slice(0, 10)); // flagged + 30 days
    expect(await list()).toHaveLength(1); // impact > 100 USD: shown by default (T117)
    // An operator's on-demand run finds nothing new (detection is idempotent).
    const run = await m.call('POST', '/api/admin/metering/anomaly-detection', { token: m.tokens.operator });
    expect(run.body).toMatchObject({ flagged: 0 });
  });

  it('takes the documented decisions and credits the statement (T118–T122)', async () => {
    const [an1] = await poll(
      () => list(),
      (v) => v.length > 0,
    );
    const id = an1?.anomalyId as string;
    const mark = (newReportedUsage: unknown) =>
      m.call('POST', `/api/metering/anomalies/${id}/markAsAnomaly`, { body: { newReportedUsage } });
    expect((await mark(1200)).status).toBe(400);
    expect((await mark(1000)).status).toBe(400);
    expect((await mark(-1)).status).toBe(400);
    const marked = await mark(150);
    expect(marked.status).toBe(200);
    expect(marked.body).toMatchObject({ anomalyDecision: 'Marked as Anomaly', publisherMarkedAnomaly: 1, newReportedUsage: 150 });
    expect((marked.body as { actionTakenAt: string }).actionTakenAt.slice(0, 10)).toBe(runAt.slice(0, 10));
    expect(await list('?state=unacknowledged')).toHaveLength(0);
    expect((await list('?state=acted')).map((a) => a.anomalyId)).toEqual([id]);
    const locked = await m.call('POST', `/api/metering/anomalies/${id}/markNotAnomaly`, { body: { reason: 'seasonal campaign' } });
    expect(locked.status).toBe(409);
    // The billing period of the spike's day carries the credit: (1000 − 150) × $0.5.
    const statement = (await m.call('GET', `/api/billing/statements/${f.S2}?date=${at(28, '').slice(0, 10)}`)).body as StatementBody;
    const email = statement.lines.find((l) => l.dimension === 'email');
    expect(email).toMatchObject({ adjustmentUSD: -425 });
    expect(email?.netChargeUSD).toBeCloseTo((email?.chargeUSD ?? 0) - 425, 6);
  });

  it('answers 404 for an unknown anomaly and for another publisher, and closes the window after 30 days (T124, T129)', async () => {
    const [an1] = await list('?impact=all');
    const id = an1?.anomalyId as string;
    expect((await m.call('GET', '/api/metering/anomalies/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await m.call('GET', `/api/metering/anomalies/${id}`, { token: m.tokens.p2 })).status).toBe(404);
    await m.setClock({ advance: 'P31D' });
    const late = await m.call('POST', `/api/metering/anomalies/${id}/markAsAnomaly`, { body: { newReportedUsage: 100 } });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'ActionWindowExpired' });
  });
});
