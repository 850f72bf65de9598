/**
 * Operators' view of test drives (decision 0703), operator tokens only:
 * - `GET /api/admin/testdrive/pools`: every pool with its targets and instance counts by state;
 * - `GET /api/admin/testdrive/pools/{publisherId}/{offerId}`: its instances and drives with their states (never a
 *   password or an output);
 * - `POST /api/admin/testdrive/pools/{publisherId}/{offerId}/reconcile`: registers the pool and brings it to its
 *   targets now (the initial fill after a publish; the cleanup does it on its schedule);
 * - `GET /api/admin/testdrive/cleanup`: the last cleanup's report; `POST` runs a cleanup now and answers its report.
 */
import { app, type HttpHandler } from '@azure/functions';
import type { Authenticator } from '../shared/auth/principal';
import { services } from '../shared/composition';
import { NotFoundError } from '../shared/errors';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import type { TestDrive } from '../shared/testdrive/composition';
import { adminDriveView, adminInstanceView } from '../shared/testdrive/http/views';
import type { PoolRef } from '../shared/testdrive/ports';

export interface TestDriveAdminDeps {
  testdrive: () => TestDrive;
  authenticator: () => Authenticator;
}

export function makeTestDriveAdminHandlers(deps: TestDriveAdminDeps): Record<'pools' | 'pool' | 'reconcile' | 'report' | 'cleanup', HttpHandler> {
  const options = { surface: surfaces.admin, allow: ['operator'] as const, authenticator: deps.authenticator };
  const poolOf = (request: { params: Record<string, string> }): PoolRef => ({
    publisherId: (request.params['publisherId'] ?? '').toLowerCase(),
    offerId: request.params['offerId'] ?? '',
  });
  const summary = async (td: TestDrive, pool: PoolRef) => {
    const offer = await td.offers.live(pool.publisherId, pool.offerId);
    const instances = (await td.store.instances(pool)).map((s) => s.value);
    const states: Record<string, number> = {};
    for (const i of instances) states[i.state] = (states[i.state] ?? 0) + 1;
    return {
      publisherId: pool.publisherId,
      offerId: pool.offerId,
      testDrive: offer.state,
      ...(offer.state === 'enabled' ? { version: offer.version, regions: offer.config.regions, instances: offer.config.instances, durationHours: offer.config.durationHours } : {}),
      ...(offer.state === 'invalid' ? { violations: offer.violations } : {}),
      instanceStates: states,
    };
  };
  return {
    pools: endpoint(options, async () => {
      const td = deps.testdrive();
      return ok({ value: await Promise.all((await td.store.pools()).map((pool) => summary(td, pool))) });
    }),
    pool: endpoint(options, async (request) => {
      const td = deps.testdrive();
      const pool = poolOf(request);
      const known = (await td.store.pools()).some((p) => p.publisherId === pool.publisherId && p.offerId === pool.offerId);
      if (!known) throw new NotFoundError(`No test drive pool exists for ${pool.publisherId}.${pool.offerId}.`, 'PoolNotFound');
      return ok({
        ...(await summary(td, pool)),
        instanceList: (await td.store.instances(pool)).map((s) => adminInstanceView(s.value)),
        drives: (await td.store.drives(pool)).map((s) => adminDriveView(s.value)),
      });
    }),
    reconcile: endpoint(options, async (request) => {
      const td = deps.testdrive();
      const pool = poolOf(request);
      const offer = await td.offers.live(pool.publisherId, pool.offerId);
      if (offer.state === 'not-found') throw new NotFoundError(`The offer ${pool.publisherId}.${pool.offerId} does not exist.`, 'OfferNotFound');
      await td.store.registerPool(pool);
      const report = await td.reconcile.reconcile(pool);
      return ok({ ...report, pool: await summary(td, pool) });
    }),
    report: endpoint(options, async () => {
      const report = await deps.testdrive().store.lastReport();
      if (!report) throw new NotFoundError('The test drive cleanup has not run yet.', 'ReportNotFound');
      return ok(report);
    }),
    cleanup: endpoint(options, async () => ok(await deps.testdrive().cleanup.run())),
  };
}

const handlers = once(() => {
  const s = services();
  return makeTestDriveAdminHandlers({ testdrive: () => s.testdrive(), authenticator: () => s.authenticator });
});

const POOLS = 'api/admin/testdrive/pools';
app.http('admin-testdrive-pools', { methods: ['GET'], route: POOLS, authLevel: 'anonymous', handler: lazyHandler(() => handlers().pools) });
app.http('admin-testdrive-pool', { methods: ['GET'], route: `${POOLS}/{publisherId}/{offerId}`, authLevel: 'anonymous', handler: lazyHandler(() => handlers().pool) });
app.http('admin-testdrive-reconcile', {
  methods: ['POST'],
  route: `${POOLS}/{publisherId}/{offerId}/reconcile`,
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().reconcile),
});
app.http('admin-testdrive-cleanup-report', { methods: ['GET'], route: 'api/admin/testdrive/cleanup', authLevel: 'anonymous', handler: lazyHandler(() => handlers().report) });
app.http('admin-testdrive-cleanup-run', { methods: ['POST'], route: 'api/admin/testdrive/cleanup', authLevel: 'anonymous', handler: lazyHandler(() => handlers().cleanup) });
