/**
 * The dead-letter digest (service/notify.ts; spec 2.5 (9); decision 0528) over in-memory ports: at most one digest per
 * offer an hour, naming every lead dead-lettered since, to the offer's contact e-mails; notices whose row did not
 * become dead-lettered are dropped after the grace, never reported.
 */
import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../../../shared/leads/model';
import type { DeadLetterNoticeEntry, DeadLetterNotices } from '../../../../shared/leads/ports';
import type { LeadNotice } from '../../../../shared/leads/rules/notifications';
import { DigestDeadLetters } from '../../../../shared/leads/service/notify';
import { withDeliveryIndex } from '../../../../shared/leads/store/due-index';
import { FakeClock, FakeOffers, lead, leadOffer, MemoryIndex, MemoryLeadStore, O, P, pendingDelivery } from '../../../fixtures/leads-fakes';

const T0 = '2026-03-01T00:00:00.000Z';

class MemoryNotices implements DeadLetterNotices {
  readonly entries = new Map<string, DeadLetterNoticeEntry>();
  readonly digests = new Map<string, string>();
  realNow = 0;
  async note(d: Delivery): Promise<void> {
    this.entries.set(`${d.publisherId}|${d.offerId}|${d.leadId}`, { publisherId: d.publisherId, offerId: d.offerId, leadId: d.leadId, reason: d.reason ?? '', writtenAt: this.realNow });
  }
  async list(limit: number): Promise<DeadLetterNoticeEntry[]> {
    return [...this.entries.values()].slice(0, limit);
  }
  async forget(entries: DeadLetterNoticeEntry[]): Promise<void> {
    for (const e of entries) this.entries.delete(`${e.publisherId}|${e.offerId}|${e.leadId}`);
  }
  async lastDigest(p: string, o: string): Promise<string | undefined> {
    return this.digests.get(`${p}|${o}`);
  }
  async setLastDigest(p: string, o: string, at: string): Promise<void> {
    this.digests.set(`${p}|${o}`, at);
  }
}

function setup() {
  const raw = new MemoryLeadStore();
  const notices = new MemoryNotices();
  const store = withDeliveryIndex(raw, new MemoryIndex(), notices);
  const offers = new FakeOffers();
  offers.set(leadOffer(P, O, { type: 'HttpsEndpoint', settings: { contactEmail: 'Ops@contoso.com;sales@contoso.com' } }));
  const clock = new FakeClock(T0);
  const sent: LeadNotice[] = [];
  const digest = new DigestDeadLetters({ notices, outbox: { send: async (n) => void sent.push(n) }, store, offers, clock, batch: 100, realNow: () => notices.realNow, graceMs: 30_000 });
  const capture = (id: string) => store.capture(lead(id), pendingDelivery(id), { natural: { hash: id, expiresAt: T0 } });
  /** Dead-letters a lead as an attempt does: a conditional replace that knows the row it replaces. */
  const kill = async (id: string, reason = 'http_404') => {
    const stored = await raw.getDelivery(P, O, id);
    const dead: Delivery = { ...(stored?.delivery as Delivery), state: 'dead_lettered', deadLetteredAt: clock.now().toISOString(), reason };
    expect(await store.replaceDelivery(dead, stored?.etag ?? '', stored?.delivery)).toBe(true);
  };
  return { raw, notices, store, offers, clock, sent, digest, capture, kill };
}

describe('the dead-letter digest', () => {
  it('sends one digest naming the dead-lettered leads to the contact e-mails, then none until an hour has passed', async () => {
    const { digest, sent, capture, kill, clock } = setup();
    for (const id of ['L1', 'L2']) await capture(id);
    await kill('L1');
    await kill('L2', 'window_expired');
    expect(await digest.run()).toBe(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ id: 'leads.deadLettered.L1.L2.2', to: ['ops@contoso.com', 'sales@contoso.com'], timestamp: T0 });
    expect(sent[0]?.bodyHtml).toContain('<li>L1: http_404</li><li>L2: window_expired</li>');
    expect(await digest.run()).toBe(0);

    await capture('L3');
    await kill('L3');
    clock.advance(3_600_000 - 1);
    expect(await digest.run()).toBe(0);
    clock.advance(1);
    expect(await digest.run()).toBe(1);
    expect(sent.map((n) => n.id)).toEqual(['leads.deadLettered.L1.L2.2', 'leads.deadLettered.L3.L3.1']);
    expect(await digest.run()).toBe(0);
  });

  it('notes nothing for a lead that was dead-lettered already, or for other outcomes', async () => {
    const { notices, store, raw, capture, kill } = setup();
    await capture('L1');
    const stored = await raw.getDelivery(P, O, 'L1');
    expect(await store.replaceDelivery({ ...(stored?.delivery as Delivery), state: 'delivered', deliveredAt: T0 }, stored?.etag ?? '', stored?.delivery)).toBe(true);
    expect(notices.entries.size).toBe(0);
    await capture('L2');
    await kill('L2');
    notices.entries.clear();
    const dead = await raw.getDelivery(P, O, 'L2');
    expect(await store.replaceDelivery({ ...(dead?.delivery as Delivery), reason: 'other' }, dead?.etag ?? '', dead?.delivery)).toBe(true);
    expect(notices.entries.size).toBe(0);
  });

  it('does not report a notice whose row is not dead-lettered (its replace lost, or it was replayed): kept through the grace, then dropped', async () => {
    const { digest, notices, sent, capture } = setup();
    await capture('L1');
    await notices.note({ ...pendingDelivery('L1'), state: 'dead_lettered', reason: 'http_404' }); // the row's write then failed
    expect(await digest.run()).toBe(0);
    expect(notices.entries.size).toBe(1);
    notices.realNow += 30_000;
    expect(await digest.run()).toBe(0);
    expect(notices.entries.size).toBe(0);
    expect(sent).toEqual([]);
  });

  it('addresses no one when the live offer has no contact e-mail (the outbox still shows it)', async () => {
    const { digest, sent, capture, kill, offers } = setup();
    await capture('L1');
    await kill('L1', 'hold_expired');
    offers.set(leadOffer(P, O, { type: 'None', settings: {} }));
    expect(await digest.run()).toBe(1);
    expect(sent[0]?.to).toEqual([]);
  });
});
