/**
 * The crash test: 50 orchestrations of mixed shapes (chains, fan-outs, retries, sub-orchestrations with retry,
 * continue-as-new, timers, external events) run while the host is killed with SIGKILL three times: at named crash
 * points (right after an episode's history was committed, before its effects ran; after an activity ran, before its
 * result was recorded) and at a seeded random moment. After each kill a new host takes over the task hub (once
 * the dead host's partition leases expire). Every orchestration must complete with the right output, and no
 * history may contain a task scheduled or completed twice.
 *
 * Able to fail: without re-dispatching open activities and timers on load the orchestrations hang and the deadline
 * fails the test; without the fenced single-transaction commit (sentinel If-Match + rows + consumed inbox) a kill
 * between writes leaves duplicated or missing events, which `duplicateTasks` or the outputs catch. The random kill
 * uses DURABLE_CRASH_SEED when set (the seed is printed, so a failing run can be replayed).
 */
import { inject } from 'vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestHost, testEnv, type TestHost } from '../fixtures/host';
import { duplicateTasks, durableApi, rawHistory, systemKey } from '../durable/api';

const hosts: TestHost[] = [];
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.stop('SIGKILL')));
});

/** mulberry32: a small seeded PRNG, so a random kill time can be reproduced from the logged seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Shape {
  name: string;
  input?: unknown;
  expected: (id: string) => unknown;
  event?: { name: string };
}

const shapes: Shape[] = [
  { name: 'SampleSequence', expected: () => ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'] },
  { name: 'SampleFanOut', input: 12, expected: () => 132 },
  { name: 'SampleRetry', input: { failures: 1, attempts: 6 }, expected: (id) => `ok-${id}` },
  { name: 'SampleParent', expected: (id) => ({ plain: ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'], named: 12, retried: `ok-${id}-key` }) },
  { name: 'SampleLoop', input: 0, expected: () => 8 },
  { name: 'SampleTimer', input: { seconds: 1 }, expected: () => expect.objectContaining({ start: expect.any(String) }) as unknown },
  { name: 'SampleApproval', expected: (id) => ({ approved: id }), event: { name: 'Approval' } },
  { name: 'SampleDeterminism', expected: () => expect.objectContaining({ replaying: [true, true, false] }) as unknown },
];

function inputFor(shape: Shape, id: string): unknown {
  if (shape.name === 'SampleRetry') return { key: id, failures: 1, attempts: 6 };
  if (shape.name === 'SampleParent') return `${id}-key`;
  return shape.input;
}

describe('crash test', () => {
  it('completes 50 orchestrations of mixed shapes correctly through three SIGKILLs', { timeout: 110_000 }, async () => {
    const seed = Number(process.env['DURABLE_CRASH_SEED'] ?? Date.now() % 1_000_000);
    console.log(`durable crash test: DURABLE_CRASH_SEED=${seed}`);
    const random = prng(seed);
    const base = testEnv({ LOCAL_APP_EXTRA_ENTRIES: 'dist/test/fixtures/apps/durable-samples.js', LOCAL_DURABLE_LEASE_SECONDS: '2' });
    const ids = Array.from({ length: 50 }, (_, i) => `crash-${i}`);
    const shapeOf = (i: number) => shapes[i % shapes.length] as Shape;
    const accepted = new Set<string>();

    const startAll = async (host: TestHost) => {
      const api = durableApi(host.url, systemKey(host.env));
      for (const [i, id] of ids.entries()) {
        if (accepted.has(id)) continue;
        const shape = shapeOf(i);
        const res = await api.start(shape.name, id, inputFor(shape, id)).catch(() => undefined);
        if (!res) return; // the host died under us
        // 409: it exists already (accepted before a crash whose answer got lost).
        if (res.status === 202 || res.status === 409) accepted.add(id);
      }
    };
    const untilExit = async (host: TestHost, deadlineMs: number) => {
      const code = await Promise.race([host.exited, new Promise<'alive'>((r) => setTimeout(() => r('alive'), deadlineMs))]);
      return code;
    };

    // 1. Crash right after an episode's history commit, before its effects (activities, timers, view) ran.
    const first = await startTestHost({ ...base, CRASH_AT: 'after-history-append@40' });
    hosts.push(first);
    await startAll(first);
    expect(await untilExit(first, 30_000)).not.toBe('alive');
    expect(first.output()).toMatch(/CRASH_AT after-history-append/);

    // 2. Crash after an activity ran and before its result was recorded.
    const second = await startTestHost({ ...base, CRASH_AT: 'after-activity-before-result@15' });
    hosts.push(second);
    await startAll(second);
    expect(await untilExit(second, 30_000)).not.toBe('alive');
    expect(second.output()).toMatch(/CRASH_AT after-activity-before-result/);

    // 3. SIGKILL at a seeded random moment while work is going on.
    const third = await startTestHost(base);
    hosts.push(third);
    await startAll(third);
    await new Promise((r) => setTimeout(r, 100 + Math.floor(random() * 900)));
    await third.stop('SIGKILL');

    // 4. A last host finishes everything.
    const last = await startTestHost(base);
    hosts.push(last);
    await startAll(last);
    expect(accepted.size).toBe(50);
    const api = durableApi(last.url, systemKey(last.env));
    for (const [i, id] of ids.entries()) {
      const shape = shapeOf(i);
      if (shape.event) {
        await api.waitFor(id, (s) => s.runtimeStatus === 'Running' && (s.historyEvents ?? []).some((e) => e['EventType'] === 'TimerCreated'), 60_000);
        // A raise lost to a crash is repeated by its caller; one that landed twice is consumed once.
        expect((await api.raise(id, shape.event.name, id)).status).toBe(202);
      }
    }
    const connection = inject('storageConnectionString');
    for (const [i, id] of ids.entries()) {
      const status = await api.waitFor(id, undefined, 60_000);
      expect(status.runtimeStatus, id).toBe('Completed');
      expect(status.output, id).toEqual(shapeOf(i).expected(id));
      expect(duplicateTasks(await rawHistory(connection, base['STORAGE_PREFIX'] as string, id)), id).toEqual([]);
    }
  });
});
