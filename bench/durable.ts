/**
 * `npm run bench -- durable`: the local durable runtime on the real local host (a child process) against the run's
 * Azurite. Three workloads around a trivial activity: (a) a chain of 100 sequential activities, (b) a fan-out/
 * fan-in of 1,000, (c) 200 concurrent orchestrations of 5 sequential activities. For each: activities/s, the
 * orchestrations' start-to-completion latency p50/p99, and storage round trips per activity, counted by the
 * runtime itself (every request its storage clients send, polling and lease renewals included).
 *
 * Raw Azurite rates are measured in the same run: table point insert/read, a 100-entity batch transaction, queue
 * send and receive+delete. "bound" is the throughput the counted round trips would allow at the raw point-insert
 * rate (raw inserts/s / round trips per activity; concurrency 1 for the sequential chain, 16 otherwise);
 * "vsBound" is the measured throughput over that bound.
 */
import { QueueServiceClient } from '@azure/storage-queue';
import { TableClient, type TransactionAction } from '@azure/data-tables';
import { hostKeysFile, readSystemKey } from '../local/host-keys';
import { benchPrefix, type BenchContext, type BenchHost } from './context';
import { measure, printTable, round, type Measurement } from './lib';

interface Stats {
  storage: { requests: number; byTable: Record<string, number> };
  dispatcher: { activities: number; episodes: number; replayMs: number; commitMs: number; completions: { instanceId: string; status: string; at: number }[] };
}

interface Start {
  name: string;
  id: string;
  input: unknown;
}

/** The Durable HTTP API requires the host's system key, kept beside the host's issuer key file; read once per host. */
const keys = new Map<BenchHost, string>();
function keyHeader(host: BenchHost): Record<string, string> {
  let key = keys.get(host);
  if (key === undefined) {
    key = readSystemKey(hostKeysFile({ LOCAL_ISSUER_KEY_FILE: host.keyFile }));
    keys.set(host, key);
  }
  return { 'x-functions-key': key };
}

const stats = async (host: BenchHost): Promise<Stats> =>
  (await (await fetch(`${host.url}/runtime/webhooks/durabletask/local/stats`, { headers: keyHeader(host) })).json()) as Stats;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

async function start(host: BenchHost, s: Start, sent: Map<string, number>): Promise<void> {
  sent.set(s.id, Date.now());
  const res = await fetch(`${host.url}/runtime/webhooks/durabletask/orchestrators/${s.name}/${s.id}`, { method: 'POST', body: JSON.stringify(s.input), headers: keyHeader(host) });
  if (res.status !== 202) throw new Error(`start ${s.id}: ${res.status} ${await res.text()}`);
}

/** Waits until the runtime reports each of `ids` completed (its own completion times, real clock). */
async function completed(host: BenchHost, ids: string[], done: Map<string, number>): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (ids.some((id) => !done.has(id))) {
    if (Date.now() > deadline) throw new Error(`only ${done.size} of ${ids.length} orchestrations completed`);
    await new Promise((r) => setTimeout(r, 10));
    for (const c of (await stats(host)).dispatcher.completions) {
      if (ids.includes(c.instanceId) && !done.has(c.instanceId)) {
        if (c.status !== 'Completed') throw new Error(`${c.instanceId} ended ${c.status}`);
        done.set(c.instanceId, c.at);
      }
    }
  }
}

/**
 * Runs the orchestrations, all at once or one after the other, and measures them from the runtime's counters:
 * activities/s over the whole workload, start-to-completion latency per orchestration, round trips per activity.
 */
async function runWorkload(host: BenchHost, label: string, starts: Start[], rawInsertOps: number, oneByOne = false): Promise<Measurement> {
  const before = await stats(host);
  const sent = new Map<string, number>();
  const done = new Map<string, number>();
  const t0 = Date.now();
  if (oneByOne) {
    for (const s of starts) {
      await start(host, s, sent);
      await completed(host, [s.id], done);
    }
  } else {
    await Promise.all(starts.map((s) => start(host, s, sent)));
    await completed(host, starts.map((s) => s.id), done);
  }
  const after = await stats(host);
  const seconds = (Math.max(...done.values()) - t0) / 1000; // includes the HTTP starts
  const activities = after.dispatcher.activities - before.dispatcher.activities;
  const roundTrips = after.storage.requests - before.storage.requests;
  const latencies = [...done.entries()].map(([id, at]) => at - (sent.get(id) as number)).sort((a, b) => a - b);
  const perActivity = roundTrips / activities;
  const bound = rawInsertOps / perActivity;
  const activitiesPerSec = activities / seconds;
  return {
    name: label,
    concurrency: oneByOne ? 1 : starts.length,
    ops: activities,
    opsPerSec: round(activitiesPerSec),
    p50Ms: round(percentile(latencies, 50), 1),
    p99Ms: round(percentile(latencies, 99), 1),
    episodes: after.dispatcher.episodes - before.dispatcher.episodes,
    roundTrips,
    rtPerActivity: round(perActivity, 3),
    boundActPerSec: round(bound),
    vsBound: round(activitiesPerSec / bound, 3),
    replayMsPerActivity: round((after.dispatcher.replayMs - before.dispatcher.replayMs) / activities, 3),
    commitMsPerActivity: round((after.dispatcher.commitMs - before.dispatcher.commitMs) / activities, 3),
  };
}

async function rawBatch(ctx: BenchContext): Promise<Measurement> {
  const table = TableClient.fromConnectionString(ctx.azurite.connectionString, `rawbatch${benchPrefix()}`, { allowInsecureConnection: true });
  await table.createTable();
  const m = await measure('raw table batch transaction (100 inserts)', { concurrency: 4, count: 100, warmup: 10 }, (i) => {
    const actions: TransactionAction[] = Array.from({ length: 100 }, (_, k) => ['create', { partitionKey: `p${i}`, rowKey: `r${k}`, value: 'x'.repeat(100) }]);
    return table.submitTransaction(actions);
  });
  await table.deleteTable();
  return m;
}

async function rawQueue(ctx: BenchContext): Promise<Measurement[]> {
  const queue = QueueServiceClient.fromConnectionString(ctx.azurite.connectionString).getQueueClient(`rawq${benchPrefix()}`.toLowerCase());
  await queue.create();
  const send = await measure('raw queue send', { concurrency: 16, count: 2000 }, (i) => queue.sendMessage(`message ${i}`));
  const receive = await measure('raw queue receive + delete (2 round trips)', { concurrency: 16, count: 1500, warmup: 100 }, async () => {
    const got = await queue.receiveMessages({ numberOfMessages: 1 });
    const message = got.receivedMessageItems[0];
    if (message) await queue.deleteMessage(message.messageId, message.popReceipt);
  });
  await queue.delete();
  return [send, receive];
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const rawRows: Measurement[] = [];
  const sequential = await ctx.rawTable(1, 1000);
  const raw = await ctx.rawTable(16, 2000);
  rawRows.push(sequential.insert, sequential.read, raw.insert, raw.read, await rawBatch(ctx), ...(await rawQueue(ctx)));
  // A chain is sequential: its bound is the raw rate at concurrency 1; the other workloads run wide.
  const rawInsertOps = raw.insert.opsPerSec;
  const rawSequentialInsertOps = sequential.insert.opsPerSec;

  const host = await ctx.startHost({ LOCAL_APP_EXTRA_ENTRIES: 'dist/test/fixtures/apps/durable-bench.js' });
  const rows: Measurement[] = [];
  try {
    // Warm-up (JIT, table creation, lease acquisition), not reported.
    await runWorkload(host, 'warm-up', [{ name: 'BenchChain', id: 'warm-chain', input: 10 }, { name: 'BenchFanOut', id: 'warm-fan', input: 100 }], rawInsertOps);
    const chains = [1, 2, 3, 4, 5].map((k) => ({ name: 'BenchChain', id: `chain-${k}`, input: 100 }));
    rows.push(await runWorkload(host, '(a) chain of 100 sequential activities, 5 runs', chains, rawSequentialInsertOps, true));
    const fans = [1, 2, 3].map((k) => ({ name: 'BenchFanOut', id: `fan-${k}`, input: 1000 }));
    rows.push(await runWorkload(host, '(b) fan-out/fan-in of 1,000, 3 runs', fans, rawInsertOps, true));
    rows.push(
      await runWorkload(
        host,
        '(c) 200 concurrent orchestrations x 5 activities',
        Array.from({ length: 200 }, (_, i) => ({ name: 'BenchFive', id: `five-${i}`, input: null })),
        rawInsertOps,
      ),
    );
    const final = await stats(host);
    printTable('raw Azurite, same run', rawRows);
    printTable('durable runtime (activities/s, orchestration latency, storage round trips per activity)', rows);
    console.log(`\nround trips by table over the whole run: ${JSON.stringify(final.storage.byTable)}`);
    return { raw: rawRows, workloads: rows, byTable: final.storage.byTable };
  } finally {
    await host.stop();
  }
}
