/**
 * The operator's test clock: `PUT /api/admin/clock` with `{now}` or `{advance: "PT1H"}` moves the one clock that
 * tokens, services and timer triggers use. Only with the test-clock setting on; otherwise 404 (the route does not
 * exist for such deployments). `GET` reads it.
 */
import { app, type HttpHandler } from '@azure/functions';
import { z } from 'zod';
import type { ClockStore } from '../shared/admin/clock-store';
import type { Authenticator } from '../shared/auth/principal';
import { parseDuration, type AdjustableClock } from '../shared/clock';
import { services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { NotFoundError, ValidationError } from '../shared/errors';
import { lazyHandler, once } from '../shared/http/lazy';
import { readJson } from '../shared/http/request';
import { ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';

export interface ClockDeps {
  clock: AdjustableClock;
  store: ClockStore;
  authenticator: () => Authenticator;
  maxJsonBodyBytes: number;
}

const moveSchema = z.union(
  [
    z.strictObject({ now: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' }) }),
    z.strictObject({
      advance: z.string().refine((v) => parseDuration(v) !== undefined, 'must be an ISO 8601 duration such as PT1H or P3D'),
    }),
  ],
  { message: 'give either {"now": "<date-time>"} or {"advance": "<duration>"}' },
);

function view(clock: AdjustableClock) {
  return { now: clock.now().toISOString(), offsetMs: clock.offsetMs, adjustable: clock.adjustable };
}

export function makeClockHandlers(deps: ClockDeps): { get: HttpHandler; put: HttpHandler } {
  const options = { surface: surfaces.admin, allow: ['operator'] as const, authenticator: deps.authenticator };
  const ensureEnabled = () => {
    if (!deps.clock.adjustable) throw new NotFoundError('The test clock is off (set TEST_CLOCK=true to enable it).', 'TestClockDisabled');
  };
  return {
    get: endpoint(options, async () => {
      ensureEnabled();
      return ok(view(deps.clock));
    }),
    put: endpoint(options, async (request) => {
      ensureEnabled();
      const body = await readJson(request, moveSchema, deps.maxJsonBodyBytes);
      const previous = deps.clock.state();
      if ('now' in body) deps.clock.set(new Date(body.now));
      else {
        const ms = parseDuration(body.advance) as number;
        if (ms < 0) throw new ValidationError('The clock only moves forward.', [{ path: '$.advance', message: 'must not be negative' }]);
        deps.clock.advance(ms);
      }
      try {
        await deps.store.save(deps.clock.state());
      } catch (error) {
        deps.clock.restore(previous); // not stored, not accepted
        throw error;
      }
      return ok(view(deps.clock));
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeClockHandlers({
    clock: s.clock,
    store: s.clockStore,
    authenticator: () => s.authenticator,
    maxJsonBodyBytes: s.config.maxJsonBodyBytes,
  });
});

app.http('admin-clock-get', {
  methods: ['GET'],
  route: 'api/admin/clock',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().get),
});

app.http('admin-clock-put', {
  methods: ['PUT'],
  route: 'api/admin/clock',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().put),
});
