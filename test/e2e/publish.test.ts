/**
 * The publish pipeline over the built host (issue 13; decisions 0600–0603), with simulated durations at scale 0:
 * an invalid draft is refused with its messages and nothing starts; a valid one is frozen and runs validation,
 * package checks, lead management validation (one test lead to a loopback receiver), preview and sign-off; go-live
 * makes it the live version SaaS reads; a live offer's update stays in preview until its own go-live; a package
 * whose stored bytes were corrupted fails the package step with a message naming the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLeadReceiver, type LeadReceiver } from '../fixtures/lead-receiver';
import { MP, saasOffer, withField } from '../fixtures/offers';
import { startSaasHarness, until, type Reply, type SaasHarness } from '../fixtures/saas-harness';

const V = 'api-version=2017-10-31';
let h: SaasHarness;
let rx: LeadReceiver;

function offer(id: string) {
  return withField(saasOffer(id), ['definition', 'offer', `${MP}.httpsEndpointLeadConfiguration`], {
    httpsEndpointUrl: `${rx.url}/o/${id}`,
    contactEmail: 'leads@contoso.test',
  });
}

async function put(id: string, body: unknown): Promise<Reply> {
  const res = await h.call('PUT', `/api/publishers/contoso/offers/${id}?${V}`, 'contoso', { body, headers: { 'if-match': '*' } });
  expect([200, 201], JSON.stringify(res.json)).toContain(res.status);
  return res;
}

async function operation(location: string): Promise<Record<string, unknown>> {
  const res = await h.call('GET', location, 'contoso');
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json;
}

async function settled(location: string, wanted: string[] = ['completed', 'failed', 'canceled']): Promise<Record<string, unknown>> {
  return until(`operation ${location}`, async () => {
    const op = await operation(location);
    return wanted.includes(op['status'] as string) ? op : undefined;
  });
}

function steps(op: Record<string, unknown>): { id: string; status: string; messages: { code?: string; messageHtml: string; level: string }[] }[] {
  return op['steps'] as never;
}

async function publish(id: string, body: unknown = { metadata: { 'notification-emails': 'jdoe@contoso.test' } }): Promise<Reply> {
  return h.call('POST', `/api/publishers/contoso/offers/${id}/publish?${V}`, 'contoso', { body });
}

beforeAll(async () => {
  rx = await startLeadReceiver();
  h = await startSaasHarness({ PUBLISH_TIME_SCALE: '0' });
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await rx?.close();
});

describe('publish → preview → go-live', () => {
  it('refuses an invalid draft with 422 and its messages, and starts nothing', async () => {
    await put('pub-invalid', withField(offer('pub-invalid'), ['definition', 'offer', 'microsoft-saas.landingPageUrl'], undefined));
    const res = await publish('pub-invalid');
    expect(res.status, JSON.stringify(res.json)).toBe(422);
    const error = res.json['error'] as { code: string; details: { code: string; target: string }[] };
    expect(error.code).toBe('ValidationFailed');
    expect(error.details).toContainEqual(expect.objectContaining({ code: 'RequiredFieldMissing', target: expect.stringContaining('landingPageUrl') }));
    const ops = await h.call('GET', `/api/publishers/contoso/offers/pub-invalid/operations?${V}`, 'contoso');
    expect(ops.status).toBe(200);
    expect(ops.json).toEqual([]);
    const status = await h.call('GET', `/api/publishers/contoso/offers/pub-invalid/status?${V}`, 'contoso');
    expect(status.json).toEqual({ status: 'neverPublished', messages: [], steps: [], previewLinks: [], liveLinks: [] });
  });

  it('refuses go-live before a preview exists (409 PreviewNotReady) and cancel with nothing running', async () => {
    await put('pub-early', offer('pub-early'));
    const live = await h.call('POST', `/api/publishers/contoso/offers/pub-early/golive?${V}`, 'contoso');
    expect(live.status, JSON.stringify(live.json)).toBe(409);
    expect((live.json['error'] as { code: string }).code).toBe('PreviewNotReady');
    const cancel = await h.call('POST', `/api/publishers/contoso/offers/pub-early/cancel?${V}`, 'contoso');
    expect(cancel.status).toBe(409);
    expect((cancel.json['error'] as { code: string }).code).toBe('NoCancelableOperation');
  });

  it('runs the steps to sign-off, then goes live on the publisher sign-off; the live version is what SaaS reads', async () => {
    await put('pub-happy', offer('pub-happy'));
    const res = await publish('pub-happy');
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    const location = res.headers.get('location') as string;
    expect(location).toMatch(/^\/api\/publishers\/contoso\/offers\/pub-happy\/operations\/[0-9a-f-]{36}\?api-version=2017-10-31$/);
    expect(res.json).toMatchObject({ submissionType: 'publish', slot: 'preview', offerVersion: 1, publishingVersion: 1, cancellationRequestState: 'canCancel' });

    const op = await settled(location);
    expect(op['status']).toBe('completed');
    expect(steps(op).map((s) => [s.id, s.status])).toEqual([
      ['displaydummycertify', 'complete'],
      ['package-validation', 'complete'],
      ['lead-management-validation', 'complete'],
      ['preview-creation', 'complete'],
      ['publisher-signoff', 'waitingForPublisherReview'],
    ]);
    expect(rx.received.filter((r) => r.path === '/o/pub-happy')).toHaveLength(1); // the one test lead

    const status = await h.call('GET', `/api/publishers/contoso/offers/pub-happy/status?${V}`, 'contoso');
    expect(status.json['status']).toBe('waitingForPublisherReview');
    expect((status.json['previewLinks'] as unknown[]).length).toBe(1);
    expect(steps(status.json).slice(-3).map((s) => [s.id, s.status])).toEqual([
      ['displaycertify', 'notStarted'],
      ['final-publish', 'notStarted'],
      ['live', 'notStarted'],
    ]);
    // Not live yet: production is empty, customers cannot buy it.
    expect((await h.call('GET', `/api/publishers/contoso/offers/pub-happy/slot/production?${V}`, 'contoso')).status).toBe(404);

    const go = await h.call('POST', `/api/publishers/contoso/offers/pub-happy/golive?${V}`, 'contoso');
    expect(go.status, JSON.stringify(go.json)).toBe(202);
    expect(go.json).toMatchObject({ submissionType: 'goLive', slot: 'production', offerVersion: 1 });
    const again = await h.call('POST', `/api/publishers/contoso/offers/pub-happy/golive?${V}`, 'contoso');
    expect(again.status).toBe(409);
    const done = await settled(go.headers.get('location') as string);
    expect(done['status'], JSON.stringify(done)).toBe('completed');
    expect(steps(done).map((s) => [s.id, s.status])).toEqual([
      ['displaycertify', 'complete'],
      ['final-publish', 'complete'],
      ['live', 'complete'],
    ]);
    const after = await h.call('GET', `/api/publishers/contoso/offers/pub-happy/status?${V}`, 'contoso');
    expect(after.json['status']).toBe('succeeded');
    expect((after.json['liveLinks'] as unknown[]).length).toBe(1);
    expect(steps(after.json).find((s) => s.id === 'publisher-signoff')?.status).toBe('complete');
    const production = await h.call('GET', `/api/publishers/contoso/offers/pub-happy/slot/production?${V}`, 'contoso');
    expect(production.status).toBe(200);
    expect(production.json['version']).toBe(1);

    const notes = await h.call('GET', `/api/publishers/contoso/notifications?${V}&offerId=pub-happy`, 'contoso');
    expect((notes.json as unknown as { event: string; to: string[] }[]).map((n) => n.event)).toEqual(['submitted', 'previewReady', 'live']);
    expect((notes.json as unknown as { to: string[] }[])[2]?.to).toEqual(['jdoe@contoso.test', 'jondoe@contoso.test']);

    const list = await h.call('GET', `/api/publishers/contoso/offers/pub-happy/submissions?${V}&status=completed`, 'contoso');
    expect((list.json as unknown as { submissionType: string }[]).map((o) => o.submissionType)).toEqual(['goLive', 'publish']);
  });

  it('keeps the old version live while an update is in preview, and replaces it on go-live', async () => {
    await put('pub-update', offer('pub-update'));
    const first = await publish('pub-update');
    await settled(first.headers.get('location') as string);
    await settled((await h.call('POST', `/api/publishers/contoso/offers/pub-update/golive?${V}`, 'contoso')).headers.get('location') as string);

    await put('pub-update', withField(offer('pub-update'), ['definition', 'offer', `${MP}.summary`], 'The second version.'));
    const second = await publish('pub-update');
    expect(second.status).toBe(202);
    expect(second.json['offerVersion']).toBe(2);
    await settled(second.headers.get('location') as string);
    const live1 = await h.call('GET', `/api/publishers/contoso/offers/pub-update/slot/production?${V}`, 'contoso');
    expect(live1.json['version']).toBe(1);
    await settled((await h.call('POST', `/api/publishers/contoso/offers/pub-update/golive?${V}`, 'contoso')).headers.get('location') as string);
    const live2 = await h.call('GET', `/api/publishers/contoso/offers/pub-update/slot/production?${V}`, 'contoso');
    expect(live2.json['version']).toBe(2);
    expect(((live2.json['definition'] as { offer: Record<string, unknown> }).offer)[`${MP}.summary`]).toBe('The second version.');
  });

  it('answers 404 for another offer’s operation, 400 for a bad status filter, 403 in another namespace', async () => {
    expect((await h.call('GET', `/api/publishers/contoso/offers/pub-happy/operations/nope?${V}`, 'contoso')).status).toBe(404);
    expect((await h.call('GET', `/api/publishers/contoso/offers/pub-happy/operations?${V}&status=bogus`, 'contoso')).status).toBe(400);
    expect((await h.call('POST', `/api/publishers/contoso/offers/pub-happy/publish?${V}`, 'fabrikam')).status).toBe(403);
    expect((await h.call('POST', `/api/publishers/contoso/offers/nothing-here/publish?${V}`, 'contoso')).status).toBe(404);
  });
});

describe('stop sell', () => {
  const CUSTOMER = { customer: ['fabrikam', 'buyer-1'] as [string, string] };
  const buy = (offerId: string, planId: string) =>
    h.call('POST', '/api/storefront/purchases', CUSTOMER, { body: { publisherId: 'contoso', offerId, planId, termUnit: 'P1M' } });
  const subscription = (id: string) => h.call('GET', `/api/saas/subscriptions/${id}?api-version=2018-08-31`, 'contoso');

  async function live(id: string): Promise<void> {
    const res = await publish(id);
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    expect((await settled(res.headers.get('location') as string))['status']).toBe('completed');
    const go = await h.call('POST', `/api/publishers/contoso/offers/${id}/golive?${V}`, 'contoso');
    expect(go.status, JSON.stringify(go.json)).toBe(202);
    expect((await settled(go.headers.get('location') as string))['status']).toBe('completed');
  }

  it('a stop-sold plan stops selling when its new version goes live; its subscriptions keep running', async () => {
    await put('pub-plan-stop', offer('pub-plan-stop'));
    await live('pub-plan-stop');
    const bought = await buy('pub-plan-stop', 'basic');
    expect(bought.status, JSON.stringify(bought.json)).toBe(201);
    const before = (await subscription(bought.json['subscriptionId'] as string)).json;

    await put('pub-plan-stop', withField(offer('pub-plan-stop'), ['definition', 'plans', 0, 'microsoft-saas.stopSell'], true));
    const pending = await publish('pub-plan-stop');
    await settled(pending.headers.get('location') as string);
    expect((await buy('pub-plan-stop', 'basic')).status).toBe(201); // still live at version 1 until the go-live
    await settled((await h.call('POST', `/api/publishers/contoso/offers/pub-plan-stop/golive?${V}`, 'contoso')).headers.get('location') as string);

    const refused = await buy('pub-plan-stop', 'basic');
    expect(refused.status, JSON.stringify(refused.json)).toBe(409);
    const after = await subscription(bought.json['subscriptionId'] as string);
    expect(after.status).toBe(200);
    expect(after.json['saasSubscriptionStatus']).toBe(before['saasSubscriptionStatus']);
    expect(after.json['planId']).toBe('basic');
  });

  it('stop distribution of an offer: nothing is sold any more, subscriptions keep running, publish + go-live re-lists it', async () => {
    await put('pub-offer-stop', offer('pub-offer-stop'));
    const never = await h.call('POST', `/api/publishers/contoso/offers/pub-offer-stop/stopDistribution?${V}`, 'contoso');
    expect(never.status).toBe(409);
    expect((never.json['error'] as { code: string }).code).toBe('OfferNotLive');
    await live('pub-offer-stop');
    const bought = await buy('pub-offer-stop', 'basic');
    expect(bought.status).toBe(201);

    const stop = await h.call('POST', `/api/publishers/contoso/offers/pub-offer-stop/stopDistribution?${V}`, 'contoso');
    expect(stop.status, JSON.stringify(stop.json)).toBe(202);
    expect(stop.json).toMatchObject({ submissionType: 'stopDistribution', slot: 'production', offerVersion: 1 });
    const done = await settled(stop.headers.get('location') as string);
    expect(done['status'], JSON.stringify(done)).toBe('completed');
    expect((await buy('pub-offer-stop', 'basic')).status).toBe(409);
    expect((await subscription(bought.json['subscriptionId'] as string)).status).toBe(200);
    const status = await h.call('GET', `/api/publishers/contoso/offers/pub-offer-stop/status?${V}`, 'contoso');
    expect(status.json['status']).toBe('succeeded');
    expect(status.json['liveLinks']).toEqual([]);
    const notes = await h.call('GET', `/api/publishers/contoso/notifications?${V}&offerId=pub-offer-stop`, 'contoso');
    expect((notes.json as unknown as { event: string }[]).map((n) => n.event)).toContain('stopped');

    await live('pub-offer-stop');
    expect((await buy('pub-offer-stop', 'basic')).status).toBe(201);
  });
});
