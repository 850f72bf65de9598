import { HttpRequest } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/errors';
import { BatchTooLargeError, parseBatch, parseUsageEvent, readJsonBody } from '../../../../shared/metering/http/request';

const S1 = '6f1a2b3c-1111-4222-8333-444455556666';
const E0 = { resourceId: S1, quantity: 5.0, dimension: 'email', effectiveStartTime: '2024-03-10T11:15:00Z', planId: 'basic' };

function without(field: keyof typeof E0) {
  const copy: Record<string, unknown> = { ...E0 };
  delete copy[field];
  return copy;
}

function problems(value: unknown) {
  const parsed = parseUsageEvent(value);
  if (parsed.ok) return [];
  return parsed.violations.map((v) => ({ path: v.path, code: v.code, message: v.message }));
}

describe('parseUsageEvent (specs/metering.md 3.2)', () => {
  it('accepts E0 and keeps the sent time for the echo', () => {
    const parsed = parseUsageEvent(E0);
    expect(parsed).toMatchObject({
      ok: true,
      input: { resource: { kind: 'resourceId', resourceId: S1 }, quantity: 5, effectiveStartTime: E0.effectiveStartTime },
    });
  });

  it('matches property names case-insensitively and ignores extra properties (T15, T16)', () => {
    const parsed = parseUsageEvent({
      ResourceID: S1,
      QUANTITY: 5,
      Dimension: 'email',
      effectivestarttime: E0.effectiveStartTime,
      planID: 'basic',
      foo: 1,
    });
    expect(parsed.ok).toBe(true);
  });

  it('says "The resourceId is required." exactly as the seed (T17, seed 004 ~7862)', () => {
    expect(problems(without('resourceId'))).toEqual([
      { path: '$.resourceId', code: 'BadArgument', message: 'The resourceId is required.' },
    ]);
  });

  it.each([
    ['missing quantity (T18)', without('quantity'), '$.quantity'],
    ['missing dimension (T19)', without('dimension'), '$.dimension'],
    ['missing effectiveStartTime (T20)', without('effectiveStartTime'), '$.effectiveStartTime'],
    ['missing planId (T21)', without('planId'), '$.planId'],
    ['resourceId not a GUID (T23)', { ...E0, resourceId: 'not-a-guid' }, '$.resourceId'],
    ['quantity as a string (T24)', { ...E0, quantity: '5' }, '$.quantity'],
    ['quantity true (T25)', { ...E0, quantity: true }, '$.quantity'],
    ['quantity null (T25)', { ...E0, quantity: null }, '$.quantity'],
    ['dimension a number (T26)', { ...E0, dimension: 123 }, '$.dimension'],
    ['effectiveStartTime "yesterday" (T27)', { ...E0, effectiveStartTime: 'yesterday' }, '$.effectiveStartTime'],
    ['both resourceId and resourceUri (T91)', { ...E0, resourceUri: '/subscriptions/x' }, '$.resourceId'],
    ['the same property twice in different case', { ...E0, ResourceId: S1 }, '$.resourceId'],
    ['an empty planId', { ...E0, planId: '' }, '$.planId'],
  ])('%s → BadArgument naming %s', (_name, body, path) => {
    const found = problems(body);
    expect(found.map((p) => p.path)).toEqual([path]);
    expect(found[0]?.code).toBe('BadArgument');
  });

  it('reports every missing field at once (T22)', () => {
    const copy: Record<string, unknown> = { ...E0 };
    delete copy['resourceId'];
    delete copy['planId'];
    expect(problems(copy).map((p) => p.path)).toEqual(['$.resourceId', '$.planId']);
  });

  it.each([[[E0]], ['text'], [null], [5]])('refuses %j as an event (T14)', (body) => {
    expect(problems(body).map((p) => p.path)).toEqual(['$']);
  });

  it('echoes only well-formed fields of a rejected event, so the contract formats hold', () => {
    const parsed = parseUsageEvent({
      resourceId: 'nope',
      quantity: '5',
      dimension: 'email',
      effectiveStartTime: 'yesterday',
      planId: 'basic',
    });
    expect(parsed.ok ? undefined : parsed.echo).toEqual({ dimension: 'email', planId: 'basic' });
  });
});

describe('parseBatch (specs/metering.md 1.2)', () => {
  it('parses 1 to 25 items one by one, with per-item problems', () => {
    const items = parseBatch({ request: [E0, without('planId')] });
    expect(items.map((i) => i.ok)).toEqual([true, false]);
  });

  it('accepts the property name in any case', () => {
    expect(parseBatch({ Request: [E0] })).toHaveLength(1);
  });

  it('refuses more than 25 events with the real service error (T68, E3)', () => {
    expect(() => parseBatch({ request: Array.from({ length: 26 }, () => E0) })).toThrow(BatchTooLargeError);
  });

  it.each([[{}], [{ request: {} }], [[E0]], [{ request: [] }], [{ request: [E0], REQUEST: [E0] }]])(
    'refuses the shape %j as a whole (T70, T71)',
    (body) => {
      expect(() => parseBatch(body)).toThrow(ValidationError);
    },
  );
});

describe('readJsonBody', () => {
  const post = (body: string, contentType = 'application/json') =>
    new HttpRequest({
      url: 'http://localhost/api/usageEvent',
      method: 'POST',
      body: { string: body },
      headers: { 'content-type': contentType },
    });

  it.each([
    ['malformed JSON (T12)', post('{"resourceId": ')],
    ['an empty body (T13)', post('')],
    ['another content type', post('{}', 'text/plain')],
    ['a body over the limit', post(JSON.stringify({ pad: 'x'.repeat(200) }))],
  ])('turns %s into a 400 BadArgument', async (_name, request) => {
    const error = await readJsonBody(request, 100, 'usageEventRequest').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).violations[0]).toMatchObject({ path: '$.usageEventRequest', code: 'BadArgument' });
  });
});
