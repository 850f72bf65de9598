/**
 * `npm run bench -- analytics` (issue 24): a usage query over BENCH_ANALYTICS_ROWS accepted usage rows (default
 * 1 000 000), seeded straight into the metering usage table with batched transactions (100 rows of one publisher hour
 * per transaction, BENCH_ANALYTICS_RESOURCES resources per hour, default 1000), then, through the local host:
 * - the raw Azurite rate of the same PartitionKey-range query, read by the bench process with the Azure SDK;
 * - a streaming report (no metric, no ORDER BY) and an aggregated one (daily sums), each run once by the scheduler
 *   (`ExecuteNow`, the timer fired by a test-clock move): time from the clock move to Completed, and rows/s;
 * - the download of the streaming report's file: time to first byte and to the last byte (through the app's route, or
 *   with ANALYTICS_LINK_MODE=sas straight from Blob, as in Azure);
 * - the host's resident memory sampled every 100 ms during each phase (start, peak, end): it must stay flat while a
 *   million rows stream through the query and the file.
 * Smoke: BENCH_ANALYTICS_ROWS=5000 npm run bench -- analytics.
 */
import { readFileSync } from 'node:fs';
import { TableClient, type TransactionAction } from '@azure/data-tables';
import { usageKeys } from '../shared/metering/store/usage-table';
import type { StoredUsage } from '../shared/metering/model';
import { operatorRequest, tokenFor } from '../test/fixtures/tokens';
import { benchPrefix, type BenchContext } from './context';
import { printTable, request, round } from './lib';
import { publisherToken } from './tokens';

const ROWS = Number(process.env['BENCH_ANALYTICS_ROWS'] ?? 1_000_000);
const RESOURCES = Number(process.env['BENCH_ANALYTICS_RESOURCES'] ?? 1000);
const PUBLISHER = 'contoso';
const HOUR_MS = 3_600_000;

function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? round(Number(match[1]) / 1024, 1) : NaN;
  } catch {
    return NaN;
  }
}

/** Samples the host's RSS every 100 ms while `work` runs: start, peak and end in MB. */
async function withMemory<T>(
  pid: number,
  work: () => Promise<T>,
): Promise<{ result: T; memory: { startMb: number; peakMb: number; endMb: number } }> {
  const start = rssMb(pid);
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 100);
  try {
    const result = await work();
    return { result, memory: { startMb: start, peakMb: Math.max(peak, rssMb(pid)), endMb: rssMb(pid) } };
  } finally {
    clearInterval(timer);
  }
}

async function seed(table: TableClient, now: number): Promise<{ seconds: number; firstDay: string; lastDay: string }> {
  const hours = Math.ceil(ROWS / RESOURCES);
  const firstHour = Math.floor(now / HOUR_MS) * HOUR_MS - (hours + 2) * HOUR_MS;
  const started = performance.now();
  let written = 0;
  const inFlight = new Set<Promise<unknown>>();
  for (let h = 0; h < hours && written < ROWS; h += 1) {
    const at = new Date(firstHour + h * HOUR_MS).toISOString();
    const inHour = Math.min(RESOURCES, ROWS - written);
    for (let first = 0; first < inHour; first += 100) {
      const actions: TransactionAction[] = [];
      for (let r = first; r < Math.min(first + 100, inHour); r += 1) {
        const row: StoredUsage = {
          usageEventId: `u-${h}-${r}`,
          messageTime: at,
          resourceId: `00000000-0000-4000-8000-${String(r).padStart(12, '0')}`,
          quantity: 1.5,
          dimension: 'email',
          effectiveStartTime: at,
          planId: 'basic',
          publisherId: PUBLISHER,
          resourceKey: `00000000-0000-4000-8000-${String(r).padStart(12, '0')}`,
          offerId: 'bench-offer',
          effectiveAt: at,
          resourceKind: 'saas',
        };
        actions.push(['create', { ...usageKeys(row), ...row }]);
      }
      const batch = table.submitTransaction(actions).finally(() => inFlight.delete(batch));
      inFlight.add(batch);
      if (inFlight.size >= 8) await Promise.race(inFlight);
    }
    written += inHour;
  }
  await Promise.all(inFlight);
  return {
    seconds: round((performance.now() - started) / 1000, 2),
    firstDay: new Date(firstHour).toISOString().slice(0, 10),
    lastDay: new Date(now).toISOString().slice(0, 10),
  };
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const prefix = benchPrefix();
  // ANALYTICS_LINK_MODE=sas: the download follows a SAS straight to Blob instead of the app's route (decision 0907).
  const linkMode: Record<string, string> = process.env['ANALYTICS_LINK_MODE'] === 'sas' ? { ANALYTICS_LINK_MODE: 'sas' } : {};
  const host = await ctx.startHost({ STORAGE_PREFIX: prefix, ANALYTICS_EXECUTION_LEASE_MINUTES: '120', ...linkMode });
  const json = { 'content-type': 'application/json' };
  const publisher = { authorization: `Bearer ${await publisherToken(host.keyFile, PUBLISHER)}`, ...json };
  const operator = { authorization: `Bearer ${await tokenFor(host.keyFile, operatorRequest(), { lifetimeSeconds: 6 * 3600 })}`, ...json };
  const call = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const res = await request(`${host.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
    return (res.text ? JSON.parse(res.text) : {}) as Record<string, unknown>;
  };
  const rows: Record<string, string | number>[] = [];
  try {
    const table = TableClient.fromConnectionString(ctx.azurite.connectionString, `${prefix}UsageEvents`, { allowInsecureConnection: true });
    await table.createTable().catch(() => undefined);
    const seeded = await seed(table, Date.now());
    rows.push({ name: 'seed (batched transactions)', rows: ROWS, seconds: seeded.seconds, 'rows/s': round(ROWS / seeded.seconds, 0) });

    // The raw rate of the very query the report runs: one publisher's PartitionKey range, every row.
    const rawStart = performance.now();
    let rawRows = 0;
    const filter = `PartitionKey ge '${PUBLISHER}|' and PartitionKey le '${PUBLISHER}|${seeded.lastDay.replace(/-/g, '')}99'`;
    for await (const entity of table.listEntities({ queryOptions: { filter, select: ['RowKey'] } }))
      rawRows += entity.rowKey === undefined ? 0 : 1;
    const rawSeconds = (performance.now() - rawStart) / 1000;
    rows.push({
      name: 'raw Azurite range query (SDK, bench process)',
      rows: rawRows,
      seconds: round(rawSeconds, 2),
      'rows/s': round(rawRows / rawSeconds, 0),
    });

    const report = async (name: string, query: string) => {
      const created = await call('POST', '/insights/v1/cmp/ScheduledQueries', publisher, { Name: name, Query: query });
      const queryId = String((created['value'] as { queryId: string }[])[0]?.queryId);
      const scheduled = await call('POST', '/insights/v1/cmp/ScheduledReport', publisher, {
        ReportName: name,
        QueryId: queryId,
        ExecuteNow: true,
      });
      const reportId = String((scheduled['value'] as { reportId: string }[])[0]?.reportId);
      const started = performance.now();
      const { result, memory } = await withMemory(host.pid, async () => {
        await call('PUT', '/api/admin/clock', operator, { advance: 'PT1M' });
        for (;;) {
          const res = await request(`${host.url}/insights/v1/cmp/ScheduledReport/execution/${reportId}`, {
            method: 'GET',
            headers: publisher,
          });
          if (res.status === 200) return (JSON.parse(res.text) as { value: Record<string, unknown>[] }).value[0] as Record<string, unknown>;
          if (performance.now() - started > 60 * 60_000) throw new Error(`report ${name} not completed`);
          await new Promise((r) => setTimeout(r, 200));
        }
      });
      const seconds = (performance.now() - started) / 1000;
      rows.push({
        name: `report ${name}: clock move → Completed`,
        rows: ROWS,
        seconds: round(seconds, 2),
        'rows/s': round(ROWS / seconds, 0),
        'rss start MB': memory.startMb,
        'rss peak MB': memory.peakMb,
        'rss end MB': memory.endMb,
      });
      return String(result['reportAccessSecureLink']);
    };

    const link = await report(
      'streaming',
      'SELECT MarketplaceSubscriptionId, UsageDate, MeterId, UsageQuantity, UsageReference FROM ISVUsage TIMESPAN LIFETIME',
    );
    await report('daily', 'SELECT UsageDate, MeteredUsage, EstimatedExtendedChargePC FROM ISVUsage TIMESPAN LIFETIME');

    const { result: download, memory } = await withMemory(host.pid, async () => {
      const started = performance.now();
      const res = await fetch(link);
      const firstByte = performance.now() - started;
      let bytes = 0;
      let lines = 0;
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        for (const b of chunk) if (b === 10) lines += 1;
      }
      return { firstByteMs: round(firstByte, 1), seconds: (performance.now() - started) / 1000, bytes, lines };
    });
    rows.push({
      name: `download of the streaming report (${linkMode['ANALYTICS_LINK_MODE'] ?? 'route'})`,
      rows: download.lines - 1,
      'first byte ms': download.firstByteMs,
      seconds: round(download.seconds, 2),
      'rows/s': round((download.lines - 1) / download.seconds, 0),
      MB: round(download.bytes / 1_048_576, 1),
      'rss start MB': memory.startMb,
      'rss peak MB': memory.peakMb,
      'rss end MB': memory.endMb,
    });
  } finally {
    await host.stop();
  }
  printTable(`analytics: a usage query over ${ROWS} rows, next to the raw Azurite range query`, rows);
  return { rows };
}
