/**
 * New-lead notices (service/notify-new-leads.ts; decision 0534) over in-memory ports: the offer's leads are read page
 * by page only until the last notified one, at most `maxScanned`; an offer gone from the catalog still gets its row
 * (no recipients, no customer details); the watermark moves to the newest lead named.
 */
import { describe, expect, it } from 'vitest';
import { noFaults } from '../../../../shared/faults';
import type { LeadStore, NoticeMarks } from '../../../../shared/leads/ports';
import type { LeadNotice } from '../../../../shared/leads/rules/notifications';
import { MAX_SCANNED, NEW_LEAD_SETTLE_MS, NotifyNewLeads } from '../../../../shared/leads/service/notify-new-leads';
import { FakeClock, FakeOffers, lead, leadOffer, MemoryLeadStore, O, P, pendingDelivery } from '../../../fixtures/leads-fakes';

const T0 = '2026-03-01T00:00:00.000Z';

class MemoryMarks implements NoticeMarks {
  readonly last = new Map<string, string>();
  constructor(readonly listed: { publisherId: string; offerId: string }[]) {}
  async offers() {
    return this.listed;
  }
  async lastNotified(p: string, o: string) {
    return this.last.get(`${p}|${o}`);
  }
  async setLastNotified(p: string, o: string, l: string) {
    this.last.set(`${p}|${o}`, l);
  }
  async unhealthySince() {
    return undefined;
  }
  async openUnhealthy() {
    return true;
  }
}

function setup(maxScanned?: number) {
  const raw = new MemoryLeadStore();
  const pages: number[] = [];
  const store: LeadStore = {
    ...raw,
    capture: (l, d, k) => raw.capture(l, d, k),
    getLead: (p, o, l) => raw.getLead(p, o, l),
    getDelivery: (p, o, l) => raw.getDelivery(p, o, l),
    replaceDelivery: (d, e) => raw.replaceDelivery(d, e),
    list: (p, o, options) => (pages.push(options.limit), raw.list(p, o, options)),
  };
  const marks = new MemoryMarks([{ publisherId: P, offerId: O }]);
  const offers = new FakeOffers();
  const clock = new FakeClock('2026-03-01T01:00:00.000Z');
  const sent: LeadNotice[] = [];
  const notify = new NotifyNewLeads({ marks, outbox: { send: async (n) => void sent.push(n) }, store, offers, clock, faults: noFaults, ...(maxScanned ? { maxScanned } : {}) });
  const add = async (count: number) => {
    const ids = Array.from({ length: count }, (_, i) => `L${String(raw.deliveries.size + i).padStart(4, '0')}`);
    for (const id of ids) await raw.capture(lead(id, T0), pendingDelivery(id, T0), { natural: { hash: id, expiresAt: T0 } });
    return ids;
  };
  return { raw, pages, marks, offers, clock, sent, notify, add };
}

describe('NotifyNewLeads', () => {
  it('defaults: 10 s settle, 1,000 leads scanned at most', () => {
    expect(NEW_LEAD_SETTLE_MS).toBe(10_000);
    expect(MAX_SCANNED).toBe(1000);
  });

  it('reads pages of 200 until the last notified lead, and names only the newer ones', async () => {
    const s = setup();
    await s.add(450);
    await s.marks.setLastNotified(P, O, 'L0009');
    expect(await s.notify.run()).toBe(1);
    expect(s.pages).toEqual([200, 200, 200]);
    expect(s.sent[0]?.id).toBe('leads.new.L0010.L0449.440');
    expect(await s.marks.lastNotified(P, O)).toBe('L0449');
    s.pages.length = 0;
    expect(await s.notify.run()).toBe(0);
    expect(s.pages).toEqual([200]);
  });

  it('scans at most maxScanned leads of an offer with no watermark yet', async () => {
    const s = setup(250);
    await s.add(300);
    expect(await s.notify.run()).toBe(1);
    expect(s.pages).toEqual([200, 50]);
    expect(s.sent[0]?.id).toBe('leads.new.L0050.L0299.250');
  });

  it('an offer gone from the catalog: the notice is kept with no recipients and no customer details', async () => {
    const s = setup();
    await s.add(1);
    await s.notify.run();
    expect(s.sent[0]).toMatchObject({ to: [], offerId: O });
    expect(s.sent[0]?.bodyHtml).not.toContain('Lovelace');
  });

  it('reads the recipients and the PII opt-in from the live offer’s destination settings', async () => {
    const s = setup();
    s.offers.set(leadOffer(P, O, { type: 'HttpsEndpoint', settings: { contactEmail: 'B@x.com;a@x.com', notifyIncludesPii: true } }));
    await s.add(1);
    await s.notify.run();
    expect(s.sent[0]?.to).toEqual(['a@x.com', 'b@x.com']);
    expect(s.sent[0]?.bodyHtml).toContain('customer: Ada Lovelace');
  });

  it('waits for leads younger than the settle time', async () => {
    const s = setup();
    await s.add(1);
    s.clock.set('2026-03-01T00:00:09.999Z');
    expect(await s.notify.run()).toBe(0);
    expect(s.sent).toEqual([]);
    expect(await s.marks.lastNotified(P, O)).toBeUndefined();
  });
});
