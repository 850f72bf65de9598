/**
 * The unhealthy notice (service/notify-unhealthy.ts; decision 0535) over in-memory ports: which replaces count as a
 * retryable failure, a window lost to another writer sends that writer's notice, and a notice that fails never fails
 * the replace.
 */
import { describe, expect, it } from 'vitest';
import type { Attempt, Delivery } from '../../../../shared/leads/model';
import type { NoticeMarks } from '../../../../shared/leads/ports';
import type { LeadNotice } from '../../../../shared/leads/rules/notifications';
import { NotifyUnhealthy, retryableAttempt, withUnhealthyWatch } from '../../../../shared/leads/service/notify-unhealthy';
import { FakeClock, FakeOffers, lead, leadOffer, MemoryLeadStore, O, P, pendingDelivery } from '../../../fixtures/leads-fakes';

const T0 = '2026-03-01T00:00:00.000Z';
const attempt = (outcome: Attempt['outcome'], number = 1): Attempt => ({ outcome, category: `c_${outcome}`, number, at: T0, destination: 'Marketo', latencyMs: 1 });
const after = (d: Delivery, a: Attempt): Delivery => ({ ...d, attempts: [...d.attempts, a], attemptCount: d.attemptCount + 1 });

class Marks implements NoticeMarks {
  row: { at: string; etag: string } | undefined;
  /** Another writer's window, stored when this one tries to open. */
  racer: string | undefined;
  async offers() {
    return [];
  }
  async lastNotified() {
    return undefined;
  }
  async setLastNotified() {}
  async unhealthySince() {
    return this.row;
  }
  async openUnhealthy(_p: string, _o: string, at: string, etag?: string) {
    if (this.racer !== undefined) {
      this.row = { at: this.racer, etag: 'r' };
      return false;
    }
    if (etag !== this.row?.etag) return false;
    this.row = { at, etag: at };
    return true;
  }
}

describe('retryableAttempt', () => {
  it('is a stored new attempt whose outcome is retryable', () => {
    const base = pendingDelivery('L1', T0);
    expect(retryableAttempt(base, after(base, attempt('retryable')))).toBe(true);
    expect(retryableAttempt(undefined, after(base, attempt('retryable')))).toBe(true);
    expect(retryableAttempt(base, after(base, attempt('permanent')))).toBe(false);
    expect(retryableAttempt(base, after(base, attempt('success')))).toBe(false);
    const failed = after(base, attempt('retryable'));
    expect(retryableAttempt(failed, { ...failed, state: 'held' })).toBe(false); // no new attempt
    expect(retryableAttempt(base, base)).toBe(false);
  });
});

describe('NotifyUnhealthy', () => {
  function setup() {
    const marks = new Marks();
    const offers = new FakeOffers();
    const sent: LeadNotice[] = [];
    const clock = new FakeClock(T0);
    const notify = new NotifyUnhealthy({ marks, outbox: { send: async (n) => void sent.push(n) }, offers, clock });
    return { marks, offers, sent, clock, notify };
  }

  it('names the failed attempt’s destination and category, to the live offer’s contacts', async () => {
    const s = setup();
    s.offers.set(leadOffer(P, O, { type: 'HttpsEndpoint', settings: { contactEmail: 'ops@x.com' } }));
    await s.notify.failed(after(pendingDelivery('L1', T0), attempt('retryable')));
    expect(s.sent).toHaveLength(1);
    expect(s.sent[0]).toMatchObject({ id: `leads.destinationUnhealthy.${T0}`, to: ['ops@x.com'] });
    expect(s.sent[0]?.bodyHtml).toContain(`its Marketo destination at ${T0} (c_retryable)`);
  });

  it('without an attempt or an offer: the offer’s type, else unknown', async () => {
    const s = setup();
    s.offers.set(leadOffer(P, O, { type: 'Salesforce', settings: {} }));
    await s.notify.failed(pendingDelivery('L1', T0));
    expect(s.sent[0]?.bodyHtml).toContain(`its Salesforce destination at ${T0} (unknown)`);
    const t = setup();
    await t.notify.failed(pendingDelivery('L1', T0));
    expect(t.sent[0]?.bodyHtml).toContain(`its unknown destination at ${T0} (unknown)`);
    expect(t.sent[0]?.to).toEqual([]);
  });

  it('a window another writer opened first: its notice (its start) is sent, not a second window', async () => {
    const s = setup();
    s.marks.racer = '2026-02-28T23:59:59.000Z';
    await s.notify.failed(after(pendingDelivery('L1', T0), attempt('retryable')));
    expect(s.sent.map((n) => n.id)).toEqual(['leads.destinationUnhealthy.2026-02-28T23:59:59.000Z']);
  });

  it('remembers the window: later failures in it read nothing; the next after 24 h opens another', async () => {
    const s = setup();
    const failed = after(pendingDelivery('L1', T0), attempt('retryable'));
    await s.notify.failed(failed);
    s.marks.row = undefined; // were it read again, it would open a second window
    s.clock.advance(86_400_000 - 1);
    await s.notify.failed(failed);
    expect(s.sent).toHaveLength(1);
    s.clock.advance(1);
    await s.notify.failed(failed);
    expect(s.sent.map((n) => n.id)).toEqual([`leads.destinationUnhealthy.${T0}`, 'leads.destinationUnhealthy.2026-03-02T00:00:00.000Z']);
  });
});

describe('withUnhealthyWatch', () => {
  it('tells of a stored retryable attempt, not of a lost replace; a failing notice is logged, the replace stands', async () => {
    const raw = new MemoryLeadStore();
    const seen: string[] = [];
    const logs: string[] = [];
    const notify = { failed: async (d: Delivery) => (seen.push(d.leadId), Promise.reject(new Error('outbox down'))) } as unknown as NotifyUnhealthy;
    const store = withUnhealthyWatch(raw, notify, (m) => logs.push(m));
    const base = pendingDelivery('L1', T0);
    await store.capture(lead('L1', T0), base, { natural: { hash: 'h', expiresAt: T0 } });
    expect((await store.getLead(P, O, 'L1'))?.leadId).toBe('L1');
    expect((await store.list(P, O, { limit: 5 })).items).toHaveLength(1);
    const stored = await store.getDelivery(P, O, 'L1');
    expect(await store.replaceDelivery(after(base, attempt('retryable')), 'stale', base)).toBe(false);
    expect(seen).toEqual([]);
    expect(await store.replaceDelivery(after(base, attempt('retryable')), stored?.etag as string, base)).toBe(true);
    expect(seen).toEqual(['L1']);
    expect(logs).toEqual(['Lead L1: the unhealthy notice failed: Error: outbox down']);
    expect(raw.delivery(P, O, 'L1')?.attemptCount).toBe(1);
  });
});
