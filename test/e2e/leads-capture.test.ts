/**
 * Lead capture over HTTP against the built host (specs/leads.md §4 cases 1–29; issue 12): the listing gate, offer
 * state, consent, field rules with the path and code of each violation, body limits and strict parsing, verbatim
 * HTML and NFC text, replays, key reuse, natural dedupe across a clock move, concurrent captures, the publisher's
 * read routes and who may use them, and the lead a SaaS purchase produces. Each lead is read back through the
 * publisher routes, so a capture that answered 202 without storing fails here. No test sleeps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSaasHarness, type SaasHarness, type Who } from '../fixtures/saas-harness';
import { customerRequest, tokenFor } from '../fixtures/tokens';
import { MP, SAAS, saasOffer, withField } from '../fixtures/offers';

const TD = 'microsoft-azure-marketplace-testdrive';
const CUSTOMER: Who = { customer: ['fabrikam', 'buyer-1'] };
let h: SaasHarness;

function offer(id: string, changes: [string, unknown][]) {
  let o = saasOffer(id);
  for (const [key, value] of changes) o = withField(o, ['definition', 'offer', key], value as never);
  return o;
}

async function publish(o: ReturnType<typeof saasOffer>, freeze = true) {
  const put = await h.call('PUT', `/api/publishers/contoso/offers/${o.id}?api-version=2017-10-31`, 'contoso', { body: o });
  expect(put.status, JSON.stringify(put.json)).toBe(201);
  if (freeze) expect((await h.call('POST', `/api/admin/offers/contoso/${o.id}/freeze`, 'operator')).status).toBe(201);
}

beforeAll(async () => {
  h = await startSaasHarness();
  await publish(offer('contoso-app', [[`${SAAS}.listingOption`, 'contactMe'], [`${TD}.enabled`, true]]));
  await publish(offer('contoso-trial', [[`${SAAS}.listingOption`, 'freeTrial'], [`${SAAS}.sellThroughMicrosoft`, false], [`${MP}.leadDestination`, 'None']]));
  await publish(offer('contoso-draft', [[`${SAAS}.listingOption`, 'contactMe']]), false);
}, 90_000);

afterAll(async () => {
  await h?.stop();
});

let n = 0;
/** A capture body; every call gets its own customer e-mail so natural dedupe never joins two tests' leads. */
function body(over: Record<string, unknown> = {}, details: Record<string, unknown> = {}) {
  n += 1;
  return {
    publisherId: 'contoso',
    offerId: 'contoso-app',
    trigger: 'ContactMe',
    storefront: 'AppSource',
    UserDetails: { FirstName: 'John', LastName: 'Smith', Email: `jsmith${n}@contoso.com`, Country: 'US', ...details },
    Description: 'Please call me about pricing',
    Consent: { Given: true, At: '2025-01-01T12:00:00Z' },
    ...over,
  };
}

const capture = (b: unknown, headers: Record<string, string> = {}) => h.call('POST', '/api/storefront/leads', CUSTOMER, { body: b, headers });

/** A capture with a raw body (malformed JSON, other content types, big bodies). */
async function raw(text: string, contentType = 'application/json') {
  const token = await tokenFor(h.env['LOCAL_ISSUER_KEY_FILE'] as string, customerRequest('fabrikam', 'buyer-1'));
  const res = await fetch(`${h.host.url}/api/storefront/leads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body: text,
  });
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown>, headers: res.headers };
}

async function stored(leadId: string, offerId = 'contoso-app') {
  const res = await h.call('GET', `/api/publishers/contoso/offers/${offerId}/leads/${leadId}`, 'contoso');
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json;
}

async function leadIds(offerId = 'contoso-app'): Promise<string[]> {
  const ids: string[] = [];
  let next: string | undefined = `/api/publishers/contoso/offers/${offerId}/leads?limit=100`;
  while (next) {
    const res = await h.call('GET', next, 'contoso');
    expect(res.status).toBe(200);
    ids.push(...(res.json['items'] as { leadId: string }[]).map((i) => i.leadId));
    next = res.json['nextLink'] as string | undefined;
  }
  return ids;
}

async function accepted(b: unknown, offerId = 'contoso-app') {
  const res = await capture(b);
  expect(res.status, JSON.stringify(res.json)).toBe(202);
  const leadId = res.json['leadId'] as string;
  expect(res.headers.get('location')).toBe(`/api/publishers/contoso/offers/${offerId}/leads/${leadId}`);
  return { res, lead: await stored(leadId, offerId) };
}

function violation(res: { status: number; json: Record<string, unknown> }, status: number, path: string, code: string) {
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  expect(res.json['errors']).toEqual(expect.arrayContaining([expect.objectContaining({ path, code })]));
}

describe('lead capture (spec 4 A)', () => {
  it('1. Contact me on AppSource: 202, SPZA-PLT, the catalog’s title (a client title is ignored)', async () => {
    const { res, lead } = await accepted(body({ OfferTitle: 'Spoofed title' }));
    expect(res.json).toMatchObject({ LeadSource: 'SPZA-PLT|contoso.contoso-app', ActionCode: 'PLT', deliveryState: 'pending' });
    expect(lead).toMatchObject({
      source: 'SPZA',
      ActionCode: 'PLT',
      kind: 'initialInterest',
      LeadSource: 'SPZA-PLT|contoso.contoso-app',
      OfferTitle: 'Contoso Notification Services',
      consent: { given: true, at: '2025-01-01T12:00:00.000Z' },
      // Stored with its delivery row; its first attempt may already have run (decision 0524).
      delivery: { generation: 1 },
    });
    expect(lead['leadId']).toMatch(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
  });

  it.each([
    ['GetItNow', 'AzureMarketplace', 'AzureMarketplace-INS', 'active'],
    ['GetItNow', 'AppSource', 'SPZA-INS', 'active'],
    ['PortalCreate', 'AzurePortal', 'AzurePortal-Create', 'active'],
    ['CrossListed', 'AppSource', 'SPZA-DNC', 'notification'],
  ])('2, 3, 6. %s on %s → %s', async (trigger, storefront, prefix, kind) => {
    const { lead } = await accepted(body({ trigger, storefront }));
    expect(lead).toMatchObject({ LeadSource: `${prefix}|contoso.contoso-app`, kind, trigger });
  });

  it('4. a test drive, Source TestDrive accepted and kept as sent', async () => {
    const { lead } = await accepted(body({ trigger: 'TestDrive', storefront: 'AzureMarketplace', source: 'TestDrive' }));
    expect(lead).toMatchObject({ source: 'AzureMarketplace', sourceAsSent: 'TestDrive', ActionCode: 'StartTestDrive', kind: 'trial' });
  });

  it('5 and 41. a free trial is INS of kind trial; with no destination it is held', async () => {
    const { res, lead } = await accepted(body({ offerId: 'contoso-trial', trigger: 'FreeTrial' }), 'contoso-trial');
    expect(res.json['deliveryState']).toBe('held');
    expect(lead).toMatchObject({ ActionCode: 'INS', kind: 'trial', trigger: 'FreeTrial', delivery: { state: 'held', reason: 'no_destination' } });
    const held = await h.call('GET', '/api/publishers/contoso/offers/contoso-trial/leads?state=held', 'contoso');
    expect((held.json['items'] as { leadId: string }[]).map((i) => i.leadId)).toContain(lead['leadId']);
    const pending = await h.call('GET', '/api/publishers/contoso/offers/contoso-trial/leads?state=pending', 'contoso');
    expect(pending.json['items']).toEqual([]);
  });

  it.each([
    ['ContactMe', 'AzurePortal'],
    ['PortalCreate', 'AzureMarketplace'],
    ['CrossListed', 'AzureMarketplace'],
  ])('7. %s on %s → 422 invalid_trigger_for_storefront', async (trigger, storefront) => {
    const res = await capture(body({ trigger, storefront }));
    expect(res.status).toBe(422);
    expect(res.json['code']).toBe('invalid_trigger_for_storefront');
  });

  it('8. a trigger the listing does not enable → 422 trigger_not_enabled_for_offer, nothing stored', async () => {
    const before = await leadIds('contoso-trial');
    for (const trigger of ['ContactMe', 'TestDrive', 'GetItNow']) {
      const res = await capture(body({ offerId: 'contoso-trial', trigger }));
      expect(res.status, trigger).toBe(422);
      expect(res.json['code']).toBe('trigger_not_enabled_for_offer');
    }
    expect(await leadIds('contoso-trial')).toEqual(before);
  });

  it('9. a draft offer → 409 offer_not_published; an unknown one → 404', async () => {
    const draft = await capture(body({ offerId: 'contoso-draft' }));
    expect(draft.status).toBe(409);
    expect(draft.json['code']).toBe('offer_not_published');
    expect((await capture(body({ offerId: 'no-such-offer' }))).status).toBe(404);
  });

  it('10. without consent → 422 consent_required and nothing stored', async () => {
    const before = await leadIds();
    for (const consent of [undefined, { Given: false, At: '2025-01-01T12:00:00Z' }, { Given: true }]) {
      const res = await capture({ ...body(), Consent: consent });
      expect(res.status).toBe(422);
      expect(res.json['code']).toBe('consent_required');
    }
    expect(await leadIds()).toEqual(before);
  });

  it('11, 12. only an Email is enough (unknown values are ""); neither Email nor Phone → 422', async () => {
    const email = `only-${Date.now()}@contoso.com`;
    const { lead } = await accepted({ ...body(), UserDetails: { Email: email } });
    expect(lead['UserDetails']).toEqual({ FirstName: '', LastName: '', Email: email, Phone: '', Country: '', Company: '', Title: '' });
    const none = await capture({ ...body(), UserDetails: { FirstName: 'Ann', Company: 'Contoso' } });
    expect(none.status).toBe(422);
    expect(none.json['code']).toBe('contact_channel_required');
  });

  it.each([
    'a@b',
    'a@@b.com',
    'a b@c.com',
    '"a"@b.com',
    'John <j@x.com>',
    'a@b.com;c@d.com',
    'a@[127.0.0.1]',
    `${'a'.repeat(65)}@b.com`,
    `a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(60)}.com`,
    'a@b.com\r\nBcc: x@y.com',
  ])('13, 15. Email %j → 400 naming UserDetails.Email', async (email) => {
    const res = await capture(body({}, { Email: email }));
    expect(res.status).toBe(400);
    expect((res.json['errors'] as { path: string }[]).map((e) => e.path)).toEqual(['UserDetails.Email']);
  });

  it('14, 16, 17. Email, Phone and Country are normalised', async () => {
    const { lead } = await accepted(body({}, { Email: '  John.Doe@Example.COM ', Phone: '+1 (617) 555-5555', Country: 'USA' }));
    expect(lead['UserDetails']).toMatchObject({ Email: 'John.Doe@example.com', Phone: '16175555555', Country: 'US' });
    const local = `user-${Date.now()}`;
    const idn = await accepted(body({}, { Email: `${local}@bücher.de`, Country: 'us' }));
    expect(idn.lead['UserDetails']).toMatchObject({ Email: `${local}@xn--bcher-kva.de`, Country: 'US' });
  });

  it('16, 17. bad phones are 400 and an unknown country 422 invalid_country', async () => {
    for (const phone of ['555-CALL-NOW', '123', '1'.repeat(21)]) violation(await capture(body({}, { Phone: phone })), 400, 'UserDetails.Phone', 'invalid_phone');
    violation(await capture(body({}, { Country: 'Narnia' })), 422, 'UserDetails.Country', 'invalid_country');
  });

  it('18. limits at their boundaries', async () => {
    violation(await capture(body({}, { FirstName: 'a'.repeat(101) })), 400, 'UserDetails.FirstName', 'field_too_long');
    violation(await capture(body({ Description: 'd'.repeat(2001) })), 400, 'Description', 'field_too_long');
    await accepted(body({ Description: 'd'.repeat(2000) }, { FirstName: 'a'.repeat(100) }));
  });

  it('19. a body over 32 KiB → 413', async () => {
    const res = await raw(JSON.stringify(body({ Description: 'x'.repeat(33 * 1024) })));
    expect(res.status).toBe(413);
  });

  it('20. malformed JSON, an array, text/plain and a number where a string belongs', async () => {
    const truncated = await raw('{"publisherId": "contoso", "offerId"');
    expect(truncated.status).toBe(400);
    expect(truncated.json['code']).toBe('invalid_json');
    expect((await raw('[]')).status).toBe(400);
    expect((await raw(JSON.stringify(body()), 'text/plain')).status).toBe(415);
    violation(await capture(body({}, { Phone: 1234567890 })), 400, 'UserDetails.Phone', 'invalid_type');
  });

  it('21. unknown properties and prototype keys → 400, nothing stored', async () => {
    const before = await leadIds();
    violation(await capture(body({ isAdmin: true })), 400, 'isAdmin', 'unknown_property');
    violation(await raw(JSON.stringify(body()).replace(/^\{/, '{"__proto__":{"isAdmin":true},')), 400, '__proto__', 'forbidden_property');
    violation(await capture(body({ constructor: { prototype: { isAdmin: true } } })), 400, 'constructor', 'forbidden_property');
    violation(await capture(body({}, { extra: 'x' })), 400, 'UserDetails.extra', 'unknown_property');
    expect(await leadIds()).toEqual(before);
  });

  it('22. control and bidi characters are refused; CRLF in Description becomes LF', async () => {
    for (const name of ['a\u0000b', 'a\u0007b', 'a\r\nb']) violation(await capture(body({}, { FirstName: name })), 400, 'UserDetails.FirstName', 'invalid_characters');
    violation(await capture(body({}, { Company: 'evil\u202Ecorp' })), 400, 'UserDetails.Company', 'invalid_characters');
    const { lead } = await accepted(body({ Description: 'line 1\r\nline 2' }));
    expect(lead['Description']).toBe('line 1\nline 2');
  });

  it('23, 24. HTML is stored verbatim; text is NFC; CJK and emoji survive', async () => {
    const { lead } = await accepted(
      body({}, { FirstName: '<script>alert(1)</script>', Company: '<img src=x onerror=alert(1)>', LastName: 'Zoe\u0308', Title: '山田 🚀' }),
    );
    expect(lead['UserDetails']).toMatchObject({
      FirstName: '<script>alert(1)</script>',
      Company: '<img src=x onerror=alert(1)>',
      LastName: 'Zo\u00eb',
      Title: '山田 🚀',
    });
  });
});

describe('idempotency and duplicates (spec 4 cases 25–29)', () => {
  it('25, 26. the same key and body replay the lead; another body → 409 idempotency_key_reuse', async () => {
    const b = body();
    const first = await capture(b, { 'idempotency-key': `order-${n}` });
    expect(first.status).toBe(202);
    const again = await capture(b, { 'idempotency-key': `order-${n}` });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replay')).toBe('true');
    expect(again.json['leadId']).toBe(first.json['leadId']);
    const reuse = await capture({ ...b, Description: 'something else' }, { 'idempotency-key': `order-${n}` });
    expect(reuse.status).toBe(409);
    expect(reuse.json['code']).toBe('idempotency_key_reuse');
    violation(await capture(b, { 'idempotency-key': 'has space' }), 400, 'Idempotency-Key', 'invalid_idempotency_key');
  });

  it('27, 28. the same body without a key within 10 minutes is a duplicate; after, a new lead; another action is another lead', async () => {
    const b = body();
    const first = await capture(b);
    expect(first.status).toBe(202);
    const dup = await capture(b);
    expect(dup.status).toBe(200);
    expect(dup.json).toEqual({ leadId: first.json['leadId'], duplicate: true });
    const other = await capture({ ...b, trigger: 'GetItNow' });
    expect(other.status).toBe(202);
    await h.advance('PT10M');
    const later = await capture(b);
    expect(later.status).toBe(202);
    expect(later.json['leadId']).not.toBe(first.json['leadId']);
  });

  it('29. twenty concurrent captures with one key make one lead, and every answer names it', async () => {
    const b = body({ offerId: 'contoso-app' });
    const before = await leadIds();
    const answers = await Promise.all(Array.from({ length: 20 }, () => capture(b, { 'idempotency-key': `burst-${n}` })));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(19);
    const ids = new Set(answers.map((a) => a.json['leadId']));
    expect(ids.size).toBe(1);
    const after = await leadIds();
    expect(after.filter((id) => !before.includes(id))).toEqual([...ids]);
  });
});

describe('publisher routes', () => {
  it('lists newest first with a continuation; another publisher gets 403; a customer 403; an unknown lead 404', async () => {
    const a = await accepted(body());
    const b = await accepted(body());
    const page = await h.call('GET', '/api/publishers/contoso/offers/contoso-app/leads?limit=1', 'contoso');
    expect((page.json['items'] as { leadId: string }[]).map((i) => i.leadId)).toEqual([b.lead['leadId']]);
    expect((page.json['items'] as Record<string, unknown>[])[0]?.['delivery']).not.toHaveProperty('attempts');
    const next = await h.call('GET', page.json['nextLink'] as string, 'contoso');
    expect((next.json['items'] as { leadId: string }[]).map((i) => i.leadId)).toEqual([a.lead['leadId']]);
    expect((await h.call('GET', '/api/publishers/contoso/offers/contoso-app/leads', 'fabrikam')).status).toBe(403);
    expect((await h.call('GET', `/api/publishers/contoso/offers/contoso-app/leads/${String(a.lead['leadId'])}`, 'fabrikam')).status).toBe(403);
    expect((await h.call('GET', '/api/publishers/contoso/offers/contoso-app/leads', CUSTOMER)).status).toBe(403);
    expect((await h.call('GET', '/api/publishers/contoso/offers/contoso-app/leads', 'none')).status).toBe(401);
    expect((await h.call('GET', '/api/publishers/contoso/offers/contoso-app/leads/01ARYZ6S410000000000000000', 'contoso')).status).toBe(404);
    expect((await h.call('GET', '/api/publishers/contoso/offers/no-such-offer/leads', 'contoso')).status).toBe(404);
    expect((await h.call('GET', '/api/publishers/contoso/offers/contoso-app/leads?state=lost', 'contoso')).status).toBe(400);
    expect((await h.call('GET', '/api/publishers/contoso/offers/contoso-app/leads', 'operator')).status).toBe(200);
  });

  it('a publisher token cannot capture (customer tokens only)', async () => {
    expect((await h.call('POST', '/api/storefront/leads', 'contoso', { body: body() })).status).toBe(403);
  });
});

describe('SaaS purchase → lead (decision 0501)', () => {
  it('a purchase stores a Get it now lead with the purchaser’s e-mail and the subscription id', async () => {
    const bought = await h.call('POST', '/api/storefront/purchases', CUSTOMER, {
      body: { publisherId: 'contoso', offerId: 'contoso-app', planId: 'basic', termUnit: 'P1M' },
    });
    expect(bought.status, JSON.stringify(bought.json)).toBe(201);
    const subscriptionId = bought.json['subscriptionId'] as string;
    const page = await h.call('GET', '/api/publishers/contoso/offers/contoso-app/leads?limit=100', 'contoso');
    const lead = (page.json['items'] as Record<string, unknown>[]).find((i) => i['subscriptionId'] === subscriptionId);
    expect(lead).toMatchObject({ trigger: 'GetItNow', LeadSource: 'AzureMarketplace-INS|contoso.contoso-app', planId: 'basic' });
    expect((lead?.['UserDetails'] as Record<string, string>)['Email']).toMatch(/@/);
  });
});
