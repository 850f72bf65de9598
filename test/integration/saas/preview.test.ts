/**
 * Preview purchases (decision 0605) against Azurite with the real catalog: while a publish's version is in preview,
 * a member of its preview audience who asks for the preview buys that version as a test purchase (private plans
 * too); anyone else gets 404 and the live version is what `production` sells; after the go-live the preview is gone.
 * Able to fail: a storefront that sells the preview to anyone, or that ignores the slot and sells the live version.
 */
import { describe, expect, it } from 'vitest';
import { saasUseCases } from '../../../shared/saas/composition';
import { SaasCore } from '../../../shared/saas/service/internal';
import { CatalogPublishing } from '../../../shared/catalog/service/publishing';
import { TableSubscriptionStore } from '../../../shared/saas/store/table';
import { contoso, operator, putRequest, testCatalog } from '../../fixtures/catalog';
import { MP, withField } from '../../fixtures/offers';
import { codeOf, identity, offer1, TB, TC } from './fixture';

const DAY = 86_400_000;
const PREVIEWER = 'previewer@example.com';

async function setup() {
  const c = testCatalog();
  const publishing = new CatalogPublishing({ store: c.store, blobs: c.blobs, clock: c.clock });
  const saas = saasUseCases(
    new SaasCore({
      store: new TableSubscriptionStore(
        () => c.storage.table('SaasSubscriptions'),
        () => c.storage.table('SaasIndex'),
      ),
      catalog: c.reader,
      clock: c.clock,
      faults: { reach: async () => undefined },
      settings: { purchaseTokenTtlMs: DAY, ackWindowMs: 10_000 },
    }),
  );
  const put = (summary: string) =>
    c.offers.put(contoso, 'contoso', 'offer1', {
      ...putRequest(
        withField(
          withField(offer1(), ['definition', 'offer', `${MP}.previewAudience`], [{ id: PREVIEWER, type: 'MixedAadMsaId' }]),
          ['definition', 'offer', `${MP}.summary`],
          summary,
        ),
      ),
      ifMatch: '*',
    });
  /** Freezes the draft as a publish does and runs its preview step. */
  const preview = async () => {
    const d = (await publishing.draft('contoso', 'offer1'))!;
    expect(await publishing.freeze('contoso', 'offer1', d.version, d.draftETag, `publish:${d.version}`)).toBe('frozen');
    expect(await publishing.preview('contoso', 'offer1', d.version)).toBe('preview');
    return d.version;
  };
  const buy = (o: { slot?: 'preview' | 'production'; email?: string; planId?: string; tenant?: string } = {}) =>
    saas.storefront.purchase({
      publisherId: 'contoso',
      offerId: 'offer1',
      planId: o.planId ?? 'silver',
      quantity: 5,
      termUnit: 'P1M',
      purchaser: identity(o.tenant ?? TC, 'buyer'),
      ...(o.email ? { callerEmail: o.email } : {}),
      ...(o.slot ? { slot: o.slot } : {}),
    });
  return { c, publishing, saas, put, preview, buy };
}

describe('preview purchases (decision 0605)', () => {
  it('before anything is live: the audience buys the preview as a test; others and production get 404', async () => {
    const { saas, put, preview, buy } = await setup();
    await put('first');
    const v1 = await preview();

    const bought = await buy({ slot: 'preview', email: PREVIEWER.toUpperCase() });
    expect(bought.subscription).toMatchObject({ offerVersion: v1, isTest: true, status: 'PendingFulfillmentStart' });
    // The ISV resolves and activates it like any purchase (the version is readable for its subscription).
    expect(await saas.fulfillment.resolve('contoso', bought.token)).toMatchObject({ id: bought.subscription.id, isTest: true });
    await saas.fulfillment.activate('contoso', bought.subscription.id, { planId: 'silver', quantity: 5 });
    expect((await saas.billing.ledger(bought.subscription.id)).entries).toEqual([
      expect.objectContaining({ event: 'Activated', billable: false }),
    ]);

    // A private plan of another tenant (TB's platinum001) is for sale in the preview too; stop-sold plans are not.
    expect((await buy({ slot: 'preview', email: PREVIEWER, planId: 'platinum001' })).subscription.planId).toBe('platinum001');
    expect(await codeOf(buy({ slot: 'preview', email: PREVIEWER, planId: 'legacy' }))).toEqual([409, 'PlanNotAvailable']);

    expect(await codeOf(buy({ slot: 'preview', email: 'someone@example.com' }))).toEqual([404, 'EntityNotFound']);
    expect(await codeOf(buy({ slot: 'preview' }))).toEqual([404, 'EntityNotFound']);
    expect(await codeOf(buy({ email: PREVIEWER }))).toEqual([404, 'EntityNotFound']); // nothing live yet
  });

  it('next to a live version: production sells the live one, preview the update; after its go-live nothing is in preview', async () => {
    const { c, publishing, put, preview, buy } = await setup();
    await put('first');
    await c.offers.freeze(operator, 'contoso', 'offer1', null); // version 1 live (the operator's shortcut)
    await put('second');
    const v2 = await preview();
    expect(v2).toBe(2);

    expect((await buy({ email: 'someone@example.com' })).subscription).toMatchObject({ offerVersion: 1, isTest: false });
    expect((await buy({ email: PREVIEWER })).subscription).toMatchObject({ offerVersion: 1, isTest: true });
    expect((await buy({ slot: 'preview', email: PREVIEWER })).subscription).toMatchObject({ offerVersion: 2, isTest: true });
    expect(await codeOf(buy({ slot: 'preview', email: 'someone@example.com', tenant: TB }))).toEqual([404, 'EntityNotFound']);

    expect(await publishing.goLive('contoso', 'offer1', v2)).toBe('live');
    expect(await codeOf(buy({ slot: 'preview', email: PREVIEWER }))).toEqual([404, 'EntityNotFound']);
    expect((await buy({ email: 'someone@example.com' })).subscription).toMatchObject({ offerVersion: 2, isTest: false });
  });

  it('a withdrawn preview (its publish canceled) is no longer sold; its test subscriptions keep working', async () => {
    const { saas, publishing, put, preview, buy } = await setup();
    await put('first');
    const v1 = await preview();
    const bought = await buy({ slot: 'preview', email: PREVIEWER });
    await publishing.withdrawPreview('contoso', 'offer1', v1);
    expect(await codeOf(buy({ slot: 'preview', email: PREVIEWER }))).toEqual([404, 'EntityNotFound']);
    expect(await saas.fulfillment.resolve('contoso', bought.token)).toMatchObject({ id: bought.subscription.id });
    expect((await saas.storefront.token(TC, bought.subscription.id)).landingPageUrl).toContain('?token=');
  });
});
