/**
 * `npm run bench -- saas`: the SaaS fulfillment hot paths through the local host next to raw Azurite point reads
 * measured in the same run: resolve (x-ms-marketplace-token), get subscription and list subscriptions (first page
 * of 100) with 1,000 subscriptions stored, at 1 and 16 concurrent clients.
 * Target (issue 5): get subscription ≥ 0.8× the raw point-read ops/s, p99 ≤ 1.5× the raw p99. The target row reads a
 * working set the ISV has read within the cache's TTL (architecture.md, Caches); the first read of each id (a
 * miss: JWT check, one point read, the response) is reported on its own row so the cache cannot hide it, and the
 * same working set is read again through a second host with the cache off (SAAS_CACHE_TTL_MS=0).
 */
import { randomUUID } from 'node:crypto';
import { createHash } from 'node:crypto';
import { mapLimit } from '../shared/concurrency';
import type { SubscriptionRecord } from '../shared/saas/model';
import { TableSubscriptionStore } from '../shared/saas/store/table';
import { createStorage } from '../shared/storage/clients';
import { benchPrefix, type BenchContext } from './context';
import { measure, printTable, request, round, type Measurement, type LoadResponse } from './lib';
import { publisherToken } from './tokens';

const V = 'api-version=2018-08-31';
const COUNT = 1000;

function record(id: string): SubscriptionRecord {
  const now = new Date().toISOString();
  const who = { emailId: 'ann@fabrikam.example', objectId: randomUUID(), tenantId: randomUUID(), puid: 'p' };
  return {
    id,
    publisherId: 'contoso',
    offerId: 'bench-offer',
    offerVersion: 1,
    name: `bench ${id}`,
    planId: 'silver',
    quantity: 10,
    beneficiary: who,
    purchaser: who,
    allowedCustomerOperations: ['Read', 'Update', 'Delete'],
    isFreeTrial: false,
    isTest: false,
    status: 'Subscribed',
    termUnit: 'P1M',
    activatedOn: now.slice(0, 10),
    termIndex: 0,
    autoRenew: true,
    created: now,
    statusHistory: [{ status: 'Subscribed', at: now }],
    planHistory: [{ planId: 'silver', quantity: 10, from: now }],
  };
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const prefix = benchPrefix();
  const host = await ctx.startHost({ STORAGE_PREFIX: prefix });
  // A second host on the same storage with the read-through cache off: every GET is a table point read.
  const uncached = await ctx.startHost({ STORAGE_PREFIX: prefix, SAAS_CACHE_TTL_MS: '0', LOCAL_ISSUER_KEY_FILE: host.keyFile });
  const storage = createStorage({ kind: 'connectionString', connectionString: ctx.azurite.connectionString, prefix });
  const store = new TableSubscriptionStore(
    () => storage.table('SaasSubscriptions'),
    () => storage.table('SaasIndex'),
  );
  // `ids` is the working set the ISV keeps reading; each concurrency also gets ids nobody has read yet, so the
  // first read of a subscription (a cache miss: one table point read) is measured on its own.
  const ids = Array.from({ length: COUNT }, () => randomUUID());
  const coldIds = new Map([1, 16].map((c) => [c, Array.from({ length: COUNT }, () => randomUUID())]));
  const tokens = ids.map(() => randomUUID() + randomUUID());
  const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
  await mapLimit([...ids.keys()], 32, async (i) => {
    const id = ids[i] as string;
    await store.createSubscription(record(id));
    for (const cold of coldIds.values()) await store.createSubscription(record(cold[i] as string));
    const token = tokens[i] as string;
    await store.putToken(createHash('sha256').update(token, 'utf8').digest('hex'), {
      subscriptionId: id,
      publisherId: 'contoso',
      expiresAt,
    });
  });
  const headers = { authorization: `Bearer ${await publisherToken(host.keyFile, 'contoso')}` };
  const expectOk = (res: LoadResponse) => {
    if (res.status !== 200) throw new Error(`unexpected ${res.status}: ${res.text}`);
  };
  const rows: Measurement[] = [];
  const cpu = { host: host.pid, azurite: ctx.azurite.pid, client: process.pid };
  const cpuUncached = { host: uncached.pid, azurite: ctx.azurite.pid, client: process.pid };
  try {
    for (const concurrency of [1, 16]) {
      const count = concurrency === 1 ? 1000 : 3000;
      const raw = await ctx.rawTable(concurrency, count);
      // Control: the host's authenticated round trip with no storage call (what the baseline suite measures).
      const me = await measure('GET /api/me (control)', { concurrency, count, cpu }, async () =>
        expectOk(await request(`${host.url}/api/me`, { headers })),
      );
      const cold = coldIds.get(concurrency) as string[];
      const getCold = await measure(
        'GET subscription (first read of each id)',
        { concurrency, count: COUNT - 100, warmup: 100, cpu },
        async (i) => expectOk(await request(`${host.url}/api/saas/subscriptions/${cold[i]}?${V}`, { headers })),
      );
      // The working set read once just before, as an ISV polling its subscriptions would have (cache TTL 5 s).
      await mapLimit(ids, concurrency, async (id) => expectOk(await request(`${host.url}/api/saas/subscriptions/${id}?${V}`, { headers })));
      const get = await measure('GET subscription', { concurrency, count, cpu }, async (i) =>
        expectOk(await request(`${host.url}/api/saas/subscriptions/${ids[i % COUNT]}?${V}`, { headers })),
      );
      const getUncached = await measure('GET subscription (cache off)', { concurrency, count, cpu: cpuUncached }, async (i) =>
        expectOk(await request(`${uncached.url}/api/saas/subscriptions/${ids[i % COUNT]}?${V}`, { headers })),
      );
      const resolve = await measure('POST resolve', { concurrency, count, cpu }, async (i) =>
        expectOk(
          await request(`${host.url}/api/saas/subscriptions/resolve?${V}`, {
            method: 'POST',
            headers: { ...headers, 'x-ms-marketplace-token': tokens[i % COUNT] as string },
          }),
        ),
      );
      const list = await measure('GET subscriptions (page of 100)', { concurrency, count: Math.ceil(count / 10), cpu }, async () =>
        expectOk(await request(`${host.url}/api/saas/subscriptions?${V}`, { headers })),
      );
      for (const m of [me, getCold, get, getUncached, resolve, list]) {
        m['vsRawReadOps'] = round(m.opsPerSec / raw.read.opsPerSec, 2);
        m['vsRawReadP99'] = round(m.p99Ms / raw.read.p99Ms, 2);
      }
      rows.push(raw.read, me, getCold, get, getUncached, resolve, list);
    }
  } finally {
    await Promise.all([host.stop(), uncached.stop()]);
  }
  printTable(`saas: fulfillment API through the local host vs raw Azurite (${COUNT} subscriptions)`, rows);
  return { rows, subscriptions: COUNT };
}
