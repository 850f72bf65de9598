/**
 * Baseline: an authenticated trivial GET through the local host (`GET /api/me`: JWT verification, registry
 * lookup, invocation pipeline and hooks) next to raw Azurite Table point reads and inserts, at 1 and 16 clients.
 * Every later benchmark reports its ratio to these raw figures measured in the same run.
 */
import { publisherToken } from './tokens';
import type { BenchContext } from './context';
import { measure, printTable, request, round, type Measurement } from './lib';

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const host = await ctx.startHost();
  const token = await publisherToken(host.keyFile, 'contoso');
  const headers = { authorization: `Bearer ${token}` };
  const rows: Measurement[] = [];
  try {
    for (const concurrency of [1, 16]) {
      const count = concurrency === 1 ? 1500 : 4000;
      const raw = await ctx.rawTable(concurrency, count);
      const http = await measure('http GET /api/me (authenticated)', { concurrency, count }, async () => {
        const res = await request(`${host.url}/api/me`, { headers });
        if (res.status !== 200) throw new Error(`unexpected ${res.status}`);
      });
      http['vsRawReadOps'] = round(http.opsPerSec / raw.read.opsPerSec, 2);
      http['vsRawReadP99'] = round(http.p99Ms / raw.read.p99Ms, 2);
      rows.push(raw.insert, raw.read, http);
    }
  } finally {
    await host.stop();
  }
  printTable('baseline: local host round trip vs raw Azurite', rows);
  return { rows };
}
