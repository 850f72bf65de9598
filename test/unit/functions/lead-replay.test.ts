/**
 * The replay routes' edge without a host (decision 0522): bad path parameters are a 400 naming the parameter and
 * reach no use case; a customer token is refused; the answers carry the documented status and body; who replays
 * (publisher or operator) is passed on, never taken from the path.
 */
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { makeLeadReplayHandlers } from '../../../functions/lead-replay';
import type { Authenticator, Principal } from '../../../shared/auth/principal';
import { ConflictError } from '../../../shared/errors';
import type { Delivery, ReplayBatch } from '../../../shared/leads/model';
import type { Replayer, ReplayLeads } from '../../../shared/leads/service/replay';

const LEAD = '01ARYZ6S410000000000000000';
const BATCH: ReplayBatch = {
  batchId: '01ARYZ6S41000000000000000B',
  publisherId: 'contoso',
  offerId: 'app',
  state: 'queued',
  requestedAt: '2026-03-01T00:00:00.000Z',
  cutoff: '2026-03-01T00:00:00.000Z',
  replayed: 0,
};

function as(principal: Principal): Authenticator {
  return { authenticate: async () => principal };
}

const publisher = as({ kind: 'publisher', publisherId: 'contoso' } as Principal);

function setup(principal: Authenticator = publisher, fail?: Error) {
  const calls: unknown[][] = [];
  const replayed: Delivery = {
    leadId: LEAD,
    publisherId: 'contoso',
    offerId: 'app',
    state: 'pending',
    generation: 2,
    windowStartedAt: '2026-03-01T00:00:00.000Z',
    nextAttemptAt: '2026-03-01T00:00:00.000Z',
    attempts: [],
    attemptCount: 1,
  };
  const replay = {
    one: async (...args: unknown[]) => {
      calls.push(['one', ...args]);
      if (fail) throw fail;
      return replayed;
    },
    all: async (...args: unknown[]) => {
      calls.push(['all', ...args]);
      return BATCH;
    },
    batch: async (...args: unknown[]) => {
      calls.push(['batch', ...args]);
      return { ...BATCH, state: 'done', replayed: 2, finishedAt: '2026-03-01T00:01:00.000Z' };
    },
  } as unknown as ReplayLeads;
  const handlers = makeLeadReplayHandlers({ replay: () => replay, authenticator: () => principal });
  const call = (name: 'one' | 'all' | 'batch', params: Record<string, string>, headers: Record<string, string> = {}) =>
    handlers[name](
      new HttpRequest({ url: 'http://localhost/api/x', method: 'POST', params, headers: { authorization: 'Bearer x', ...headers } }),
      new InvocationContext({ functionName: name }),
    ) as Promise<HttpResponseInit>;
  return { calls, call };
}

describe('lead replay routes', () => {
  it('replays one lead: 202 with the lead owed again', async () => {
    const { calls, call } = setup();
    const res = await call('one', { publisherId: 'contoso', offerId: 'app', leadId: LEAD });
    expect(res.status).toBe(202);
    expect(res.jsonBody).toEqual({
      leadId: LEAD,
      state: 'pending',
      generation: 2,
      windowStartedAt: '2026-03-01T00:00:00.000Z',
      nextAttemptAt: '2026-03-01T00:00:00.000Z',
    });
    expect(calls).toEqual([['one', { kind: 'publisher', publisherId: 'contoso' } satisfies Replayer, 'contoso', 'app', LEAD]]);
  });

  it('queues the replay of all dead-lettered leads of an offer: 202 with the batch and its Location (decision 0526)', async () => {
    const { calls, call } = setup(as({ kind: 'operator' } as Principal));
    const res = await call('all', { publisherId: 'contoso', offerId: 'app' });
    expect(res.status).toBe(202);
    expect(res.jsonBody).toEqual({ batchId: BATCH.batchId, state: 'queued', requestedAt: '2026-03-01T00:00:00.000Z', replayed: 0, finishedAt: null });
    expect(res.headers).toMatchObject({ Location: `/api/publishers/contoso/offers/app/leads/replay-batches/${BATCH.batchId}` });
    expect(calls).toEqual([['all', { kind: 'operator' }, 'contoso', 'app', undefined]]);
  });

  it('passes the Idempotency-Key on, and refuses a malformed one with 400 before any use case', async () => {
    const { calls, call } = setup();
    expect((await call('all', { publisherId: 'contoso', offerId: 'app' }, { 'idempotency-key': 'k-1' })).status).toBe(202);
    expect(calls).toEqual([['all', { kind: 'publisher', publisherId: 'contoso' }, 'contoso', 'app', 'k-1']]);
    const bad = await call('all', { publisherId: 'contoso', offerId: 'app' }, { 'idempotency-key': 'no spaces' });
    expect(bad.status).toBe(400);
    expect(bad.jsonBody).toMatchObject({ code: 'invalid_idempotency_key' });
    expect(calls).toHaveLength(1);
  });

  it('reads a replay batch: 200 with its progress; a bad batch id is a 400', async () => {
    const { calls, call } = setup();
    const res = await call('batch', { publisherId: 'contoso', offerId: 'app', batchId: BATCH.batchId });
    expect(res.status).toBe(200);
    expect(res.jsonBody).toEqual({ batchId: BATCH.batchId, state: 'done', requestedAt: '2026-03-01T00:00:00.000Z', replayed: 2, finishedAt: '2026-03-01T00:01:00.000Z' });
    expect(calls).toEqual([['batch', { kind: 'publisher', publisherId: 'contoso' }, { publisherId: 'contoso', offerId: 'app', batchId: BATCH.batchId }]]);
    expect((await call('batch', { publisherId: 'contoso', offerId: 'app', batchId: 'a-b' })).status).toBe(400);
  });

  it('answers 409 with the code when the lead is not dead-lettered', async () => {
    const { call } = setup(publisher, new ConflictError('The lead is not dead-lettered.', 'lead_not_dead_lettered'));
    const res = await call('one', { publisherId: 'contoso', offerId: 'app', leadId: LEAD });
    expect(res.status).toBe(409);
    expect(res.jsonBody).toMatchObject({ code: 'lead_not_dead_lettered' });
  });

  it.each([
    [{ publisherId: 'contoso', offerId: 'app', leadId: 'not a lead!' }, 'leadId'],
    [{ publisherId: 'con toso', offerId: 'app', leadId: LEAD }, 'publisherId'],
    [{ publisherId: 'contoso', offerId: '', leadId: LEAD }, 'offerId'],
  ])('refuses bad parameters %j with 400 naming %s, before any replay', async (params, name) => {
    const { calls, call } = setup();
    const res = await call('one', params);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.jsonBody)).toContain(name);
    expect(calls).toEqual([]);
  });

  it('refuses a customer with 403', async () => {
    const { calls, call } = setup(as({ kind: 'customer', tenantId: 't', userId: 'u' } as unknown as Principal));
    expect((await call('all', { publisherId: 'contoso', offerId: 'app' })).status).toBe(403);
    expect(calls).toEqual([]);
  });
});
