/**
 * New-lead notices (decision 0534) and the "destination unhealthy" notice (decision 0535) against Azurite, over the
 * real lead store, the due index's offer markers and the notice rows in `LeadsDue`:
 * - one notice per offer per sweeper run naming each lead captured since the last one, without customer details
 *   unless the destination opts in (`notifyIncludesPii: true`); a lead still settling waits for the next run;
 * - a crash between the outbox row and the watermark sends nothing twice (the same notice id; the outbox is
 *   insert-only, as the publisher's is);
 * - a burst of 20 retryable failures sends one unhealthy notice, a second only 24 h later on the test clock; two
 *   processes that both find no window open one between them (insert-only row, not read-then-write).
 */
import { describe, expect, it } from 'vitest';
import { noFaults, type Faults } from '../../../shared/faults';
import type { LeadNotifications, NoticeMarks } from '../../../shared/leads/ports';
import type { LeadNotice } from '../../../shared/leads/rules/notifications';
import { DeliverLead } from '../../../shared/leads/service/deliver';
import { FAULT_NEW_LEADS_AFTER_OUTBOX, NotifyNewLeads } from '../../../shared/leads/service/notify-new-leads';
import { NotifyUnhealthy, withUnhealthyWatch } from '../../../shared/leads/service/notify-unhealthy';
import { TableDeliveryIndex, withDeliveryIndex } from '../../../shared/leads/store/due-index';
import { TableLeadStore } from '../../../shared/leads/store/leads-table';
import { TableNoticeMarks } from '../../../shared/leads/store/notice-marks';
import { FakeClock, FakeOffers, httpsConfig, lead, leadOffer, O, P, pendingDelivery, ScriptedTarget, targetsWith, unavailable } from '../../fixtures/leads-fakes';
import { testStorage } from '../../fixtures/storage';

const T0 = '2026-03-01T00:00:00.000Z';
const HOUR = 3_600_000;
let seq = 0;
const nextId = () => `01K${String((seq += 1)).padStart(23, '0')}`;

/** The publisher's outbox as publish stores it: insert-only by id (a second row of one id is dropped). */
class Outbox implements LeadNotifications {
  readonly rows = new Map<string, LeadNotice>();
  async send(notice: LeadNotice): Promise<void> {
    if (!this.rows.has(notice.id)) this.rows.set(notice.id, notice);
  }
  list(): LeadNotice[] {
    return [...this.rows.values()];
  }
}

function setup(settings: Record<string, unknown> = { contactEmail: 'Ops@contoso.com' }) {
  const storage = testStorage();
  const clock = new FakeClock(T0);
  const table = new TableLeadStore(() => storage.table('Leads'), () => clock.now().getTime());
  const index = new TableDeliveryIndex(() => storage.table('Leads'), () => storage.table('LeadsDue'));
  const marks = new TableNoticeMarks(() => storage.table('LeadsDue'));
  const outbox = new Outbox();
  const offers = new FakeOffers();
  offers.set(leadOffer(P, O, { type: 'HttpsEndpoint', settings }));
  offers.set(leadOffer(P, 'other-app', { type: 'HttpsEndpoint', settings: { contactEmail: 'other@contoso.com' } }));
  const store = withDeliveryIndex(table, index);
  const capture = async (offerId = O) => {
    const id = nextId();
    const at = clock.now().toISOString();
    await store.capture({ ...lead(id, at), offerId }, { ...pendingDelivery(id, at), offerId }, { natural: { hash: id, expiresAt: T0 } });
    return id;
  };
  const notifier = (faults: Faults = noFaults) => new NotifyNewLeads({ marks, outbox, store, offers, clock, faults });
  return { storage, clock, table, store, marks, outbox, offers, capture, notifier };
}

describe('new-lead notices (decision 0534)', () => {
  it('sends one notice per offer per run naming the leads captured since the last one, without customer details', async () => {
    const s = setup();
    const first = [await s.capture(), await s.capture(), await s.capture()];
    const other = await s.capture('other-app');
    s.clock.advance(10_000);
    expect(await s.notifier().run()).toBe(2);
    const [mine, theirs] = [s.outbox.list().find((n) => n.offerId === O), s.outbox.list().find((n) => n.offerId === 'other-app')];
    expect(mine).toMatchObject({ id: `leads.new.${first[0]}.${first[2]}.3`, event: 'leadsNew', to: ['ops@contoso.com'], subject: `3 new leads for ${P}.${O}` });
    for (const id of first) expect(mine?.bodyHtml).toContain(`<li>${id}: ContactMe/PLT, created ${T0}, delivery pending</li>`);
    expect(mine?.bodyHtml).not.toContain('ada@contoso.com');
    expect(mine?.bodyHtml).not.toContain('Lovelace');
    expect(theirs).toMatchObject({ id: `leads.new.${other}.${other}.1`, to: ['other@contoso.com'] });

    // Nothing new: nothing sent. One more lead: a notice naming only it.
    expect(await s.notifier().run()).toBe(0);
    const later = await s.capture();
    s.clock.advance(10_000);
    expect(await s.notifier().run()).toBe(1);
    expect(s.outbox.rows.size).toBe(3);
    const last = s.outbox.rows.get(`leads.new.${later}.${later}.1`);
    expect(last?.subject).toBe(`1 new lead for ${P}.${O}`);
    for (const id of first) expect(last?.bodyHtml).not.toContain(id);
  });

  it('leaves a lead captured less than 10 s ago for the next run', async () => {
    const s = setup();
    const id = await s.capture();
    s.clock.advance(9_999);
    expect(await s.notifier().run()).toBe(0);
    s.clock.advance(1);
    expect(await s.notifier().run()).toBe(1);
    expect(s.outbox.list()[0]?.id).toBe(`leads.new.${id}.${id}.1`);
  });

  it('includes the customer details when the destination opts in with notifyIncludesPii: true', async () => {
    const s = setup({ contactEmail: 'ops@contoso.com', notifyIncludesPii: true });
    const id = await s.capture();
    s.clock.advance(10_000);
    await s.notifier().run();
    expect(s.outbox.list()[0]?.bodyHtml).toContain(`<li>${id}: ContactMe/PLT, created ${T0}, delivery pending; customer: Ada Lovelace, ada@contoso.com, Contoso, CTO, GB</li>`);
  });

  it('shows each lead’s delivery status at the time of the notice', async () => {
    const s = setup();
    const id = await s.capture();
    const stored = await s.store.getDelivery(P, O, id);
    const dead = { ...pendingDelivery(id, T0), state: 'dead_lettered' as const, deadLetteredAt: T0, reason: 'http_404' };
    expect(await s.store.replaceDelivery(dead, stored?.etag as string, stored?.delivery)).toBe(true);
    s.clock.advance(10_000);
    await s.notifier().run();
    expect(s.outbox.list()[0]?.bodyHtml).toContain(`delivery dead_lettered (http_404)</li>`);
  });

  it('sends nothing twice after a crash between the outbox row and the watermark', async () => {
    const s = setup();
    const ids = [await s.capture(), await s.capture()];
    s.clock.advance(10_000);
    const crash: Faults = {
      reach: async (point) => {
        if (point === FAULT_NEW_LEADS_AFTER_OUTBOX) throw new Error('crash');
      },
    };
    await expect(s.notifier(crash).run()).rejects.toThrow('crash');
    expect(s.outbox.rows.size).toBe(1);
    expect(await s.marks.lastNotified(P, O)).toBeUndefined();
    // The next run (a new process) sends the same notice again: the same id, one row.
    expect(await s.notifier().run()).toBe(1);
    expect([...s.outbox.rows.keys()]).toEqual([`leads.new.${ids[0]}.${ids[1]}.2`]);
    expect(await s.marks.lastNotified(P, O)).toBe(ids[1]);
    expect(await s.notifier().run()).toBe(0);
    expect(s.outbox.rows.size).toBe(1);
  });
});

/** Marks whose first `count` window writes wait until all have arrived (two processes that both read "no window"). */
function meetingAtOpen(marks: NoticeMarks, count: number): NoticeMarks {
  let arrived = 0;
  let open!: () => void;
  const all = new Promise<void>((resolve) => (open = resolve));
  return {
    offers: () => marks.offers(),
    lastNotified: (p, o) => marks.lastNotified(p, o),
    setLastNotified: (p, o, l) => marks.setLastNotified(p, o, l),
    unhealthySince: (p, o) => marks.unhealthySince(p, o),
    openUnhealthy: async (p, o, at, etag) => {
      arrived += 1;
      if (arrived === count) open();
      if (arrived <= count) await all;
      return marks.openUnhealthy(p, o, at, etag);
    },
  };
}

describe('destination unhealthy notice (decision 0535)', () => {
  function delivery(s: ReturnType<typeof setup>, notify: NotifyUnhealthy, clock = s.clock) {
    const store = withUnhealthyWatch(s.store, notify, () => undefined);
    return new DeliverLead({
      store,
      offers: s.offers,
      resolve: () => ({ kind: 'deliverable', config: httpsConfig }),
      targets: targetsWith(new ScriptedTarget([unavailable])),
      clock,
      faults: noFaults,
      random: () => 0.5,
      settings: { windowMs: 72 * HOUR, timeoutMs: 30_000, offerConcurrency: 1_000 },
    });
  }

  it('sends one notice for a burst of 20 retryable failures, and the next only 24 h after the first', async () => {
    const s = setup();
    const calls = { reads: 0, writes: 0 };
    const counted: NoticeMarks = {
      ...meetingAtOpen(s.marks, 0),
      unhealthySince: (p, o) => ((calls.reads += 1), s.marks.unhealthySince(p, o)),
      openUnhealthy: (p, o, at, etag) => ((calls.writes += 1), s.marks.openUnhealthy(p, o, at, etag)),
    };
    const notify = new NotifyUnhealthy({ marks: counted, outbox: s.outbox, offers: s.offers, clock: s.clock });
    const deliver = delivery(s, notify);
    const ids = await Promise.all(Array.from({ length: 20 }, () => s.capture()));
    const results = await Promise.all(ids.map((leadId) => deliver.attempt({ publisherId: P, offerId: O, leadId, generation: 0 })));
    expect(results.every((r) => r.kind === 'wait')).toBe(true);
    expect(s.outbox.list()).toEqual([
      {
        id: `leads.destinationUnhealthy.${T0}`,
        event: 'leadDestinationUnhealthy',
        publisherId: P,
        offerId: O,
        to: ['ops@contoso.com'],
        subject: `The lead destination of ${P}.${O} is failing`,
        bodyHtml:
          `<p>A lead for offer ${P}.${O} could not be delivered to its HttpsEndpoint destination at ${T0} (http_503). ` +
          'The lead is kept and retried; check the destination. You get at most one such e-mail per offer a day.</p>',
        timestamp: T0,
      },
    ]);
    expect((await s.marks.unhealthySince(P, O))?.at).toBe(T0);
    expect(calls).toEqual({ reads: 1, writes: 1 }); // one read and one write for the whole burst

    // Still failing just under 24 h later: nothing new, also from a process that never saw the window.
    s.clock.advance(24 * HOUR - 1);
    const fresh = new NotifyUnhealthy({ marks: s.marks, outbox: s.outbox, offers: s.offers, clock: s.clock });
    await delivery(s, fresh).attempt({ publisherId: P, offerId: O, leadId: ids[0] as string, generation: 0 });
    await deliver.attempt({ publisherId: P, offerId: O, leadId: ids[1] as string, generation: 0 });
    expect(s.outbox.rows.size).toBe(1);

    // Exactly 24 h after the window opened: a new window, a second notice.
    s.clock.advance(1);
    await deliver.attempt({ publisherId: P, offerId: O, leadId: ids[2] as string, generation: 0 });
    await deliver.attempt({ publisherId: P, offerId: O, leadId: ids[3] as string, generation: 0 });
    const at = new Date(Date.parse(T0) + 24 * HOUR).toISOString();
    expect([...s.outbox.rows.keys()]).toEqual([`leads.destinationUnhealthy.${T0}`, `leads.destinationUnhealthy.${at}`]);
    expect((await s.marks.unhealthySince(P, O))?.at).toBe(at);
  });

  it('opens one window when two processes both find none (insert-only row, not read-then-write)', async () => {
    const s = setup();
    const marks = meetingAtOpen(s.marks, 2);
    const clockB = new FakeClock('2026-03-01T00:00:00.001Z');
    const a = new NotifyUnhealthy({ marks, outbox: s.outbox, offers: s.offers, clock: s.clock });
    const b = new NotifyUnhealthy({ marks, outbox: s.outbox, offers: s.offers, clock: clockB });
    const [one, two] = [await s.capture(), await s.capture()];
    await Promise.all([
      delivery(s, a).attempt({ publisherId: P, offerId: O, leadId: one, generation: 0 }),
      delivery(s, b, clockB).attempt({ publisherId: P, offerId: O, leadId: two, generation: 0 }),
    ]);
    expect(s.outbox.rows.size).toBe(1);
    const window = (await s.marks.unhealthySince(P, O))?.at;
    expect([...s.outbox.rows.keys()]).toEqual([`leads.destinationUnhealthy.${window}`]);
  });

  it('sends nothing for a success or a permanent failure', async () => {
    const s = setup();
    const notify = new NotifyUnhealthy({ marks: s.marks, outbox: s.outbox, offers: s.offers, clock: s.clock });
    const store = withUnhealthyWatch(s.store, notify, () => undefined);
    const id = await s.capture();
    const stored = await store.getDelivery(P, O, id);
    const attempt = { outcome: 'permanent' as const, category: 'http_404', number: 1, at: T0, destination: 'HttpsEndpoint' as const, latencyMs: 1 };
    const dead = { ...pendingDelivery(id, T0), state: 'dead_lettered' as const, attempts: [attempt], attemptCount: 1, reason: 'http_404' };
    expect(await store.replaceDelivery(dead, stored?.etag as string, stored?.delivery)).toBe(true);
    expect(s.outbox.rows.size).toBe(0);
    expect(await s.marks.unhealthySince(P, O)).toBeUndefined();
  });
});
