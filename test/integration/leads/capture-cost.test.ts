/**
 * What a capture costs in storage requests against Azurite (issue 12's benchmark; decision 0524), counted by a
 * pipeline policy on every Table client the leads capability gets. A healthy target: the lead is delivered by its
 * first attempt in this process, with no orchestration, and the whole capture-to-delivered path is the capture's
 * share of one group-committed transaction and of the delivery's conditional replaces, the due entry moving inside
 * them (decisions 0530, 0531); the
 * live offer is read from the catalog once per cache TTL, not once per lead. A failing target hands the lead to its
 * orchestration once. Able to fail: the capture reading its row back, a per-lead catalog read, an orchestration
 * started for every lead (the hand-over counter), an unbounded burst (the in-flight maximum).
 */
import { describe, expect, it } from 'vitest';
import type { TableClient } from '@azure/data-tables';
import type { OfferDocument } from '../../../shared/catalog/model/offer';
import type { OfferCatalog } from '../../../shared/catalog/ports';
import { noFaults } from '../../../shared/faults';
import { buildLeads } from '../../../shared/leads/composition';
import type { AttemptOutcome } from '../../../shared/leads/model';
import type { DeliveryHandoff, LeadTarget } from '../../../shared/leads/ports';
import type { Storage } from '../../../shared/storage/clients';
import { FakeClock, ok, targetsWith, unavailable } from '../../fixtures/leads-fakes';
import { testStorage } from '../../fixtures/storage';

const MP = 'microsoft-azure-marketplace';

function counted(storage: Storage) {
  const requests: string[] = [];
  const seen = new WeakSet<TableClient>();
  const wrapped: Storage = {
    ...storage,
    table: async (name) => {
      const client = await storage.table(name);
      if (!seen.has(client)) {
        seen.add(client);
        client.pipeline.addPolicy({
          name: 'count-requests',
          sendRequest: async (request, next) => {
            const response = await next(request);
            requests.push(`${request.method} ${name}`);
            return response;
          },
        });
      }
      return client;
    },
  };
  return { wrapped, requests };
}

function document(offerId: string): OfferDocument {
  return {
    publisherId: 'contoso',
    offerId,
    offerTypeId: 'microsoft-saas',
    definition: {
      displayText: 'Contoso App',
      offer: {
        'microsoft-saas.listingOption': 'contactMe',
        [`${MP}.leadDestination`]: 'HttpsEndpoint',
        [`${MP}.httpsEndpointLeadConfiguration`]: { httpsEndpointUrl: 'https://leads.contoso.com/hook', contactEmail: 'leads@contoso.com' },
      },
      plans: [],
    },
  } as unknown as OfferDocument;
}

async function setup(target: LeadTarget, concurrency = 4, queueMax = 100) {
  const { wrapped, requests } = counted(testStorage());
  const catalogReads: string[] = [];
  const catalog = { getLiveOffer: async () => undefined } as unknown as OfferCatalog;
  const started: string[] = [];
  const record: DeliveryHandoff['handoff'] = async (ref) => void started.push(ref.leadId);
  const clock = new FakeClock('2026-03-01T00:00:00.000Z');
  const leads = buildLeads({
    storage: wrapped,
    clock,
    faults: noFaults,
    catalog,
    draft: async (_publisherId, offerId) => {
      catalogReads.push(offerId);
      return { document: document(offerId), internalId: 'i-1', liveVersion: 1 };
    },
    openSecret: () => (sealed) => sealed,
    targets: targetsWith(target),
    offerCacheTtlMs: 5_000,
    delivery: {
      windowHours: 72,
      timeoutMs: 1_000,
      sweepGraceMs: 120_000,
      offerConcurrency: 5,
      firstAttempt: { concurrency, queueMax },
      destinations: { allowDevStorage: false, allowLoopbackTargets: false, dynamicsHostSuffixes: [] },
    },
  });
  const delivery = leads.delivery;
  if (!delivery) throw new Error('delivery not wired');
  // The orchestration's hand-over, recorded instead of started (no durable runtime here).
  (delivery.starter as { handoff: DeliveryHandoff['handoff'] }).handoff = record;
  let n = 0;
  const capture = () => {
    n += 1;
    return leads.capture.capture({
      publisherId: 'contoso',
      offerId: 'app',
      trigger: 'ContactMe',
      storefront: 'AppSource',
      userDetails: { FirstName: 'Ada', LastName: 'Lovelace', Email: `ada${n}@fabrikam.example`, Country: 'GB' },
      description: 'call me',
      consent: { Given: true, At: '2026-03-01T00:00:00Z' },
      body: { n },
    });
  };
  return { leads, delivery, requests, catalogReads, started, capture };
}

describe('storage requests per captured lead', () => {
  it('a healthy target: a share of one transaction, of the index write and of one replace per lead; the offer read once', async () => {
    const { delivery, requests, catalogReads, started, capture, leads } = await setup(new CountingTarget([ok]));
    await capture(); // warm-up: the tables exist, the offer is cached
    await delivery.first.idle();
    requests.length = 0;
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => capture()));
    await delivery.first.idle();
    const made = [...requests];
    const ids = outcomes.map((o) => (o.kind === 'created' ? o.lead.leadId : ''));
    for (const id of ids) expect((await leads.store.getDelivery('contoso', 'app', id))?.delivery.state).toBe('delivered');
    const writes = made.filter((r) => !r.startsWith('GET'));
    // Without group commit: 20 transactions (POST $batch) + 20 replaces (PATCH/MERGE). Captures of one offer that meet
    // share a transaction, and so do the replaces of attempts that end together (decision 0530): fewer requests than
    // leads. The due entry is written and removed inside them (decision 0531): no index write at all, the offer
    // being listed for the sweeper already (warm-up).
    expect(made.filter((r) => r.startsWith('GET'))).toEqual([]);
    const leadWrites = writes.filter((r) => r.endsWith(' Leads'));
    expect(leadWrites.filter((r) => r.startsWith('POST')).length).toBeLessThan(20);
    expect(leadWrites.length).toBeLessThan(40);
    expect(writes.filter((r) => r.endsWith(' LeadsDue'))).toEqual([]);
    expect(catalogReads).toEqual(['app']);
    expect(started).toEqual([]);
    expect(delivery.first.counts).toMatchObject({ attempted: 21, finished: 21, toOrchestration: 0, overflow: 0 });
  });

  it('a failing target: the lead is handed to its orchestration once, after its first attempt is recorded', async () => {
    const { delivery, started, capture, leads } = await setup(new CountingTarget([unavailable]));
    const outcome = await capture();
    await delivery.first.idle();
    const id = outcome.kind === 'created' ? outcome.lead.leadId : '';
    expect(started).toEqual([id]);
    expect((await leads.store.getDelivery('contoso', 'app', id))?.delivery).toMatchObject({ state: 'pending', attemptCount: 1 });
  });

  it('a burst of 50 captures never has more attempts in flight than the limit', async () => {
    const target = new CountingTarget([ok]);
    // A queue that holds the whole burst (one offer may fill a quarter of it), so every lead is attempted here.
    const { delivery, capture } = await setup(target, 3, 400);
    await Promise.all(Array.from({ length: 50 }, () => capture()));
    await delivery.first.idle();
    expect(target.calls).toBe(50);
    expect(target.maxInFlight).toBeLessThanOrEqual(3);
    expect(target.maxInFlight).toBeGreaterThan(0);
  });
});

/** A target answering from a script that counts calls and how many ran at once. */
class CountingTarget implements LeadTarget {
  calls = 0;
  inFlight = 0;
  maxInFlight = 0;
  readonly #answers: AttemptOutcome[];
  constructor(answers: AttemptOutcome[]) {
    this.#answers = answers;
  }
  async deliver(): Promise<AttemptOutcome> {
    this.calls += 1;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setImmediate(r));
    this.inFlight -= 1;
    return this.#answers[Math.min(this.calls - 1, this.#answers.length - 1)] as AttemptOutcome;
  }
}
