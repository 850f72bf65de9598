import { app, type HttpHandler } from '@azure/functions';
import type { Storage } from '../shared/storage/clients';
import type { Clock } from '../shared/clock';
import { services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler } from '../shared/http/lazy';
import { ok } from '../shared/http/responses';
import { problem, surfaces } from '../shared/http/surfaces';

/** One round trip to Table storage; a 404 for the probe row still proves the service answers. */
async function storageReachable(storage: Storage): Promise<void> {
  const table = await storage.table('Settings');
  try {
    await table.getEntity('health', 'probe');
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
}

export function makeHealthHandler(deps: { storage: Storage; clock: Clock; version: string; testClock: boolean }): HttpHandler {
  return endpoint({ surface: surfaces.public }, async () => {
    const body = {
      status: 'ok',
      version: deps.version,
      storage: deps.storage.kind,
      time: deps.clock.now().toISOString(),
      testClock: deps.testClock,
    };
    try {
      await storageReachable(deps.storage);
    } catch {
      return {
        ...problem(503, 'Storage is not reachable.'),
        jsonBody: { ...body, status: 'degraded', detail: 'Storage is not reachable.' },
      };
    }
    return ok(body, { 'cache-control': 'no-store' });
  });
}

app.http('health', {
  methods: ['GET'],
  route: 'api/health',
  authLevel: 'anonymous',
  handler: lazyHandler(() => {
    const s = services();
    return makeHealthHandler({ storage: s.storage, clock: s.clock, version: s.config.version, testClock: s.config.testClock });
  }),
});
