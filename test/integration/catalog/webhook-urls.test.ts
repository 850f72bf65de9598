/** Decision 0006: outside local mode a draft whose connection webhook is plain http is refused when saved (400). */
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/errors';
import { statusOf } from '../../../shared/http/errors';
import { contoso, putRequest, testCatalog } from '../../fixtures/catalog';
import { SAAS, saasOffer, withField } from '../../fixtures/offers';

const withWebhook = (url: string) => withField(saasOffer('o1'), ['definition', 'offer', `${SAAS}.connectionWebhook`], url);

describe('webhook URL scheme at definition time', () => {
  it('refuses http outside local mode, naming the field', async () => {
    const c = testCatalog({ httpsWebhooks: true });
    const error = await c.offers
      .put(contoso, 'contoso', 'o1', putRequest(withWebhook('http://isv.example/webhook')))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(statusOf(error as DomainError)).toBe(400);
    expect(error).toMatchObject({
      code: 'HttpsRequired',
      violations: [{ path: `$.definition.offer["${SAAS}.connectionWebhook"]`, code: 'HttpsRequired' }],
    });
    expect(await c.store.get('contoso', 'o1')).toBeUndefined();
    expect((await c.offers.put(contoso, 'contoso', 'o1', putRequest(withWebhook('https://isv.example/webhook')))).created).toBe(true);
  });

  it('accepts http://localhost in local mode (the first run)', async () => {
    const c = testCatalog();
    expect((await c.offers.put(contoso, 'contoso', 'o1', putRequest(withWebhook('http://localhost:7072/webhook')))).created).toBe(true);
  });
});
