/**
 * The capture use case with in-memory fakes: the documented order of its checks (each one would pass a lead the
 * spec refuses if it moved or went), one store write per lead, held vs pending by destination, dedupe outcomes, and
 * a hand-over that fails after the commit still answers the committed lead.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../../../../shared/errors';
import { PausePoints } from '../../../../shared/faults';
import type { Delivery, DestinationType, Lead, Trigger } from '../../../../shared/leads/model';
import type { CaptureKeys, CaptureResult, DeliveryHandoff, LeadOffer, LeadStore } from '../../../../shared/leads/ports';
import { stillValid } from '../../../../shared/leads/rules/dedupe';
import { CaptureLead, FAULT_CAPTURE_AFTER_COMMIT, type CaptureInput } from '../../../../shared/leads/service/capture';
import { PurchaseLead } from '../../../../shared/leads/service/purchase-lead';

const NOW = '2025-01-01T12:00:00.000Z';

/** Dedupe as the table store does it: insert-only keyed rows, expired rows count as absent. */
class DedupeStore implements LeadStore {
  readonly writes: { lead: Lead; delivery: Delivery; keys: CaptureKeys }[] = [];
  readonly idem = new Map<string, { leadId: string; bodyHash: string; expiresAt: string }>();
  readonly nat = new Map<string, { leadId: string; expiresAt: string }>();
  failWith: Error | undefined;
  constructor(private readonly nowMs: () => number) {}
  async capture(lead: Lead, delivery: Delivery, keys: CaptureKeys): Promise<CaptureResult> {
    if (this.failWith) throw this.failWith;
    const now = this.nowMs();
    const idem = keys.idempotency && this.idem.get(keys.idempotency.keyHash);
    if (keys.idempotency && idem && stillValid(idem.expiresAt, now)) {
      return idem.bodyHash === keys.idempotency.bodyHash ? { kind: 'replay', leadId: idem.leadId } : { kind: 'key-reuse' };
    }
    const nat = this.nat.get(keys.natural.hash);
    if (!keys.idempotency && nat && stillValid(nat.expiresAt, now)) return { kind: 'duplicate', leadId: nat.leadId };
    this.writes.push({ lead, delivery, keys });
    if (keys.idempotency) this.idem.set(keys.idempotency.keyHash, { leadId: lead.leadId, ...keys.idempotency });
    this.nat.set(keys.natural.hash, { leadId: lead.leadId, expiresAt: keys.natural.expiresAt });
    return { kind: 'created' };
  }
  getLead = async () => undefined;
  getDelivery = async () => undefined;
  replaceDelivery = async () => false;
  list = async () => ({ items: [] });
}

function offer(over: Partial<LeadOffer> = {}, destination: DestinationType = 'HttpsEndpoint'): LeadOffer {
  return {
    publisherId: 'contoso',
    offerId: 'contoso-app',
    offerTypeId: 'microsoft-saas',
    state: 'live',
    title: 'Contoso App',
    triggers: new Set<Trigger>(['ContactMe', 'GetItNow', 'FreeTrial', 'TestDrive', 'PortalCreate', 'CrossListed']),
    destination: { type: destination, settings: {} },
    ...over,
  };
}

function setup(o: LeadOffer | null = offer()) {
  let now = Date.parse(NOW);
  const store = new DedupeStore(() => now);
  const handed: unknown[] = [];
  const handoff: DeliveryHandoff = { handoff: async (ref) => void handed.push(ref) };
  const faults = new PausePoints();
  const errors: string[] = [];
  let counter = 0;
  const deps = {
    offers: { live: async () => o ?? undefined, draft: async () => o ?? undefined },
    store,
    handoff,
    clock: { now: () => new Date(now) },
    faults,
    random: (n: number) => Uint8Array.from({ length: n }, () => ++counter % 256),
    onHandoffError: (_e: unknown, leadId: string) => void errors.push(leadId),
  };
  return { capture: new CaptureLead(deps), deps, store, handed, faults, errors, advance: (ms: number) => (now += ms) };
}

function input(over: Partial<CaptureInput> = {}): CaptureInput {
  const body = { b: 1 };
  return {
    publisherId: 'contoso',
    offerId: 'contoso-app',
    trigger: 'ContactMe',
    storefront: 'AppSource',
    userDetails: { FirstName: ' Ann ', Email: 'ann@Contoso.COM', Country: 'usa' },
    description: 'Call me\r\nsoon',
    consent: { Given: true, At: '2025-01-01T11:59:00Z' },
    body,
    ...over,
  };
}

describe('CaptureLead', () => {
  it('stores one lead with its pending delivery, then hands it over', async () => {
    const t = setup();
    const result = await t.capture.capture(input({ planId: 'p1' }));
    expect(result.kind).toBe('created');
    expect(t.store.writes).toHaveLength(1);
    const { lead, delivery } = t.store.writes[0] as { lead: Lead; delivery: Delivery };
    expect(lead).toEqual({
      leadId: lead.leadId,
      createdAt: NOW,
      isTest: false,
      trigger: 'ContactMe',
      storefront: 'AppSource',
      source: 'SPZA',
      action: 'PLT',
      kind: 'initialInterest',
      publisherId: 'contoso',
      offerId: 'contoso-app',
      offerTitle: 'Contoso App',
      planId: 'p1',
      leadSource: 'SPZA-PLT|contoso.contoso-app',
      userDetails: { FirstName: 'Ann', LastName: '', Email: 'ann@contoso.com', Phone: '', Country: 'US', Company: '', Title: '' },
      description: 'Call me\nsoon',
      consent: { given: true, at: '2025-01-01T11:59:00.000Z' },
    });
    expect(lead.leadId).toMatch(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    expect(delivery).toEqual({
      leadId: lead.leadId,
      publisherId: 'contoso',
      offerId: 'contoso-app',
      state: 'pending',
      generation: 1,
      windowStartedAt: NOW,
      nextAttemptAt: NOW,
      attempts: [],
      attemptCount: 0,
    });
    expect(t.handed).toEqual([{ publisherId: 'contoso', offerId: 'contoso-app', leadId: lead.leadId, generation: 1 }]);
  });

  it.each([
    ['None', 'no_destination'],
    ['AzureBlob', 'destination_deprecated'],
  ] as const)('holds a lead whose offer has destination %s, and hands nothing over', async (type, reason) => {
    const t = setup(offer({}, type));
    await t.capture.capture(input());
    expect(t.store.writes[0]?.delivery).toMatchObject({ state: 'held', reason });
    expect(t.store.writes[0]?.delivery.nextAttemptAt).toBeUndefined();
    expect(t.handed).toEqual([]);
  });

  it('answers 404 for an unknown offer and 409 offer_not_published for a draft, storing nothing', async () => {
    await expect(setup(null).capture.capture(input())).rejects.toBeInstanceOf(NotFoundError);
    const draft = setup(offer({ state: 'draft' }));
    await expect(draft.capture.capture(input())).rejects.toMatchObject({ kind: 'conflict', code: 'offer_not_published' });
    expect(draft.store.writes).toEqual([]);
  });

  it('checks the pair before the listing gate, the gate before consent, consent before the fields', async () => {
    const t = setup(offer({ triggers: new Set<Trigger>(['GetItNow']) }));
    const bad = input({ consent: undefined, userDetails: { Email: 'bad' } });
    await expect(t.capture.capture({ ...bad, trigger: 'PortalCreate', storefront: 'AzureMarketplace' })).rejects.toMatchObject({
      code: 'invalid_trigger_for_storefront',
    });
    await expect(t.capture.capture(bad)).rejects.toMatchObject({ kind: 'unprocessable', code: 'trigger_not_enabled_for_offer' });
    await expect(t.capture.capture({ ...bad, trigger: 'GetItNow' })).rejects.toMatchObject({ code: 'consent_required' });
    await expect(t.capture.capture({ ...bad, trigger: 'GetItNow', consent: { Given: true, At: NOW } })).rejects.toMatchObject({
      kind: 'invalid',
      code: 'invalid_email',
      violations: [{ path: 'UserDetails.Email', code: 'invalid_email' }],
    });
    expect(t.store.writes).toEqual([]);
  });

  it('refuses a Source that is not the storefront’s, and keeps TestDrive as sent for a test drive', async () => {
    const t = setup();
    await expect(t.capture.capture(input({ source: 'AzureMarketplace' }))).rejects.toMatchObject({ code: 'invalid_source_for_storefront' });
    await expect(t.capture.capture(input({ source: 'TestDrive' }))).rejects.toMatchObject({ code: 'invalid_source_for_storefront' });
    await t.capture.capture(input({ trigger: 'TestDrive', source: 'TestDrive' }));
    expect(t.store.writes[0]?.lead).toMatchObject({ source: 'SPZA', action: 'StartTestDrive', kind: 'trial', sourceAsSent: 'TestDrive' });
  });

  it('reports 422 problems only when nothing is malformed', async () => {
    const t = setup();
    const both = input({ userDetails: { Country: 'Narnia', Email: 'x' } });
    await expect(t.capture.capture(both)).rejects.toBeInstanceOf(ValidationError);
    const country = t.capture.capture(input({ userDetails: { Country: 'Narnia', Email: 'a@b.co' } }));
    await expect(country).rejects.toBeInstanceOf(UnprocessableError);
    await expect(t.capture.capture(input({ userDetails: { Country: 'Narnia', Email: 'a@b.co' } }))).rejects.toMatchObject({
      code: 'invalid_country',
      violations: [{ path: 'UserDetails.Country', code: 'invalid_country' }],
    });
    await expect(t.capture.capture(input({ userDetails: { FirstName: 'Ann' } }))).rejects.toMatchObject({ code: 'contact_channel_required' });
    await expect(t.capture.capture(input({ description: 'd'.repeat(2001) }))).rejects.toMatchObject({
      violations: [{ path: 'Description', code: 'field_too_long' }],
    });
  });

  it('replays a key with the same body, refuses it with another, and dedupes keyless submissions for 10 minutes', async () => {
    const t = setup();
    const first = await t.capture.capture(input({ idempotencyKey: 'k1' }));
    const id = first.kind === 'created' ? first.lead.leadId : '';
    expect(await t.capture.capture(input({ idempotencyKey: 'k1' }))).toEqual({ kind: 'replay', leadId: id });
    await expect(t.capture.capture(input({ idempotencyKey: 'k1', body: { b: 2 } }))).rejects.toBeInstanceOf(ConflictError);
    await expect(t.capture.capture(input({ idempotencyKey: 'k1', body: { b: 2 } }))).rejects.toMatchObject({ code: 'idempotency_key_reuse' });
    expect(await t.capture.capture(input())).toEqual({ kind: 'duplicate', leadId: id });
    t.advance(10 * 60 * 1000);
    expect((await t.capture.capture(input())).kind).toBe('created');
    expect(t.store.writes).toHaveLength(2);
    expect(t.handed).toHaveLength(2);
  });

  it('treats another action of the same customer as another lead', async () => {
    const t = setup();
    await t.capture.capture(input());
    expect((await t.capture.capture(input({ trigger: 'GetItNow' }))).kind).toBe('created');
  });

  it('answers the committed lead when the hand-over fails (the sweeper takes over)', async () => {
    const t = setup();
    t.deps.handoff.handoff = async () => {
      throw new Error('no durable client');
    };
    const result = await t.capture.capture(input());
    expect(result.kind).toBe('created');
    expect(t.errors).toEqual([result.kind === 'created' ? result.lead.leadId : '']);
  });

  it('reaches the after-commit fault point with the lead already stored', async () => {
    const t = setup();
    const gate = t.faults.pause(FAULT_CAPTURE_AFTER_COMMIT);
    const pending = t.capture.capture(input());
    await gate.arrivals(1);
    expect(t.store.writes).toHaveLength(1);
    expect(t.handed).toEqual([]);
    gate.release();
    await pending;
    expect(t.handed).toHaveLength(1);
  });

  it('passes a storage failure through with nothing handed over', async () => {
    const t = setup();
    t.store.failWith = Object.assign(new Error('down'), { name: 'RestError' });
    await expect(t.capture.capture(input())).rejects.toThrow('down');
    expect(t.handed).toEqual([]);
  });
});

describe('PurchaseLead', () => {
  const facts = { publisherId: 'contoso', offerId: 'contoso-app', planId: 'gold', subscriptionId: 'sub-1', email: 'buyer@fabrikam.com', at: NOW };

  it('captures a Get it now lead from Azure Marketplace keyed by the subscription', async () => {
    const t = setup();
    const purchase = new PurchaseLead(t.capture);
    const first = await purchase.purchased(facts);
    expect(first?.kind).toBe('created');
    expect(t.store.writes[0]?.lead).toMatchObject({
      trigger: 'GetItNow',
      leadSource: 'AzureMarketplace-INS|contoso.contoso-app',
      planId: 'gold',
      subscriptionId: 'sub-1',
      userDetails: { Email: 'buyer@fabrikam.com' },
      consent: { given: true, at: NOW },
    });
    expect(await purchase.purchased(facts)).toEqual({ kind: 'replay', leadId: first?.kind === 'created' ? first.lead.leadId : '' });
  });

  it('lets a purchase through that makes no lead, and throws when the lead cannot be stored', async () => {
    const logged: string[] = [];
    const t = setup(offer({ state: 'draft' }));
    expect(await new PurchaseLead(t.capture, (m) => void logged.push(m)).purchased(facts)).toBeUndefined();
    expect(logged).toHaveLength(1);
    const down = setup();
    down.store.failWith = new Error('storage down');
    await expect(new PurchaseLead(down.capture).purchased(facts)).rejects.toThrow('storage down');
  });
});
