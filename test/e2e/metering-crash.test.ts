/**
 * "Accepted means stored" across a killed host (issue 6; architecture.md, Reliability rules). The host kills
 * itself with SIGKILL at a named crash point (CRASH_AT, shared/faults.ts); a host restarted on the same storage
 * then answers the client's retry. The event is never half-accepted: either it was stored (the retry gets 409
 * with the stored event, exactly one event counts) or it was not (the retry is accepted, once).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { testEnv } from '../fixtures/host';
import { event } from '../fixtures/metering';
import { startMeteringHost, type MeteringHost } from '../fixtures/metering-host';

const V = '?api-version=2018-08-31';
const hosts: MeteringHost[] = [];
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
});

async function crashThenRestart(point: string, send: (m: MeteringHost) => Promise<unknown>) {
  const env = testEnv({ CRASH_AT: point });
  const crashing = await startMeteringHost({ env });
  hosts.push(crashing);
  await expect(send(crashing)).rejects.toThrow(); // the connection dies with the process
  await crashing.host.exited;
  expect(crashing.host.output()).toContain(`CRASH_AT ${point}`);
  const restartEnv = { ...env };
  delete restartEnv['CRASH_AT'];
  const restarted = await startMeteringHost({ env: restartEnv });
  hosts.push(restarted);
  return restarted;
}

async function countFor(m: MeteringHost, resourceId: string): Promise<number> {
  const res = await m.call('GET', `/api/usageEvents${V}&usageStartDate=2024-03-10`);
  return (res.body as { usageResourceId: string; submittedCount: number }[])
    .filter((r) => r.usageResourceId === resourceId)
    .reduce((n, r) => n + r.submittedCount, 0);
}

describe('a host killed mid-request', () => {
  it('after the insert, before the answer: the retry gets 409 with the stored event, which counts once', async () => {
    let body: Record<string, unknown> = {};
    const restarted = await crashThenRestart('after-usage-insert-before-response', async (m) => {
      const seeded = await m.seed();
      body = event(seeded.S1);
      return m.call('POST', `/api/usageEvent${V}`, { body });
    });
    const retry = await restarted.call('POST', `/api/usageEvent${V}`, { body });
    expect(retry.status).toBe(409);
    expect(retry.body).toMatchObject({
      code: 'Conflict',
      additionalInfo: {
        acceptedMessage: {
          status: 'Duplicate',
          resourceId: body['resourceId'],
          quantity: 5,
          dimension: 'email',
          effectiveStartTime: '2024-03-10T11:15:00Z',
          planId: 'basic',
        },
      },
    });
    expect(await countFor(restarted, body['resourceId'] as string)).toBe(1);
  });

  it('before the insert: nothing was stored, so the retry is accepted, once', async () => {
    let body: Record<string, unknown> = {};
    const restarted = await crashThenRestart('before-usage-insert', async (m) => {
      const seeded = await m.seed();
      body = event(seeded.S1);
      return m.call('POST', `/api/usageEvent${V}`, { body });
    });
    expect((await restarted.call('POST', `/api/usageEvent${V}`, { body })).status).toBe(200);
    expect((await restarted.call('POST', `/api/usageEvent${V}`, { body })).status).toBe(409);
    expect(await countFor(restarted, body['resourceId'] as string)).toBe(1);
  });

  it('a batch stored before the answer replays as all Duplicates', async () => {
    let request: Record<string, unknown>[] = [];
    const restarted = await crashThenRestart('after-usage-insert-before-response', async (m) => {
      const seeded = await m.seed();
      request = ['08', '09', '10'].map((h) => event(seeded.S1, { effectiveStartTime: `2024-03-10T${h}:05:00Z` }));
      return m.call('POST', `/api/batchUsageEvent${V}`, { body: { request } });
    });
    const replay = await restarted.call('POST', `/api/batchUsageEvent${V}`, { body: { request } });
    expect((replay.body as { result: { status: string }[] }).result.map((r) => r.status)).toEqual(['Duplicate', 'Duplicate', 'Duplicate']);
    expect(await countFor(restarted, request[0]?.['resourceId'] as string)).toBe(3);
  });
});
