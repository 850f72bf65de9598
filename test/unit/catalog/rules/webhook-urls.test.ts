/** The SaaS connection webhook must be https outside local mode (decision 0006). */
import { describe, expect, it } from 'vitest';
import type { OfferDefinition } from '../../../../shared/catalog/model/offer';
import { offerTypes } from '../../../../shared/catalog/model/offer-types';
import { httpsWebhookViolations } from '../../../../shared/catalog/rules/webhook-urls';

const saas = offerTypes['microsoft-saas'];
const KEY = 'microsoft-saas.connectionWebhook';
const draft = (offer: OfferDefinition['offer']): OfferDefinition => ({ displayText: 'a', offer, plans: [] });

describe('a SaaS connection webhook saved with a draft', () => {
  it.each(['https://contoso.test/webhook', 'HTTPS://contoso.test/webhook', 'https://contoso.test/webhook?legacy=http://old.test', ''])(
    '%j is accepted',
    (url) => {
      expect(httpsWebhookViolations(saas, draft({ [KEY]: url }))).toEqual([]);
    },
  );

  it.each(['http://contoso.test/webhook', 'HTTP://contoso.test/webhook', '  http://contoso.test/webhook'])(
    '%j is refused with HttpsRequired naming the field',
    (url) => {
      const violations = httpsWebhookViolations(saas, draft({ [KEY]: url }));
      expect(violations.map((v) => [v.code, v.path])).toEqual([['HttpsRequired', `$.definition.offer["${KEY}"]`]]);
      expect(violations[0]?.message).toContain('https');
      expect(violations[0]?.message).not.toContain('contoso.test');
    },
  );

  it('is not required on a draft', () => {
    expect(httpsWebhookViolations(saas, draft({}))).toEqual([]);
  });

  it('that is not text is left to the field schema', () => {
    expect(httpsWebhookViolations(saas, draft({ [KEY]: 5 }))).toEqual([]);
  });

  it('other http URLs of a SaaS offer (listing links) are not webhooks', () => {
    expect(httpsWebhookViolations(saas, draft({ 'microsoft-saas.landingPageUrl': 'http://contoso.test/signup' }))).toEqual([]);
  });

  it('offer types without webhooks are not checked', () => {
    const apps = offerTypes['microsoft-azure-applications'];
    expect(httpsWebhookViolations(apps, draft({ 'microsoft-azure-applications.connectionWebhook': 'http://contoso.test/' }))).toEqual([]);
  });
});
