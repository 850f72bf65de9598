/**
 * Durability of the local default (issue 20), reported rather than asserted:
 * - the storage-crash window: table inserts at 16 clients against a file-backed embedded Azurite, killed with
 *   SIGKILL 7 s into the stream (past its first 5 s autosave), restarted on the same folder; how
 *   many answered inserts are gone, and how long before the kill the first lost one was answered. Once as Azurite
 *   ships (LOCAL_STORAGE_WAL=false), once with the write-ahead log;
 * - what the log costs: the insert rate with it as a ratio to the rate without, same run;
 * - the host-crash scenario of the crash-safety test under `npm start` (answered, kept, lost);
 * - clean-stop time: SIGINT to the supervisor until every process is gone, idle and after the scenario.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { startAzurite } from '../local/azurite';
import { usageThroughKills } from '../test/fixtures/crash-scenario';
import { startSupervised, supervisedEnv } from '../test/fixtures/supervised';
import { measure, printTable, round } from './lib';

const CLIENTS = 16;

async function storageWindow(wal: boolean, killAfterMs: number) {
  const location = mkdtempSync(path.join(tmpdir(), `bench-wal-${wal ? 'on' : 'off'}-`));
  const env = { LOCAL_STORAGE_WAL: String(wal) };
  const first = await startAzurite({ location, env });
  const table = TableClient.fromConnectionString(first.connectionString, 'window', { allowInsecureConnection: true });
  await table.createTable();
  const answeredAt = new Map<number, number>();
  let next = 0;
  let killedAt = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (;;) {
        const i = next++;
        if (killedAt) return;
        const ok = await table.createEntity({ partitionKey: `p${i % 64}`, rowKey: `r${i}`, n: i }).then(
          () => true,
          () => false,
        );
        if (!ok || killedAt) return;
        answeredAt.set(i, Date.now());
        if (!killedAt && Date.now() - started >= killAfterMs) {
          killedAt = Date.now();
          process.kill(first.pid as number, 'SIGKILL');
        }
      }
    }),
  );
  await first.exited;
  const second = await startAzurite({ location, ports: first.ports, env });
  const reread = TableClient.fromConnectionString(second.connectionString, 'window', { allowInsecureConnection: true });
  const kept = new Set<number>();
  try {
    for await (const e of reread.listEntities<{ n: number }>()) kept.add(e.n);
  } catch (error) {
    // Killed before its first save, Azurite as shipped forgets the table itself: every insert is lost.
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  const lost = [...answeredAt.keys()].filter((i) => !kept.has(i));
  const earliestLost = Math.min(...lost.map((i) => answeredAt.get(i) as number));
  await second.stop();
  return {
    name: wal ? 'with the write-ahead log' : 'Azurite as shipped (autosave 5 s)',
    answered: answeredAt.size,
    lost: lost.length,
    'lost window ms': lost.length ? killedAt - earliestLost : 0,
  };
}

async function insertRate(wal: boolean, count: number) {
  const azurite = await startAzurite({
    location: mkdtempSync(path.join(tmpdir(), 'bench-walrate-')),
    env: { LOCAL_STORAGE_WAL: String(wal) },
  });
  const table = TableClient.fromConnectionString(azurite.connectionString, 'rate', { allowInsecureConnection: true });
  await table.createTable();
  const payload = { quantity: 1.5, dimension: 'dim1', planId: 'plan1', effectiveStartTime: new Date().toISOString() };
  const m = await measure(
    wal ? 'insert, file-backed, with the log' : 'insert, file-backed, no log',
    { concurrency: CLIENTS, count, cpu: { azurite: azurite.pid } },
    (i) => table.createEntity({ partitionKey: `p${i % 64}`, rowKey: `r${i}`, ...payload }),
  );
  await azurite.stop();
  return m;
}

async function cleanStop(afterScenario: boolean) {
  const app = await startSupervised(await supervisedEnv({ LOCAL_APP_EXTRA_ENTRIES: 'dist/test/fixtures/apps/durable-samples.js' }));
  let scenario: Awaited<ReturnType<typeof usageThroughKills>> | undefined;
  if (afterScenario)
    scenario = await usageThroughKills(app, { resources: 50, hours: 20, clients: CLIENTS, killHostAt: 300, killStorageAt: 650 });
  const before = app.output().length;
  const stopped = await app.stop('SIGINT');
  const tail = app.output().slice(before);
  return {
    scenario,
    stop: {
      name: afterScenario ? 'after the crash scenario' : 'idle',
      'stop ms': stopped.ms,
      exit: stopped.code ?? -1,
      'stack traces': (tail.match(/\n\s+at /g) ?? []).length,
    },
  };
}

export async function run(): Promise<Record<string, unknown>> {
  // Past the first autosave (5 s), so the window measured is the autosave's, not the whole run.
  const windows = [await storageWindow(false, 7_000), await storageWindow(true, 7_000)];
  printTable('Storage process killed with SIGKILL 7 s into a stream of inserts (16 clients)', windows);

  const without = await insertRate(false, 5_000);
  const withLog = await insertRate(true, 5_000);
  const rates = [without, { ...withLog, 'vs no log': round(withLog.opsPerSec / without.opsPerSec, 2) }];
  printTable('What the log costs: table inserts, 16 clients, file-backed Azurite', rates);

  const idle = await cleanStop(false);
  const loaded = await cleanStop(true);
  const scenario = loaded.scenario as NonNullable<typeof loaded.scenario>;
  const crash = {
    events: scenario.events,
    'answered 200': scenario.answered200,
    'readable after restart': scenario.keptAfterRestart,
    lost: scenario.lost.length,
    'host starts': scenario.hostStarts,
    'storage starts': scenario.storageStarts,
  };
  printTable('npm start: host killed after 300 answers, storage after 650 (1,000 usage events, 16 clients)', [crash]);
  printTable('Clean stop (SIGINT to npm start until every process is gone)', [idle.stop, loaded.stop]);
  return { storageCrashWindow: windows, logCost: rates, hostCrash: crash, cleanStop: [idle.stop, loaded.stop] };
}
