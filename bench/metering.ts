/**
 * `npm run bench -- metering`: usage ingestion over HTTP through the local host, judged against the host's own floor
 * measured in the same run (decision 0315, superseding 0310's bar):
 * - the floor: `POST /api/bench/floor?as=usage` on the same host (BENCH_FLOOR_ROUTE=true), authenticated like the
 *   usage API (the publisher's Entra app token), one Table insert of a usage-sized row and nothing else;
 * - single events (`POST /api/usageEvent`) at 1, 16 and 64 concurrent clients: events/s, p50/p99, next to the floor
 *   and the raw Azurite insert (bench/context.ts `rawTable`, the Azure SDK in this process);
 * - the bare floor (bench/bare-floor.ts): the same token check and insert over plain `node:http` in its own process,
 *   at 16 and 64 clients; the floor's host CPU per request over the bare server's is the host-cost ratio;
 * - batches of 25 (`POST /api/batchUsageEvent`) at 1 and 16 clients: events/s;
 * - memory: the host process's RSS (/proc/<pid>/status, Azurite is a separate child) while 100,000 events are
 *   ingested, after a warm-up of 10,000.
 * Targets: single ≥ 0.85× the floor's events/s and p99 ≤ 1.3× the floor's p99 at 16 and 64 clients (issue 17);
 * batch ≥ 3× single events/s; RSS < 250 MB and no growth after warm-up (issue 6).
 * Smoke with small counts: BENCH_METERING_COUNT=300 BENCH_METERING_MEMORY_EVENTS=2000 npm run bench -- metering.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TablePlanDimensions } from '../shared/metering/store/plans-table';
import { TableResourceDirectory } from '../shared/metering/store/resources-table';
import { mapLimit } from '../shared/concurrency';
import { createStorage } from '../shared/storage/clients';
import { benchPrefix, repoRoot, type BenchContext } from './context';
import { measure, printTable, request, round, type Measurement } from './lib';
import { publisherToken } from './tokens';

const PUBLISHER = 'contoso';
const OFFER = 'bench-offer';
const HOUR_MS = 3_600_000;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 'NaN');
  return round(kb / 1024, 1);
}

/** A key space of `resources` × 24 hours: event i is resource i mod R at the hour ⌊i / R⌋ before this one. */
function keySpace(resources: string[], thisHour: number) {
  return (i: number) => {
    const hour = Math.floor(i / resources.length);
    if (hour > 23) throw new Error(`key space exhausted at event ${i}`);
    return {
      resourceId: resources[i % resources.length] as string,
      quantity: 1.5,
      dimension: 'calls',
      effectiveStartTime: new Date(thisHour - hour * HOUR_MS).toISOString(),
      planId: 'standard',
    };
  };
}

/**
 * The bare floor (bench/bare-floor.ts) in its own process, against the same storage and key file as the host: the
 * same token check and insert over plain `node:http`, for the host-cost ratio (decision 0315).
 */
async function startBareFloor(env: Record<string, string>): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist/bench/bare-floor.js')], {
    cwd: repoRoot,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const info = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /BARE_FLOOR_READY (\{.*\})/.exec(out);
      if (m?.[1]) resolve(JSON.parse(m[1]) as { url: string; pid: number });
    });
    child.once('exit', (code) => reject(new Error(`bare floor exited (${code}): ${out}`)));
  });
  return {
    ...info,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Counts (env, for smoke runs): events per measurement at 16 and 64 clients, and the memory run's events. */
const COUNT = Number(process.env['BENCH_METERING_COUNT'] ?? 4000);
const MEMORY_EVENTS = Number(process.env['BENCH_METERING_MEMORY_EVENTS'] ?? 100_000);

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const prefix = benchPrefix();
  const host = await ctx.startHost({ STORAGE_PREFIX: prefix, BENCH_FLOOR_ROUTE: 'true' });
  const bare = await startBareFloor({
    STORAGE_CONNECTION_STRING: ctx.azurite.connectionString,
    STORAGE_PREFIX: prefix,
    LOCAL_ISSUER_KEY_FILE: host.keyFile,
    LOCAL_QUIET: 'true',
  }).catch(async (error: unknown) => {
    await host.stop();
    throw error;
  });
  const storage = createStorage({ kind: 'connectionString', connectionString: ctx.azurite.connectionString, prefix });
  const directory = new TableResourceDirectory(() => storage.table('MeteredResources'));
  await new TablePlanDimensions(() => storage.table('MeteredPlans')).put(PUBLISHER, OFFER, {
    planId: 'standard',
    dimensions: [{ id: 'calls', enabled: true, pricePerUnitUSD: 0.01, includedQuantityMonthly: 1000 }],
  });
  const seed = async (count: number) => {
    const ids = Array.from({ length: count }, () => randomUUID());
    await mapLimit(ids, 32, (id) =>
      directory.put({
        resourceKey: id,
        kind: 'saas',
        publisherId: PUBLISHER,
        offerId: OFFER,
        status: 'Subscribed',
        plans: [{ planId: 'standard', from: '2020-01-01T00:00:00Z' }],
      }),
    );
    return ids;
  };
  const token = await publisherToken(host.keyFile, PUBLISHER);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const thisHour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const post = async (base: string, route: string, body: unknown, check: (status: number, json: unknown) => boolean) => {
    const res = await request(`${base}${route}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const json: unknown = JSON.parse(res.text);
    if (!check(res.status, json)) throw new Error(`unexpected ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
  };
  const V = 'api-version=2018-08-31';
  const accepted = (s: number, json: unknown) => s === 200 && (json as { status?: string }).status === 'Accepted';
  const single = (event: unknown) => post(host.url, `/api/usageEvent?${V}`, event, accepted);
  const floor = (event: unknown) => post(host.url, `/api/bench/floor?as=usage&${V}`, event, accepted);
  const bareFloor = (event: unknown) => post(bare.url, `/api/bench/floor?as=usage&${V}`, event, accepted);
  const batch = (items: unknown[]) =>
    post(
      host.url,
      `/api/batchUsageEvent?${V}`,
      { request: items },
      (s, json) => s === 200 && (json as { result: { status: string }[] }).result.every((r) => r.status === 'Accepted'),
    );

  // CPU per operation of each process on the shared cores (bench/lib.ts `measure`): the host is one Node process,
  // like one Functions worker; the bare floor is its own process.
  const cpu = { host: host.pid, azurite: ctx.azurite.pid, client: process.pid };
  const rows: Measurement[] = [];
  const verdicts: Record<string, string | number>[] = [];
  const hostCost: Record<string, string | number>[] = [];
  const singles = new Map<number, Measurement>();
  let memory: Record<string, number> = {};
  try {
    for (const concurrency of [1, 16, 64]) {
      const count = concurrency === 1 ? Math.min(1500, COUNT) : COUNT;
      const raw = (await ctx.rawTable(concurrency, count)).insert;
      const events = keySpace(await seed(concurrency === 1 ? 100 : 200), thisHour);
      // The floor and single events take the same bodies; the floor stores a row per request, nothing is checked.
      const hostFloor = await measure('http POST /api/bench/floor?as=usage (one insert)', { concurrency, count, cpu }, (i) =>
        floor(events(i)),
      );
      const http = await measure('http POST /api/usageEvent', { concurrency, count, cpu }, (i) => single(events(i)));
      http['events/s'] = http.opsPerSec;
      http['vsFloorOps'] = round(http.opsPerSec / hostFloor.opsPerSec, 2);
      http['vsFloorP99'] = round(http.p99Ms / hostFloor.p99Ms, 2);
      http['vsRawInsertOps'] = round(http.opsPerSec / raw.opsPerSec, 2);
      hostFloor['vsRawInsertOps'] = round(hostFloor.opsPerSec / raw.opsPerSec, 2);
      singles.set(concurrency, http);
      rows.push(raw, hostFloor, http);
      if (concurrency === 1) continue;
      const bareRow = await measure(
        'bare node:http floor (same token check + insert)',
        {
          concurrency,
          count,
          cpu: { bare: bare.pid, azurite: ctx.azurite.pid, client: process.pid },
        },
        (i) => bareFloor(events(i)),
      );
      bareRow['vsRawInsertOps'] = round(bareRow.opsPerSec / raw.opsPerSec, 2);
      rows.push(bareRow);
      verdicts.push({
        concurrency,
        'raw insert ops/s': raw.opsPerSec,
        'floor events/s': hostFloor.opsPerSec,
        'single events/s': http.opsPerSec,
        'single/floor events/s': `${http['vsFloorOps']} (≥ 0.85)`,
        'floor p99 ms': hostFloor.p99Ms,
        'single p99 ms': http.p99Ms,
        'single/floor p99': `${http['vsFloorP99']} (≤ 1.3)`,
        met: Number(http['vsFloorOps']) >= 0.85 && Number(http['vsFloorP99']) <= 1.3 ? 'yes' : 'no',
      });
      const hostUs = Number(hostFloor['cpuUs/op host']);
      const bareUs = Number(bareRow['cpuUs/op bare']);
      hostCost.push({
        concurrency,
        'floor: host µs/request': hostUs,
        'bare node:http: µs/request': bareUs,
        'host cost ratio (floor/bare)': round(hostUs / bareUs, 2),
        'single: host µs/event': Number(http['cpuUs/op host']),
        'bare events/s': bareRow.opsPerSec,
      });
    }
    for (const concurrency of [1, 16]) {
      const batches = Math.max(20, Math.round((concurrency === 1 ? 120 : 400) * Math.min(1, COUNT / 4000)));
      const events = keySpace(await seed(500), thisHour);
      const http = await measure('http POST /api/batchUsageEvent (25 events)', { concurrency, count: batches, warmup: 20, cpu }, (b) =>
        batch(Array.from({ length: 25 }, (_, j) => events(b * 25 + j))),
      );
      http['events/s'] = round(http.opsPerSec * 25);
      http['vsSingleEvents'] = round((http.opsPerSec * 25) / (singles.get(concurrency) as Measurement).opsPerSec, 2);
      rows.push(http);
    }

    // Memory: single events at 16 clients; RSS sampled every 250 ms; the first tenth (10,000 of 110,000) warms up.
    const total = MEMORY_EVENTS;
    const warmup = Math.round(MEMORY_EVENTS / 10);
    const events = keySpace(await seed(Math.ceil((total + warmup) / 24) + 1), thisHour);
    const samples: { done: number; rss: number }[] = [];
    let done = 0;
    const sampler = setInterval(() => samples.push({ done, rss: rssMb(host.pid) }), 250);
    const started = process.hrtime.bigint();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = next++; i < total + warmup; i = next++) {
          await single(events(i));
          done += 1;
        }
      }),
    );
    clearInterval(sampler);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const after = samples.filter((s) => s.done >= warmup);
    const atWarmup = after[0]?.rss ?? rssMb(host.pid);
    const last = after.at(-1)?.rss ?? rssMb(host.pid);
    memory = {
      events: total + warmup,
      eventsPerSec: round((total + warmup) / seconds),
      rssAtWarmupMb: atWarmup,
      rssMaxMb: Math.max(atWarmup, ...after.map((s) => s.rss)),
      rssEndMb: last,
      growthAfterWarmupMb: round(last - atWarmup, 1),
    };
  } finally {
    await bare.stop();
    await host.stop();
  }

  const batch16 = rows.find((r) => r.name.includes('batch') && r.concurrency === 16) as Measurement;
  const targets = {
    singleVsFloorAt16: verdicts[0]?.['single/floor events/s'] ?? '',
    p99VsFloorAt16: verdicts[0]?.['single/floor p99'] ?? '',
    singleVsFloorAt64: verdicts[1]?.['single/floor events/s'] ?? '',
    p99VsFloorAt64: verdicts[1]?.['single/floor p99'] ?? '',
    batchVsSingleAt16: `${batch16['vsSingleEvents']} (≥ 3)`,
    rssMaxMb: `${memory['rssMaxMb']} (< 250)`,
    growthAfterWarmupMb: `${memory['growthAfterWarmupMb']} (≈ 0)`,
  };
  printTable('metering: usage ingestion over HTTP vs the host floor and raw Azurite inserts', rows);
  printTable('metering: single events vs the floor, same run (decision 0315)', verdicts);
  printTable("metering: the local host's cost, floor vs a bare node:http server (same token check and insert)", hostCost);
  printTable(`metering: host memory while ingesting ${memory['events']} events (16 clients)`, [memory]);
  printTable('metering: targets', [targets]);
  return { rows, verdicts, hostCost, memory, targets };
}
