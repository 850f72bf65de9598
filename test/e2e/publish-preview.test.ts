/**
 * Preview purchases over the built host (issue 13; decision 0605), simulated durations at scale 0: a publish reaches
 * preview, `/slot/preview` shows its version, a customer in the offer's preview audience buys the preview
 * (`"slot": "preview"`, 201, `isTest: true`, resolvable by the ISV), a customer outside it gets 404 and nothing is
 * sold as production; after the go-live everyone buys the live version and nothing is in preview any more.
 * Able to fail: a storefront that sells the preview to anyone, a catalog whose preview survives the go-live, a
 * preview version the ISV cannot resolve (getOfferVersion hiding versions that were never live).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLeadReceiver, type LeadReceiver } from '../fixtures/lead-receiver';
import { MP, saasOffer, withField } from '../fixtures/offers';
import { startSaasHarness, until, type Reply, type SaasHarness, type Who } from '../fixtures/saas-harness';

const V = 'api-version=2017-10-31';
const SAAS_V = 'api-version=2018-08-31';
const OFFER = 'pv-offer';
/** customerRequest(tenant, user) signs e-mail `${user}@${tenant}.example`: ann is in the preview audience, bob is not. */
const ANN: Who = { customer: ['fabrikam', 'ann'] };
const BOB: Who = { customer: ['northwind', 'bob'] };
let h: SaasHarness;
let rx: LeadReceiver;

function offer(summary: string) {
  let body = withField(saasOffer(OFFER), ['definition', 'offer', `${MP}.httpsEndpointLeadConfiguration`], {
    httpsEndpointUrl: `${rx.url}/o/${OFFER}`,
    contactEmail: 'leads@contoso.test',
  });
  body = withField(body, ['definition', 'offer', `${MP}.previewAudience`], [{ id: 'Ann@Fabrikam.example', type: 'MixedAadMsaId' }]);
  return withField(body, ['definition', 'offer', `${MP}.summary`], summary);
}

const path = (tail: string) => `/api/publishers/contoso/offers/${OFFER}/${tail}?${V}`;

async function put(summary: string): Promise<void> {
  const res = await h.call('PUT', `/api/publishers/contoso/offers/${OFFER}?${V}`, 'contoso', {
    body: offer(summary),
    headers: { 'if-match': '*' },
  });
  expect([200, 201], JSON.stringify(res.json)).toContain(res.status);
}

async function settled(location: string): Promise<Record<string, unknown>> {
  return until(`operation ${location}`, async () => {
    const op = (await h.call('GET', location, 'contoso')).json;
    return ['completed', 'failed', 'canceled'].includes(op['status'] as string) ? op : undefined;
  });
}

async function run(tail: 'publish' | 'golive'): Promise<void> {
  const res = await h.call('POST', path(tail), 'contoso');
  expect(res.status, JSON.stringify(res.json)).toBe(202);
  expect((await settled(res.headers.get('location') as string))['status']).toBe('completed');
}

const buy = (who: Who, slot?: 'preview' | 'production'): Promise<Reply> =>
  h.call('POST', '/api/storefront/purchases', who, {
    body: { publisherId: 'contoso', offerId: OFFER, planId: 'basic', termUnit: 'P1M', ...(slot ? { slot } : {}) },
  });

const subscription = async (id: string) => (await h.call('GET', `/api/saas/subscriptions/${id}?${SAAS_V}`, 'contoso')).json;
const slot = (name: 'preview' | 'production') => h.call('GET', path(`slot/${name}`), 'contoso');

beforeAll(async () => {
  rx = await startLeadReceiver();
  h = await startSaasHarness({ PUBLISH_TIME_SCALE: '0' });
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await rx?.close();
});

describe('preview purchases', () => {
  it('publish → preview bought by its audience only, as a test → go-live → the live version for everyone, no preview', async () => {
    await put('The first version.');
    expect((await slot('preview')).status).toBe(404);
    await run('publish');

    const preview = await slot('preview');
    expect(preview.status, JSON.stringify(preview.json)).toBe(200);
    expect(preview.json['version']).toBe(1);
    expect((await slot('production')).status).toBe(404);

    // In the audience: the preview, a test purchase the ISV resolves and activates like any other.
    const bought = await buy(ANN, 'preview');
    expect(bought.status, JSON.stringify(bought.json)).toBe(201);
    const id = bought.json['subscriptionId'] as string;
    const resolved = await h.call('POST', `/api/saas/subscriptions/resolve?${SAAS_V}`, 'contoso', {
      headers: { 'x-ms-marketplace-token': bought.json['purchaseToken'] as string },
    });
    expect(resolved.status, JSON.stringify(resolved.json)).toBe(200);
    expect(resolved.json).toMatchObject({
      id,
      offerId: OFFER,
      planId: 'basic',
      subscription: { isTest: true, saasSubscriptionStatus: 'PendingFulfillmentStart' },
    });
    const activate = await h.call('POST', `/api/saas/subscriptions/${id}/activate?${SAAS_V}`, 'contoso', { body: { planId: 'basic' } });
    expect(activate.status, JSON.stringify(activate.json)).toBe(200);
    expect(await subscription(id)).toMatchObject({ isTest: true, saasSubscriptionStatus: 'Subscribed' });

    // Outside the audience: as for an offer one cannot see. Nothing is live, so production sells nothing either.
    const refused = await buy(BOB, 'preview');
    expect(refused.status, JSON.stringify(refused.json)).toBe(404);
    expect((await buy(BOB)).status).toBe(404);
    expect((await buy(ANN)).status).toBe(404);

    await run('golive');
    expect((await slot('preview')).status).toBe(404);
    const production = await slot('production');
    expect(production.status).toBe(200);
    expect(production.json['version']).toBe(1);

    const live = await buy(BOB);
    expect(live.status, JSON.stringify(live.json)).toBe(201);
    expect(await subscription(live.json['subscriptionId'] as string)).toMatchObject({ isTest: false });
    expect((await buy(ANN, 'preview')).status).toBe(404); // nothing pending in preview
    expect((await buy(ANN)).status).toBe(201);
    expect(await subscription(id)).toMatchObject({ isTest: true, saasSubscriptionStatus: 'Subscribed' }); // the preview purchase keeps running
  });

  it('an update in preview next to the live version: production sells the live one, the audience may buy the update', async () => {
    await put('The second version.');
    await run('publish');
    expect((await slot('preview')).json['version']).toBe(2);
    expect((await slot('production')).json['version']).toBe(1);

    const update = await buy(ANN, 'preview');
    expect(update.status, JSON.stringify(update.json)).toBe(201);
    const resolved = await h.call('POST', `/api/saas/subscriptions/resolve?${SAAS_V}`, 'contoso', {
      headers: { 'x-ms-marketplace-token': update.json['purchaseToken'] as string },
    });
    expect(resolved.json).toMatchObject({ subscription: { isTest: true } });
    expect((await buy(BOB, 'preview')).status).toBe(404);
    expect((await buy(BOB)).status).toBe(201);

    await run('golive');
    expect((await slot('preview')).status).toBe(404);
    expect((await slot('production')).json['version']).toBe(2);
    expect((await buy(ANN, 'preview')).status).toBe(404);
  });
});
