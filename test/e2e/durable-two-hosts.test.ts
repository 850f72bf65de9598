/**
 * Two host processes on the same task hub share the work: the partitions are split between them by leases (never
 * held by both), each runs the orchestrations and activities of its own partitions, and either one accepts client
 * requests for any instance. Every orchestration completes once, with no task recorded twice.
 */
import { inject } from 'vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestHost, testEnv, type TestHost } from '../fixtures/host';
import { duplicateTasks, durableApi, rawHistory, systemKey } from '../durable/api';

const hosts: TestHost[] = [];
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
});

interface Stats {
  ownedPartitions: number[];
  dispatcher: { activities: number; episodes: number };
}

const stats = async (host: TestHost) => (await (await durableApi(host.url, systemKey(host.env)).fetch('/local/stats')).json()) as Stats;

describe('two hosts on one task hub', () => {
  it('split the partitions and complete every orchestration exactly once', { timeout: 60_000 }, async () => {
    const env = testEnv({ LOCAL_APP_EXTRA_ENTRIES: 'dist/test/fixtures/apps/durable-samples.js', LOCAL_DURABLE_LEASE_SECONDS: '2' });
    const a = await startTestHost(env);
    hosts.push(a);
    const b = await startTestHost({ ...env, PORT: '0' });
    hosts.push(b);

    // The first host took all four partitions; within a few lease rounds it hands two over to the second.
    const deadline = Date.now() + 20_000;
    let owned: [number[], number[]] = [[], []];
    while (Date.now() < deadline) {
      owned = [(await stats(a)).ownedPartitions, (await stats(b)).ownedPartitions];
      if (owned[0].length === 2 && owned[1].length === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(owned[0].length + owned[1].length).toBe(4);
    expect(owned[0].filter((p) => owned[1].includes(p))).toEqual([]);
    expect(owned[1].length).toBeGreaterThan(0);

    const ids = Array.from({ length: 24 }, (_, i) => `shared-${i}`);
    for (const [i, id] of ids.entries()) {
      const via = durableApi((i % 2 === 0 ? a : b).url, systemKey(env));
      expect((await via.start(i % 3 === 0 ? 'SampleFanOut' : 'SampleSequence', id, i % 3 === 0 ? 8 : undefined)).status).toBe(202);
    }
    const api = durableApi(a.url, systemKey(env));
    for (const [i, id] of ids.entries()) {
      const status = await api.waitFor(id);
      expect(status.runtimeStatus).toBe('Completed');
      expect(status.output).toEqual(i % 3 === 0 ? 56 : ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
      expect(duplicateTasks(await rawHistory(inject('storageConnectionString'), env['STORAGE_PREFIX'] as string, id))).toEqual([]);
    }
    // Both hosts did part of the work.
    expect((await stats(a)).dispatcher.activities).toBeGreaterThan(0);
    expect((await stats(b)).dispatcher.activities).toBeGreaterThan(0);
  });
});
