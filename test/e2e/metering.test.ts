/**
 * The metering API over HTTP against the local host (specs/metering.md 3.1–3.8, 3.11): status codes, the seed's
 * bodies, headers, and every documented response body validated against meteringapi.v1.json. The fine-grained
 * rules are in test/unit/metering; here is what a client of the real API would notice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractsAvailable } from '../fixtures/contracts';
import { event, NOW, type Fixture } from '../fixtures/metering';
import { meteringContract, startMeteringHost, type MeteringHost } from '../fixtures/metering-host';
import { customerRequest, publisherRequest, tokenFor } from '../fixtures/tokens';

const V = '?api-version=2018-08-31';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
let m: MeteringHost;

beforeAll(async () => {
  m = await startMeteringHost();
});
afterAll(async () => {
  await m?.stop();
});

const single = (body: unknown, options: { token?: string | null; headers?: Record<string, string>; query?: string } = {}) =>
  m.call('POST', `/api/usageEvent${options.query ?? V}`, { body, ...options });
const batch = (request: unknown[], options: { token?: string | null; query?: string } = {}) =>
  m.call('POST', `/api/batchUsageEvent${options.query ?? V}`, { body: { request }, ...options });

function expectContract(method: 'get' | 'post', path: '/usageEvent' | '/batchUsageEvent' | '/usageEvents', status: number, body: unknown) {
  if (!contractsAvailable) return;
  expect(meteringContract(method, path, status, body)).toBeUndefined();
}

describe('POST /api/usageEvent', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await m.seed();
  });

  it('accepts E0: 200 with the seed fields, generated request ids, valid against the contract (T1, T9)', async () => {
    const res = await single(event(f.S1));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'Accepted',
      resourceId: f.S1,
      quantity: 5,
      dimension: 'email',
      effectiveStartTime: '2024-03-10T11:15:00Z',
      planId: 'basic',
    });
    const body = res.body as { usageEventId: string; messageTime: string };
    expect(body.usageEventId).toMatch(GUID);
    expect(body.messageTime).toMatch(/^2024-03-10T12:\d{2}:\d{2}\.\d{7}Z$/);
    expect(res.headers.get('x-ms-requestid')).toMatch(GUID);
    expect(res.headers.get('x-ms-correlationid')).toMatch(GUID);
    expectContract('post', '/usageEvent', 200, res.body);
  });

  it('answers a resend with 409 and the ORIGINAL event in additionalInfo.acceptedMessage (T40, T41)', async () => {
    const original = await single(event(f.S1, { effectiveStartTime: '2024-03-10T10:15:00Z' }));
    const again = await single(event(f.S1, { effectiveStartTime: '2024-03-10T10:59:59Z', quantity: 9 }));
    expect(again.status).toBe(409);
    const accepted = original.body as Record<string, unknown>;
    expect(again.body).toEqual({
      additionalInfo: { acceptedMessage: { ...accepted, status: 'Duplicate' } },
      message: 'This usage event already exist.',
      code: 'Conflict',
    });
    expectContract('post', '/usageEvent', 409, again.body);
  });

  it('echoes request and correlation ids (T8) and takes property names in any case (T16)', async () => {
    const res = await single(
      { ResourceID: f.S1, Quantity: 1, DIMENSION: 'text', effectiveStartTime: '2024-03-10T11:15:00Z', planId: 'basic', foo: 1 },
      { headers: { 'x-ms-requestid': 'req-123', 'x-ms-correlationid': 'corr-456' } },
    );
    expect(res.status).toBe(200);
    expect([res.headers.get('x-ms-requestid'), res.headers.get('x-ms-correlationid')]).toEqual(['req-123', 'corr-456']);
  });

  it('treats a time without an offset as UTC and echoes it in the contract date-time form (T38, decision 0302)', async () => {
    const res = await single(event(f.S1, { dimension: 'email', effectiveStartTime: '2024-03-10T09:15:00' }));
    expect(res.status).toBe(200);
    expect((res.body as { effectiveStartTime: string }).effectiveStartTime).toBe('2024-03-10T09:15:00Z');
    expectContract('post', '/usageEvent', 200, res.body);
  });

  it('answers a missing resourceId with exactly the seed body (T17, seed 004 ~7856–7867)', async () => {
    const body = event(f.S1);
    delete body['resourceId'];
    const res = await single(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      message: 'One or more errors have occurred.',
      target: 'usageEventRequest',
      details: [{ message: 'The resourceId is required.', target: 'ResourceId', code: 'BadArgument' }],
      code: 'BadArgument',
    });
    expect(res.headers.get('x-ms-requestid')).toMatch(GUID); // T9 on a 400
    expect(res.headers.get('x-ms-correlationid')).toMatch(GUID);
    expectContract('post', '/usageEvent', 400, res.body);
  });

  it.each([
    ['quantity 0 (T28)', () => event(f.S1, { quantity: 0 }), 'InvalidQuantity', 'Quantity'],
    ['expired (T34)', () => event(f.S1, { effectiveStartTime: '2024-03-09T11:00:00Z' }), 'Expired', 'EffectiveStartTime'],
    ['in the future (T37)', () => event(f.S1, { effectiveStartTime: '2024-03-10T13:30:00Z' }), 'BadArgument', 'EffectiveStartTime'],
    ['unknown subscription (T50)', () => event('0b7f2a44-0000-4000-8000-000000000000'), 'ResourceNotFound', 'ResourceId'],
    ['suspended (T51)', () => event(f.S3), 'ResourceNotActive', 'ResourceId'],
    ['pending (T52)', () => event(f.S4), 'ResourceNotActive', 'ResourceId'],
    ['after cancellation (T53)', () => event(f.S5), 'ResourceNotActive', 'ResourceId'],
    ['wrong plan (T57)', () => event(f.S1, { planId: 'premium' }), 'BadArgument', 'PlanId'],
    ['unknown dimension (T59)', () => event(f.S1, { dimension: 'fax' }), 'InvalidDimension', 'Dimension'],
    ['infinite dimension (T61)', () => event(f.S6, { planId: 'enterprise' }), 'InvalidDimension', 'Dimension'],
    ['quantity as a string (T24)', () => event(f.S1, { quantity: '5' }), 'BadArgument', 'Quantity'],
    ['resourceId not a GUID (T23)', () => event('not-a-guid'), 'BadArgument', 'ResourceId'],
    ['effectiveStartTime "yesterday" (T27)', () => event(f.S1, { effectiveStartTime: 'yesterday' }), 'BadArgument', 'EffectiveStartTime'],
  ])('400 with the reason in details for %s (A5)', async (_name, body, code, target) => {
    const res = await single(body());
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'BadArgument', target: 'usageEventRequest', details: [{ code, target }] });
    expectContract('post', '/usageEvent', 400, res.body);
  });

  it.each([
    ['malformed JSON (T12)', '{"resourceId": '],
    ['an empty body (T13)', ''],
    ['an array (T14)', '[{}]'],
  ])('400 BadArgument for %s', async (_name, raw) => {
    const res = await m.call('POST', `/api/usageEvent${V}`, { raw, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'BadArgument', target: 'usageEventRequest' });
  });

  it.each([
    ['missing (T10)', ''],
    ['unsupported (T11)', '?api-version=2020-01-01'],
  ])('400 BadArgument when the api-version is %s', async (_name, query) => {
    const res = await single(event(f.S2, { planId: 'premium' }), { query });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'BadArgument', details: [{ target: 'ApiVersion' }] });
  });

  it('403, never 401, for every token problem, and records nothing (T2–T7, T55)', async () => {
    const keyFile = m.keyFile;
    const at = new Date(NOW);
    const expired = await tokenFor(keyFile, publisherRequest('contoso'), { now: new Date(at.getTime() - 3601_000) });
    const wrongAudience = await tokenFor(keyFile, publisherRequest('contoso'), { now: at, audience: 'https://management.azure.com/' });
    const customer = await tokenFor(keyFile, customerRequest(), { now: at });
    const body = event(f.S2, { planId: 'premium', effectiveStartTime: '2024-03-10T08:15:00Z' });
    const attempts = [
      await single(body, { token: null }),
      await single(body, { token: 'not-a-jwt' }),
      await single(body, { token: expired }),
      await single(body, { token: wrongAudience }),
      await single(body, { token: customer }),
      await m.call('POST', `/api/usageEvent${V}`, { body, token: null, headers: { authorization: m.tokens.p1 } }), // no "Bearer "
      await single(body, { token: m.tokens.p2 }), // another publisher's subscription (T5/T55)
    ];
    expect(attempts.map((a) => a.status)).toEqual([403, 403, 403, 403, 403, 403, 403]);
    expect((await single(body)).status).toBe(200); // nothing was recorded before
  });

  it('accepts exactly one of 50 concurrent identical requests; the 49 others get 409 with that event (T49)', async () => {
    const body = event(f.S8, { planId: 'dev_test', effectiveStartTime: '2024-03-10T07:15:00Z' });
    const replies = await Promise.all(Array.from({ length: 50 }, () => single(body)));
    const ok = replies.filter((r) => r.status === 200);
    const conflicts = replies.filter((r) => r.status === 409);
    expect([ok.length, conflicts.length]).toEqual([1, 49]);
    const id = (ok[0]?.body as { usageEventId: string }).usageEventId;
    for (const c of conflicts)
      expect(
        (c.body as { additionalInfo: { acceptedMessage: { usageEventId: string } } }).additionalInfo.acceptedMessage.usageEventId,
      ).toBe(id);
  });
});

describe('POST /api/batchUsageEvent', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await m.seed();
  });

  it('accepts two events, in request order, valid against the contract (T66)', async () => {
    const res = await batch([
      event(f.S1, { effectiveStartTime: '2024-03-10T10:15:00Z' }),
      event(f.S2, { dimension: 'text', effectiveStartTime: '2024-03-10T10:15:00Z', planId: 'premium' }),
    ]);
    expect(res.status).toBe(200);
    const body = res.body as { count: number; result: Record<string, unknown>[] };
    expect(body.count).toBe(2);
    // Each item echoes what was sent, so an ISV can match results to its own records.
    expect(body.result.map(({ status, resourceId, quantity, dimension, effectiveStartTime, planId }) => ({
      status,
      resourceId,
      quantity,
      dimension,
      effectiveStartTime,
      planId,
    }))).toEqual([
      { status: 'Accepted', resourceId: f.S1, quantity: 5, dimension: 'email', effectiveStartTime: '2024-03-10T10:15:00Z', planId: 'basic' },
      { status: 'Accepted', resourceId: f.S2, quantity: 5, dimension: 'text', effectiveStartTime: '2024-03-10T10:15:00Z', planId: 'premium' },
    ]);
    expect(body.result[0]?.usageEventId).not.toBe(body.result[1]?.usageEventId);
    expectContract('post', '/batchUsageEvent', 200, res.body);
  });

  it('makes a second item of the same hour a Duplicate carrying the first (T73)', async () => {
    const res = await batch([
      event(f.S1, { effectiveStartTime: '2024-03-10T09:10:00Z' }),
      event(f.S1, { effectiveStartTime: '2024-03-10T09:50:00Z', quantity: 2 }),
    ]);
    const [first, second] = (res.body as { result: Record<string, unknown>[] }).result;
    expect(second).toEqual({
      status: 'Duplicate',
      messageTime: '0001-01-01T00:00:00Z',
      error: {
        additionalInfo: { acceptedMessage: { ...first, status: 'Duplicate' } },
        message: 'This usage event already exist.',
        code: 'Conflict',
      },
      resourceId: f.S1,
      quantity: 2,
      dimension: 'email',
      effectiveStartTime: '2024-03-10T09:50:00Z',
      planId: 'basic',
    });
    expectContract('post', '/batchUsageEvent', 200, res.body);
  });

  it('judges items one by one and echoes only well-formed input (T75–T81)', async () => {
    const noPlan = event(f.S1, { effectiveStartTime: '2024-03-10T06:15:00Z' });
    delete noPlan['planId'];
    const res = await batch([
      event(f.S1, { effectiveStartTime: '2024-03-10T05:15:00Z' }),
      event(f.S1, { quantity: 0, effectiveStartTime: '2024-03-10T04:15:00Z' }),
      event(f.S7, { planId: 'gold' }),
      noPlan,
      event('not-a-guid', { quantity: 'x' }),
    ]);
    expect(res.status).toBe(200);
    const result = (res.body as { result: Record<string, unknown>[] }).result;
    expect(result.map((r) => r['status'])).toEqual(['Accepted', 'InvalidQuantity', 'ResourceNotAuthorized', 'BadArgument', 'BadArgument']);
    expect(result[1]).toMatchObject({ messageTime: '0001-01-01T00:00:00Z', error: { code: 'InvalidQuantity' }, quantity: 0 });
    expect(result[1]).not.toHaveProperty('usageEventId');
    expect(result[4]).not.toHaveProperty('resourceId');
    expect(result[4]).not.toHaveProperty('quantity');
    expectContract('post', '/batchUsageEvent', 200, res.body);
  });

  it('refuses 26 events with the real service body and records none of them (T68)', async () => {
    const base = Date.parse('2024-03-09T13:00:00Z');
    const items = Array.from({ length: 26 }, (_, i) =>
      event(f.S2, { planId: 'premium', dimension: 'text', quantity: 1, effectiveStartTime: new Date(base + i * 3_000_000).toISOString() }),
    );
    const res = await batch(items);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      message: 'Batch events request payload count is more than 25. Please check you request body and retry with count less than 25.',
      target: 'batchUsageEventRequest',
      code: 'BadArgument',
    });
    // Nothing of the batch was stored: the first, a middle and the last item are each still accepted on their own.
    for (const i of [0, 12, 25]) expect((await single(items[i])).status).toBe(200);
  });

  it('accepts a full batch of 25 over the last 24 hours, one result per item in order (T67)', async () => {
    const g = await m.seed();
    const hours = Array.from({ length: 13 }, (_, i) => new Date(Date.parse('2024-03-10T00:10:00Z') + i * 3_600_000).toISOString());
    const items = ['email', 'text'].flatMap((dimension) => hours.map((t) => event(g.S1, { dimension, effectiveStartTime: t }))).slice(0, 25);
    const res = await batch(items);
    expect(res.status).toBe(200);
    const body = res.body as { count: number; result: { status: string; dimension: string; effectiveStartTime: string }[] };
    expect(body.count).toBe(25);
    expect(body.result.map((r) => r.status)).toEqual(Array(25).fill('Accepted'));
    expect(body.result.map((r) => `${r.dimension}@${r.effectiveStartTime}`)).toEqual(
      items.map((e) => `${String(e['dimension'])}@${String(e['effectiveStartTime'])}`),
    );
    expectContract('post', '/batchUsageEvent', 200, res.body);
  });

  it.each([
    ['an empty request (T70)', { request: [] }],
    ['no request (T71)', {}],
    ['a request object (T71)', { request: {} }],
  ])('400 BadArgument naming batchUsageEventRequest for %s', async (_name, body) => {
    const res = await m.call('POST', `/api/batchUsageEvent${V}`, { body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'BadArgument', target: 'batchUsageEventRequest' });
  });

  it('names batchUsageEventRequest for a malformed body and a bad api-version too (T72)', async () => {
    const malformed = await m.call('POST', `/api/batchUsageEvent${V}`, {
      raw: '{"request": [',
      headers: { 'content-type': 'application/json' },
    });
    const version = await batch([event(f.S1)], { query: '?api-version=2020-01-01' });
    expect([malformed.status, version.status]).toEqual([400, 400]);
    expect([malformed.body, version.body]).toMatchObject([{ target: 'batchUsageEventRequest' }, { target: 'batchUsageEventRequest' }]);
  });

  it('403 without a token, recording nothing (T85)', async () => {
    const item = event(f.S2, { planId: 'premium', effectiveStartTime: '2024-03-10T03:15:00Z' });
    expect((await batch([item], { token: null })).status).toBe(403);
    expect((await single(item)).status).toBe(200);
  });
});

describe('GET /api/usageEvents (T108–T111)', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await m.seed();
    await batch([
      event(f.S1, { effectiveStartTime: '2024-03-10T08:05:00Z', quantity: 1.5 }),
      event(f.S1, { effectiveStartTime: '2024-03-10T09:05:00Z', quantity: 2 }),
      event(f.S1, { effectiveStartTime: '2024-03-10T10:05:00Z', quantity: 3 }),
      event(f.S1, { effectiveStartTime: '2024-03-10T10:05:00Z', dimension: 'text', quantity: 7 }),
    ]);
  });

  const list = async (query: string, token?: string | null) =>
    m.call('GET', `/api/usageEvents${V}&usageStartDate=2024-03-10${query}`, token === undefined ? {} : { token });

  it('aggregates accepted usage per day, resource and dimension, valid against the contract', async () => {
    const res = await list('');
    expect(res.status).toBe(200);
    const rows = (res.body as { usageResourceId: string; dimension: string }[]).filter((r) => r.usageResourceId === f.S1);
    expect(rows).toEqual([
      {
        usageDate: '2024-03-10T00:00:00Z',
        usageResourceId: f.S1,
        dimension: 'email',
        planId: 'basic',
        planName: 'Basic',
        offerId: 'contoso-cns',
        offerName: 'Contoso Notification Services',
        offerType: 'SaaS',
        reconStatus: 'Accepted',
        submittedQuantity: 6.5,
        processedQuantity: 6.5,
        submittedCount: 3,
      },
      expect.objectContaining({ dimension: 'text', submittedQuantity: 7, submittedCount: 1 }),
    ]);
    expectContract('get', '/usageEvents', 200, res.body);
  });

  it('filters by dimension, reconStatus and offer, with parameter names in any case (T109)', async () => {
    const text = (await list('&Dimension=text')).body as { dimension: string }[];
    expect(new Set(text.map((r) => r.dimension))).toEqual(new Set(['text']));
    expect((await list('&reconStatus=Rejected')).body).toEqual([]);
    expect((await list('&OFFERID=unknown')).body).toEqual([]);
    expect((await list('&usageenddate=2024-03-09')).status).toBe(400); // end before start
  });

  it("400 without usageStartDate (T110), 403 without a token (T111), and only the caller's usage", async () => {
    const missing = await m.call('GET', `/api/usageEvents${V}`);
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'BadArgument', details: [{ target: 'UsageStartDate' }] });
    expect((await list('', null)).status).toBe(403);
    expect(((await list('', m.tokens.p2)).body as unknown[]).length).toBe(0);
  });
});
