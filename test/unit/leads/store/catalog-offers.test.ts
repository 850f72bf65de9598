/**
 * The catalog's view of an offer for leads: which listing options enable which triggers (the listing gate, spec 2.1),
 * the destination type, secrets opened with the catalog's sealing context (a secret sealed for another offer does not
 * open and is left out), and draft vs live.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JsonObject, OfferDocument } from '../../../../shared/catalog/model/offer';
import type { LiveOffer, OfferCatalog } from '../../../../shared/catalog/ports';
import { createSecretBox } from '../../../../shared/crypto/secrets';
import { CatalogLeadOffers, destinationTypeOf, triggersOf } from '../../../../shared/leads/store/catalog-offers';

const MP = 'microsoft-azure-marketplace';

describe('triggersOf', () => {
  const sorted = (s: Set<string>) => [...s].sort();
  it.each([
    ['microsoft-saas', { 'microsoft-saas.listingOption': 'contactMe' }, ['ContactMe', 'CrossListed']],
    ['microsoft-saas', { 'microsoft-saas.listingOption': 'freeTrial' }, ['CrossListed', 'FreeTrial']],
    ['microsoft-saas', { 'microsoft-saas.listingOption': 'getItNowFree' }, ['CrossListed', 'GetItNow']],
    ['microsoft-saas', { 'microsoft-saas.sellThroughMicrosoft': true }, ['CrossListed', 'GetItNow', 'PortalCreate']],
    ['microsoft-dynamics365-ce', { 'microsoft-dynamics365-ce.listingOption': 'appLicenseManagement' }, ['CrossListed', 'GetItNow']],
    ['microsoft-dynamics365-ce', { 'microsoft-dynamics365-ce.listingOption': 'contactMe' }, ['ContactMe', 'CrossListed']],
    ['microsoft-dynamics365-businesscentral', {}, ['CrossListed', 'GetItNow']],
    ['microsoft-consultingservices', {}, ['ContactMe', 'CrossListed']],
    ['microsoft-azure-applications', {}, ['CrossListed', 'GetItNow', 'PortalCreate']],
    ['microsoft-azure-virtualmachines', { [`${MP}-testdrive.enabled`]: true }, ['CrossListed', 'GetItNow', 'PortalCreate', 'TestDrive']],
    ['microsoft-powerbi-apps', {}, ['CrossListed', 'GetItNow']],
    ['microsoft-saas', {}, ['CrossListed']],
  ])('%s %j → %j', (type, offer, expected) => {
    expect(sorted(triggersOf(type, offer as JsonObject, []))).toEqual(expected);
  });
  it('a plan with a free trial (SaaS flag or VM trial months) enables Free trial', () => {
    expect(triggersOf('microsoft-saas', {}, [{ 'microsoft-saas.freeTrial': { enabled: true } }]).has('FreeTrial')).toBe(true);
    expect(triggersOf('microsoft-saas', {}, [{ 'microsoft-saas.freeTrial': { enabled: false } }]).has('FreeTrial')).toBe(false);
    expect(triggersOf('microsoft-azure-virtualmachines', {}, [{ virtualMachinePricing: { freeTrialDurationInMonths: 1 } }]).has('FreeTrial')).toBe(true);
    expect(triggersOf('microsoft-azure-virtualmachines', {}, [{ virtualMachinePricing: { freeTrialDurationInMonths: 0 } }]).has('FreeTrial')).toBe(false);
  });
  it('test drive only when enabled is true', () => {
    expect(triggersOf('microsoft-saas', { [`${MP}-testdrive.enabled`]: false }, []).has('TestDrive')).toBe(false);
  });
});

describe('destinationTypeOf', () => {
  it('reads the listing’s destination; absent or unknown is None', () => {
    expect(destinationTypeOf({ [`${MP}.leadDestination`]: 'AzureTable' })).toBe('AzureTable');
    expect(destinationTypeOf({ [`${MP}.leadDestination`]: 'Fax' })).toBe('None');
    expect(destinationTypeOf({})).toBe('None');
  });
});

describe('CatalogLeadOffers', () => {
  const box = createSecretBox(randomBytes(32));
  const key = `${MP}.httpsEndpointLeadConfiguration`;
  const context = 'contoso/contoso-app/iid-1';
  function definition(sealedFor = context): JsonObject {
    return {
      [`${MP}.title`]: 'Contoso App',
      [`${MP}.leadDestination`]: 'HttpsEndpoint',
      'microsoft-saas.listingOption': 'contactMe',
      [key]: {
        contactEmail: 'leads@contoso.test',
        httpsEndpointUri: { $sealed: box.seal('https://isv.test/leads?sig=s3cret', `${sealedFor}|${key}.httpsEndpointUri`) },
      },
    };
  }
  const live = (offer: JsonObject): LiveOffer =>
    ({
      publisherId: 'contoso',
      offerId: 'contoso-app',
      offerTypeId: 'microsoft-saas',
      internalId: 'iid-1',
      alias: 'alias',
      title: 'Contoso App',
      definition: { displayText: 'alias', offer, plans: [] },
    }) as unknown as LiveOffer;
  const reader = (offer: LiveOffer | undefined) => ({ getLiveOffer: async () => offer }) as unknown as OfferCatalog;
  const document = (offer: JsonObject): OfferDocument =>
    ({ publisherId: 'contoso', offerId: 'contoso-app', offerTypeId: 'microsoft-saas', definition: { displayText: 'alias', offer, plans: [] } }) as unknown as OfferDocument;
  const open = () => (sealed: string, ctx: string) => box.open(sealed, ctx);

  it('gives the live version with its secrets opened', async () => {
    const offers = new CatalogLeadOffers(reader(live(definition())), async () => undefined, open);
    expect(await offers.live('contoso', 'contoso-app')).toEqual({
      publisherId: 'contoso',
      offerId: 'contoso-app',
      offerTypeId: 'microsoft-saas',
      state: 'live',
      title: 'Contoso App',
      triggers: new Set(['ContactMe', 'CrossListed']),
      destination: { type: 'HttpsEndpoint', settings: { contactEmail: 'leads@contoso.test', httpsEndpointUri: 'https://isv.test/leads?sig=s3cret' } },
    });
  });

  it('leaves out a secret sealed for another offer', async () => {
    const offers = new CatalogLeadOffers(reader(live(definition('fabrikam/x/iid-9'))), async () => undefined, open);
    expect((await offers.live('contoso', 'contoso-app'))?.destination.settings).toEqual({ contactEmail: 'leads@contoso.test' });
  });

  it('falls back to the draft of an offer never made live (state draft), its alias when it has no title; unknown is undefined', async () => {
    const { [`${MP}.title`]: _title, ...untitled } = definition();
    const offers = new CatalogLeadOffers(reader(undefined), async () => ({ document: document(untitled), internalId: 'iid-1', liveVersion: 0 }), open);
    expect(await offers.live('contoso', 'contoso-app')).toMatchObject({ state: 'draft', title: 'alias' });
    expect(await offers.draft('contoso', 'contoso-app')).toMatchObject({ state: 'draft' });
    const none = new CatalogLeadOffers(reader(undefined), async () => undefined, open);
    expect(await none.live('contoso', 'contoso-app')).toBeUndefined();
  });
});
