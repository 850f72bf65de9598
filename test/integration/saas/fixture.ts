/**
 * The spec's C.0 fixtures as catalog offers: `offer1` (per-user: silver 1–50, gold 1–500, private platinum001 for
 * TB, stop-sold legacy) and `offer2` (flat rate: basic, pro). Built from the catalog's SaaS offer fixture.
 */
import { MP, SAAS, saasOffer, withField } from '../../fixtures/offers';
import type { DomainError } from '../../../shared/errors';
import { statusOf } from '../../../shared/http/errors';
import type { JsonObject } from '../../../shared/catalog/model/offer';

export const TB = '0f2b4a1e-8c1d-4b8e-9a7f-2c3d4e5f6a7b';
export const TC = '9a8b7c6d-1111-4222-8333-944455556666';

function perUser(planId: string, name: string, max: number, extra: JsonObject = {}): JsonObject {
  return {
    planId,
    [`${SAAS}.planName`]: name,
    [`${SAAS}.planDescription`]: `${name} per seat`,
    [`${SAAS}.markets`]: ['US'],
    [`${SAAS}.visibility`]: 'public',
    [`${SAAS}.pricing`]: {
      model: 'perUser',
      minUsers: 1,
      maxUsers: max,
      billingTerms: { monthly: { priceUSD: 10 }, annual: { priceUSD: 100 } },
      dimensions: [],
    },
    [`${SAAS}.freeTrial`]: { enabled: false },
    ...extra,
  };
}

function flat(planId: string, name: string): JsonObject {
  return {
    planId,
    [`${SAAS}.planName`]: name,
    [`${SAAS}.planDescription`]: name,
    [`${SAAS}.markets`]: ['US'],
    [`${SAAS}.visibility`]: 'public',
    [`${SAAS}.pricing`]: { model: 'flatRate', billingTerms: { monthly: { priceUSD: 10 }, annual: { priceUSD: 100 } }, dimensions: [] },
    [`${SAAS}.freeTrial`]: { enabled: false },
  };
}

export function offer1(webhookUrl = 'https://stub.test/webhook', offerId = 'offer1', publisherId = 'contoso') {
  const base = withField(saasOffer(offerId, publisherId), ['definition', 'offer', `${SAAS}.connectionWebhook`], webhookUrl);
  return withField(
    base,
    ['definition', 'plans'],
    [
      perUser('silver', 'Silver', 50),
      perUser('gold', 'Gold', 500),
      perUser('platinum001', 'Platinum', 500, {
        [`${SAAS}.visibility`]: 'private',
        [`${SAAS}.privateAudience`]: [{ id: TB, type: 'TenantID', description: 'TB' }],
      }),
      perUser('legacy', 'Legacy', 50, { [`${SAAS}.stopSell`]: true }),
    ],
  );
}

export function offer2(webhookUrl = 'https://stub.test/webhook', offerId = 'offer2', publisherId = 'contoso') {
  const base = withField(saasOffer(offerId, publisherId), ['definition', 'offer', `${SAAS}.connectionWebhook`], webhookUrl);
  return withField(base, ['definition', 'plans'], [flat('basic', 'Basic'), flat('pro', 'Pro')]);
}

export function identity(tenantId: string, user: string) {
  return { emailId: `${user}@example.com`, objectId: '3f1e2d3c-4b5a-4697-8877-665544332211', tenantId, puid: `pid-${user}` };
}

/**
 * offer1 with one-month free trials on silver and gold, `legacy` sold again (without a trial), and a preview
 * audience of one e-mail address (Rule 11, Rule 12).
 */
export function trialOffer(webhookUrl?: string, offerId = 'offer-t', previewer = 'previewer@example.com') {
  let offer = offer1(webhookUrl, offerId);
  offer = withField(offer, ['definition', 'plans', 0, `${SAAS}.freeTrial`], { enabled: true });
  offer = withField(offer, ['definition', 'plans', 1, `${SAAS}.freeTrial`], { enabled: true });
  offer = withField(offer, ['definition', 'plans', 3, `${SAAS}.stopSell`], undefined);
  return withField(offer, ['definition', 'offer', `${MP}.previewAudience`], [{ id: previewer, type: 'MixedAadMsaId' }]);
}

/** The [status, code] an expected failure carries (the service throws the API's errors). */
export async function codeOf(promise: Promise<unknown>): Promise<[number, string]> {
  try {
    await promise;
  } catch (error) {
    const e = error as DomainError;
    return [statusOf(e), e.code];
  }
  throw new Error('expected a failure');
}
