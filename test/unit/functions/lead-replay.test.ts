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
import type { Delivery } from '../../../shared/leads/model';
import type { Replayer, ReplayLeads } from '../../../shared/leads/service/replay';

const LEAD = '01ARYZ6S410000000000000000';

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
      return [LEAD, '01ARYZ6S410000000000000001'];
    },
  } as unknown as ReplayLeads;
  const handlers = makeLeadReplayHandlers({ replay: () => replay, authenticator: () => principal });
  const call = (name: 'one' | 'all', params: Record<string, string>) =>
    handlers[name](
      new HttpRequest({ url: 'http://localhost/api/x', method: 'POST', params, headers: { authorization: 'Bearer x' } }),
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

  it('replays all dead-lettered leads of an offer: 202 with how many and which', async () => {
    const { calls, call } = setup(as({ kind: 'operator' } as Principal));
    const res = await call('all', { publisherId: 'contoso', offerId: 'app' });
    expect(res.status).toBe(202);
    expect(res.jsonBody).toEqual({ replayed: 2, leadIds: [LEAD, '01ARYZ6S410000000000000001'] });
    expect(calls).toEqual([['all', { kind: 'operator' }, 'contoso', 'app']]);
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
