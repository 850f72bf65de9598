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
import { createStorage } from '../../shared/storage/clients';
import { TablePlanDimensions } from '../../shared/metering/store/plans-table';
import { TableResourceDirectory } from '../../shared/metering/store/resources-table';
import { durableApi, systemKey } from '../durable/api';
import { NOW, P1, saas, seedPlans } from '../fixtures/metering';
import { startSupervised, supervisedEnv, type SupervisedHost } from '../fixtures/supervised';
import { operatorRequest, publisherRequest, tokenFor } from '../fixtures/tokens';

const V = '?api-version=2018-08-31';
const RESOURCES = 50;
const HOURS = 20;
const CLIENTS = 16;

const running: SupervisedHost[] = [];
afterAll(async () => {
  await Promise.all(running.map((h) => h.stop('SIGKILL')));
});

interface Sent {
  body: Record<string, unknown>;
  /** The usageEventId of the first 200 answer, if one came. */
  acceptedId?: string;
}

describe('npm start: a killed host or storage process loses nothing that was answered', () => {
  it('1,000 events over 16 clients through a SIGKILL of the host and one of the storage', { timeout: 240_000 }, async () => {
    const env = await supervisedEnv({ LOCAL_APP_EXTRA_ENTRIES: 'dist/test/fixtures/apps/durable-samples.js' });
    const app = await startSupervised(env);
    running.push(app);
    const storage = createStorage({ kind: 'connectionString', connectionString: app.connectionString(), prefix: env['STORAGE_PREFIX'] as string });
    const keyFile = env['LOCAL_ISSUER_KEY_FILE'] as string;
    const at = new Date(NOW);
    const token = await tokenFor(keyFile, publisherRequest(P1), { now: at, lifetimeSeconds: 10 * 365 * 86400 });
    const operator = await tokenFor(keyFile, operatorRequest(), { now: at, lifetimeSeconds: 10 * 365 * 86400 });

    const call = async (method: string, path: string, body?: unknown, bearer = token) =>
      fetch(`${app.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    expect((await call('PUT', '/api/admin/clock', { now: NOW }, operator)).status).toBe(200);

    const resources = new TableResourceDirectory(() => storage.table('MeteredResources'));
    const ids = Array.from({ length: RESOURCES }, () => crypto.randomUUID());
    await Promise.all([seedPlans(new TablePlanDimensions(() => storage.table('MeteredPlans'))), ...ids.map((id) => resources.put(saas(id, 'basic', { term: { termUnit: 'P1M', startDate: '2024-03-01' } })))]);

    // Orchestrations in flight across both kills (durable timers and activities).
    const api = durableApi(app.url, systemKey(env));
    const orchestrations = Array.from({ length: 8 }, (_, i) => ({ id: `kept-${i}`, name: i % 2 ? 'SampleTimer' : 'SampleFanOut', input: i % 2 ? { seconds: 4 } : 10 }));
    for (const o of orchestrations) expect((await api.start(o.name, o.id, o.input)).status).toBe(202);

    const sent: Sent[] = [];
    for (let h = 0; h < HOURS; h++) {
      const hour = new Date(Date.parse('2024-03-10T12:00:00Z') - h * 3600_000).toISOString().replace('.000Z', 'Z');
      for (const id of ids) sent.push({ body: { resourceId: id, quantity: 1 + h, dimension: 'email', effectiveStartTime: hour, planId: 'basic' } });
    }

    let answered = 0;
    const kills: Promise<void>[] = [];
    const killAt = new Map<number, () => Promise<void>>([
      // The host process: the supervisor starts another against the same storage.
      [300, async () => {
        process.kill((app.ready.host[0] as { pid: number }).pid, 'SIGKILL');
        await app.hostReady(2);
      }],
      // The storage process: started again on the same ports and data.
      [650, async () => {
        process.kill((app.ready.storage[0] as { pid: number }).pid, 'SIGKILL');
        await app.storageReady(2);
      }],
    ]);
    let next = 0;
    const client = async () => {
      for (;;) {
        const item = sent[next++];
        if (!item) return;
        // Retry until the event has an answer that says what happened to it (200 or 409).
        for (let attempt = 0; ; attempt++) {
          const res = await call('POST', `/api/usageEvent${V}`, item.body).catch(() => undefined);
          if (res?.status === 200) {
            item.acceptedId = ((await res.json()) as { usageEventId: string }).usageEventId;
            break;
          }
          if (res?.status === 409) break;
          await res?.text();
          expect(attempt, `event ${JSON.stringify(item.body)} never answered`).toBeLessThan(200);
          await new Promise((r) => setTimeout(r, 100));
        }
        answered += 1;
        const kill = killAt.get(answered);
        if (kill) kills.push(kill());
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    await Promise.all(kills);
    expect(app.ready.host.length).toBe(2);
    expect(app.ready.storage.length).toBe(2);

    const accepted = sent.filter((s) => s.acceptedId);
    expect(accepted.length).toBeGreaterThan(900);
    const lost: string[] = [];
    for (const item of accepted) {
      const res = await call('POST', `/api/usageEvent${V}`, item.body);
      const body = (await res.json()) as { additionalInfo?: { acceptedMessage?: { usageEventId?: string } } };
      if (res.status !== 409 || body.additionalInfo?.acceptedMessage?.usageEventId !== item.acceptedId) lost.push(item.acceptedId as string);
    }
    console.log(`crash safety: ${sent.length} events, ${accepted.length} answered 200, ${accepted.length - lost.length} kept, ${lost.length} lost`);
    expect(lost).toEqual([]);

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
