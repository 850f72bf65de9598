/**
 * "Answered means kept" under `npm start` (issue 20). The newcomer's setup: no storage configured, so the supervisor
 * runs an embedded Azurite in its own process (with its write-ahead log) and the host in another. 1,000 usage events
 * go out over 16 clients with orchestrations in flight; the host process is killed with SIGKILL mid-stream, then the
 * storage process (the one that holds the data) is killed with SIGKILL mid-stream. The supervisor starts each again.
 * Every event that was answered 200 must be stored: its resend gets 409 with the same usageEventId. Every
 * orchestration finishes. Then a clean stop takes under 3 s and leaves no error trace.
 *
 * Able to fail: with storage as the host's child (the old shape) the first kill takes the storage down too and the
 * events of the last autosave interval (5 s) are gone, so their resends are accepted again (200); with Azurite's own
 * persistence alone the storage kill loses the same window. Kills are triggered by answer counts, not by time.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { durableApi, systemKey } from '../durable/api';
import { usageThroughKills } from '../fixtures/crash-scenario';
import { startSupervised, supervisedEnv, type SupervisedHost } from '../fixtures/supervised';

const running: SupervisedHost[] = [];
afterAll(async () => {
  await Promise.all(running.map((h) => h.stop('SIGKILL')));
});

describe('npm start: a killed host or storage process loses nothing that was answered', () => {
  it('1,000 events over 16 clients through a SIGKILL of the host and one of the storage', { timeout: 240_000 }, async () => {
    const env = await supervisedEnv({ LOCAL_APP_EXTRA_ENTRIES: 'dist/test/fixtures/apps/durable-samples.js' });
    const app = await startSupervised(env);
    running.push(app);

    // Orchestrations in flight across both kills (durable timers and activities).
    const api = durableApi(app.url, systemKey(env));
    const orchestrations = Array.from({ length: 8 }, (_, i) => ({ id: `kept-${i}`, name: i % 2 ? 'SampleTimer' : 'SampleFanOut', input: i % 2 ? { seconds: 4 } : 10 }));
    const counts = await usageThroughKills(app, {
      resources: 50,
      hours: 20,
      clients: 16,
      killHostAt: 300,
      killStorageAt: 650,
      whileRunning: async () => {
        for (const o of orchestrations) expect((await api.start(o.name, o.id, o.input)).status).toBe(202);
      },
    });
    console.log(`crash safety: ${counts.events} events, ${counts.answered200} answered 200, ${counts.keptAfterRestart} kept, ${counts.lost.length} lost`);
    expect(counts.hostStarts).toBe(2);
    expect(counts.storageStarts).toBe(2);
    expect(counts.answered200).toBeGreaterThan(900);
    expect(counts.lost).toEqual([]);

    for (const o of orchestrations) {
      const status = await api.waitFor(o.id, undefined, 60_000);
      expect(status.runtimeStatus, o.id).toBe('Completed');
    }

    // A clean stop (Ctrl+C): the host first, then the storage; no error on the way (its time is in the bench).
    const before = app.output().length;
    const stopped = await app.stop('SIGINT');
    expect(stopped.code).toBe(0);
    const tail = app.output().slice(before);
    expect(tail).toContain('SIGINT received');
    expect(tail).not.toMatch(/ECONNREFUSED|Error|\n\s+at /);
  });
});
