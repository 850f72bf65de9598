/**
 * `npm run bench -- licensing` (issue 15): through the local host,
 * - license checks (`GET /api/licensing/check`, a licensed user, as the publisher) at 1 and 16 clients: checks/s and
 *   p50/p99, next to the raw Azurite point read measured in the same run. Target: check p99 at 16 clients ≤ the raw
 *   point-read p99 at 16 clients (decision 0803: checks read through the LICENSING_CACHE_TTL_MS cache);
 * - a bulk assignment of BENCH_LICENSING_BULK users (default 10 000) in one request: the 202's latency and the time
 *   until every user is settled (the pool shows them all assigned and nothing reserved).
 * Seats come from gold subscriptions of offer1 (500 seats each), linked to one tenant's pool.
 * Counts: BENCH_LICENSING_CHECKS (checks per row, default 2000), BENCH_LICENSING_BULK.
 */
import { cpus } from 'node:os';
import { nameGuid, type TokenRequest } from '../shared/auth/tokens';
import { offer1 } from '../test/integration/saas/fixture';
import { customerRequest, operatorRequest, tokenFor } from '../test/fixtures/tokens';
import { benchPrefix, type BenchContext } from './context';
import { measure, printTable, request, round, type Measurement } from './lib';
import { publisherToken } from './tokens';

const COUNT = Number(process.env['BENCH_LICENSING_CHECKS'] ?? 2000);
const BULK = Number(process.env['BENCH_LICENSING_BULK'] ?? 10_000);
const SEATS_PER_SUBSCRIPTION = 500;
const SERVICE = 'contoso.offer1.gold';

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const host = await ctx.startHost({ STORAGE_PREFIX: benchPrefix() });
  const long = { lifetimeSeconds: 6 * 3600 };
  const bearer = async (r: TokenRequest) => `Bearer ${await tokenFor(host.keyFile, r, long)}`;
  const json = { 'content-type': 'application/json' };
  const publisher = { authorization: `Bearer ${await publisherToken(host.keyFile, 'contoso')}`, ...json };
  const operator = { authorization: await bearer(operatorRequest()), ...json };
  const buyer = { authorization: await bearer(customerRequest('bench', 'buyer')), ...json };
  const admin = { authorization: await bearer({ ...customerRequest('bench', 'admin'), roles: ['License Administrator'] }), ...json };
  const tenant = nameGuid('tenant', 'bench');
  const call = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const res = await request(`${host.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
    return (res.text ? JSON.parse(res.text) : {}) as Record<string, unknown>;
  };
  const cpu = { host: host.pid, azurite: ctx.azurite.pid, client: process.pid };
  const rows: Measurement[] = [];
  let bulk: Record<string, string | number> = {};
  try {
    const offer = offer1();
    await call('PUT', `/api/publishers/contoso/offers/${offer.id}?api-version=2017-10-31`, publisher, offer);
    await call('POST', '/api/admin/offers/contoso/offer1/freeze', operator);
    const subscriptions = Math.max(1, Math.ceil((BULK + 1) / SEATS_PER_SUBSCRIPTION));
    for (let i = 0; i < subscriptions; i += 1) {
      const bought = await call('POST', '/api/storefront/purchases', buyer, {
        publisherId: 'contoso',
        offerId: 'offer1',
        planId: 'gold',
        quantity: SEATS_PER_SUBSCRIPTION,
        termUnit: 'P1M',
      });
      const id = String(bought['subscriptionId']);
      await call('POST', `/api/saas/subscriptions/${id}/activate?api-version=2018-08-31`, publisher, { planId: 'gold', quantity: SEATS_PER_SUBSCRIPTION });
      await call('PUT', `/api/licensing/tenants/${tenant}/subscriptions/${id}`, admin);
    }
    const checked = nameGuid('user', 'bench-checked');
    const sku = (await call('GET', `/api/licensing/tenants/${tenant}/pools`, admin))['pools'] as { skuId: string }[];
    await call('POST', `/v1/customers/${tenant}/users/${checked}/licenseupdates`, admin, { LicensesToAssign: [{ SkuId: sku[0]?.skuId, ExcludedPlans: null }] });
    const check = async () => {
      const res = await request(`${host.url}/api/licensing/check?tenantId=${tenant}&userId=${checked}&serviceId=${SERVICE}`, { method: 'GET', headers: publisher });
      if (res.status !== 200 || !res.text.includes('"hasLicense":true')) throw new Error(`check: ${res.status} ${res.text.slice(0, 200)}`);
    };
    const raw = (await ctx.rawTable(16, COUNT)).read;
    const one = await measure('http GET /api/licensing/check', { concurrency: 1, count: COUNT, cpu }, check);
    const sixteen = await measure('http GET /api/licensing/check', { concurrency: 16, count: COUNT, cpu }, check);
    sixteen['vsRawReadP99'] = round(sixteen.p99Ms / raw.p99Ms, 2);
    rows.push(raw, one, sixteen);

    const users = Array.from({ length: BULK }, (_, i) => nameGuid('user', `bench-bulk-${i}`));
    const started = Date.now();
    const accepted = await call('POST', `/api/licensing/tenants/${tenant}/pools/${SERVICE}/assignments`, admin, { userIds: users });
    const acceptedMs = Date.now() - started;
    const deadline = Date.now() + 30 * 60_000;
    for (;;) {
      const pools = (await call('GET', `/api/licensing/tenants/${tenant}/pools`, admin))['pools'] as { assigned: number; reserved: number }[];
      const pool = pools[0];
      if (pool && pool.assigned === BULK + 1 && pool.reserved === 0) break;
      if (Date.now() > deadline) throw new Error(`bulk not settled: ${JSON.stringify(pool)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    bulk = { users: BULK, batchId: String(accepted['batchId']), '202 ms': acceptedMs, 'settled s': round((Date.now() - started) / 1000, 2) };
  } finally {
    await host.stop();
  }
  const sixteen = rows[2] as Measurement;
  const raw = rows[0] as Measurement;
  const targets = {
    checkP99At16: `${sixteen.p99Ms} ms vs raw read ${raw.p99Ms} ms (target ≤ 1.0×: ${sixteen['vsRawReadP99']}×)`,
    bulkSettled: `${bulk['users']} users in ${bulk['settled s']} s`,
    cores: cpus().length,
  };
  printTable('licensing: license checks vs the raw Azurite point read', rows);
  printTable('licensing: bulk assignment', [bulk]);
  printTable('licensing: targets', [targets]);
  return { rows, bulk, targets };
}
