/**
 * Test drives over HTTP against the built host (issue 14; specs/testdrive.md §4): the offer's test drive goes live
 * with it, the operator fills the pool, a customer is served hot at once (sign-in and outputs only to them, never
 * in the operators' views), a retry answers the same drive, the lead is captured through the leads capability,
 * the next customer is served warm, the customer ends a drive, the drive's durable timer ends the other after a
 * clock move, and bad requests are 4xx that change nothing. Crash: a host killed between a drive's end and its
 * instance's delete, restarted on the same storage, deletes it through the cleanup. No test sleeps: reads poll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost } from '../fixtures/host';
import { MP, saasOffer, withField } from '../fixtures/offers';
import { startSaasHarness, until, type SaasHarness, type Who } from '../fixtures/saas-harness';

const TD = 'microsoft-azure-marketplace-testdrive';
const A: Who = { customer: ['fabrikam', 'buyer-a'] };
const B: Who = { customer: ['fabrikam', 'buyer-b'] };
const C: Who = { customer: ['northwind', 'buyer-c'] };

const configuration = {
  regions: ['westus2'],
  instances: { hot: 1, warm: 1, cold: 0 },
  durationHours: 2,
  template: {
    parameters: {
      adminUser: { type: 'string', metadata: { type: 'username' } },
      adminPassword: { type: 'securestring', metadata: { type: 'password' } },
    },
    outputs: { user: { type: 'string', value: "[parameters('adminUser')]" } },
  },
  azureSubscriptionId: '6a2b9a49-2d1e-4c8f-8d1e-0a1b2c3d4e5f',
  description: 'Your lab is being prepared.',
  accessInformation: 'Sign in with the user name and password below.',
  aadAppSecret: 'no-secret',
};

const harnesses: SaasHarness[] = [];
let h: SaasHarness;

async function publish(target: SaasHarness, id: string, config: unknown) {
  let o = saasOffer(id);
  o = withField(o, ['definition', 'offer', `${TD}.enabled`], true);
  o = withField(o, ['definition', 'offer', `${TD}.configuration`], config as never);
  o = withField(o, ['definition', 'offer', `${MP}.leadDestination`], 'None');
  const put = await target.call('PUT', `/api/publishers/contoso/offers/${id}?api-version=2017-10-31`, 'contoso', { body: o });
  expect(put.status, JSON.stringify(put.json)).toBe(201);
  expect((await target.call('POST', `/api/admin/offers/contoso/${id}/freeze`, 'operator')).status).toBe(201);
}

async function start(overrides: Record<string, string> = {}) {
  const harness = await startSaasHarness({
    TESTDRIVE_SIM_DEPLOY_SECONDS: '0',
    TESTDRIVE_SIM_STOP_SECONDS: '0',
    TESTDRIVE_SIM_START_SECONDS: '0',
    TESTDRIVE_SIM_DELETE_SECONDS: '0',
    TESTDRIVE_CLEANUP_SCHEDULE: '0 0 0 1 1 *',
    ...overrides,
  });
  harnesses.push(harness);
  return harness;
}

const body = (offerId: string, over: Record<string, unknown> = {}) => ({
  publisherId: 'contoso',
  offerId,
  UserDetails: { FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@fabrikam.test', Country: 'GB' },
  Consent: { Given: true, At: '2026-01-01T12:00:00Z' },
  ...over,
});

beforeAll(async () => {
  h = await start();
  await publish(h, 'td-app', configuration);
  await publish(h, 'td-bad', { ...configuration, durationHours: 1.5 });
}, 120_000);

afterAll(async () => {
  await Promise.all(harnesses.map((x) => x.stop()));
});

describe('test drives over HTTP', () => {
  it('serves hot, then warm; shows the sign-in only to its customer; one lead; ends by the customer and by its timer', async () => {
    const fill = await h.call('POST', '/api/admin/testdrive/pools/contoso/td-app/reconcile', 'operator');
    expect(fill.status, JSON.stringify(fill.json)).toBe(200);
    await h.call('POST', '/api/admin/testdrive/pools/contoso/td-app/reconcile', 'operator');
    const pool = await h.call('GET', '/api/admin/testdrive/pools/contoso/td-app', 'operator');
    expect(pool.json['instanceStates']).toEqual({ ReadyHot: 1, ReadyWarm: 1 });

    const first = await h.call('POST', '/api/storefront/testdrives', A, { body: body('td-app') });
    expect(first.status, JSON.stringify(first.json)).toBe(201);
    expect(first.json).toMatchObject({ state: 'Active', tier: 'hot', region: 'westus2', durationHours: 2, accessInformation: configuration.accessInformation });
    const id = first.json['id'] as string;
    expect(first.headers.get('location')).toBe(`/api/storefront/testdrives/${id}`);
    const access = first.json['access'] as { username: string; password: string; sessionId: string };
    expect(access.username).toMatch(/^admin\d{5}$/);
    expect(access.password).toHaveLength(16);
    expect(first.json['outputs']).toEqual({ user: access.username });

    const retry = await h.call('POST', '/api/storefront/testdrives', A, { body: body('td-app') });
    expect(retry.status).toBe(200);
    expect(retry.json['id']).toBe(id);

    expect((await h.call('GET', `/api/storefront/testdrives/${id}`, C)).status).toBe(404);
    const mine = await h.call('GET', `/api/storefront/testdrives/${id}`, A);
    expect(mine.status).toBe(200);
    expect((mine.json['access'] as { password: string }).password).toBe(access.password);
    const admin = await h.call('GET', '/api/admin/testdrive/pools/contoso/td-app', 'operator');
    expect(JSON.stringify(admin.json)).not.toContain(access.password);
    expect((admin.json['drives'] as { id: string; leadId: string | null }[]).find((d) => d.id === id)?.leadId).toEqual(expect.any(String));
    expect(h.host.output()).not.toContain(access.password);

    const leads = await h.call('GET', '/api/publishers/contoso/offers/td-app/leads?limit=100', 'contoso');
    expect(leads.status).toBe(200);
    const items = leads.json['items'] as { lead: { leadSource?: string } }[];
    expect(items).toHaveLength(1);
    expect(JSON.stringify(items[0])).toContain('StartTestDrive');

    const second = await h.call('POST', '/api/storefront/testdrives', B, { body: body('td-app', { storefront: 'AppSource' }) });
    expect(second.status, JSON.stringify(second.json)).toBe(201);
    expect(second.json).toMatchObject({ tier: 'warm', state: 'Active' });

    const ended = await h.call('POST', `/api/storefront/testdrives/${id}/end`, A);
    expect(ended.status).toBe(200);
    expect(ended.json).toMatchObject({ state: 'Ended', endReason: 'user' });
    expect(ended.json['access']).toBeUndefined();

    await h.advance('PT2H');
    const expired = await until('the drive ended by its timer', async () => {
      const r = await h.call('GET', `/api/storefront/testdrives/${second.json['id'] as string}`, B);
      return r.json['state'] === 'Ended' ? r.json : undefined;
    });
    expect(expired).toMatchObject({ endReason: 'expired' });

    const report = await h.call('POST', '/api/admin/testdrive/cleanup', 'operator');
    expect(report.status).toBe(200);
    expect(report.json).toMatchObject({ pools: 1, errors: [] });
    const last = await h.call('GET', '/api/admin/testdrive/cleanup', 'operator');
    expect(last.json).toEqual(report.json);
    const pools = await h.call('GET', '/api/admin/testdrive/pools', 'operator');
    expect(pools.json['value']).toEqual([expect.objectContaining({ offerId: 'td-app', testDrive: 'enabled' })]);
  }, 120_000);

  it('answers bad requests with 4xx and changes nothing', async () => {
    const noConsent = await h.call('POST', '/api/storefront/testdrives', C, { body: { ...body('td-app'), Consent: undefined } });
    expect(noConsent.status).toBe(400);
    const unknown = await h.call('POST', '/api/storefront/testdrives', C, { body: { ...body('td-app'), extra: 1 } });
    expect(unknown.status).toBe(400);
    expect((await h.call('POST', '/api/storefront/testdrives', C, { body: body('td-none') })).status).toBe(404);
    const invalid = await h.call('POST', '/api/storefront/testdrives', C, { body: body('td-bad') });
    expect(invalid.status).toBe(409);
    expect(JSON.stringify(invalid.json)).toContain('TestDriveNotAvailable');
    expect((await h.call('POST', '/api/storefront/testdrives', 'contoso', { body: body('td-app') })).status).toBe(403);
    expect((await h.call('GET', '/api/admin/testdrive/pools', A)).status).toBe(403);
    expect((await h.call('GET', '/api/storefront/testdrives/not-a-drive', C)).status).toBe(404);
    const bad = await h.call('GET', '/api/admin/testdrive/pools/contoso/td-bad', 'operator');
    expect(bad.status).toBe(404);
  });

  it('a host killed between a drive end and the delete: the restarted host deletes the instance, no leak', async () => {
    const crash = await start({ CRASH_AT: 'testdrive.deprovision.before-delete' });
    await publish(crash, 'td-crash', { ...configuration, instances: { hot: 1, warm: 0, cold: 0 } });
    expect((await crash.call('POST', '/api/admin/testdrive/pools/contoso/td-crash/reconcile', 'operator')).status).toBe(200);
    const drive = await crash.call('POST', '/api/storefront/testdrives', A, { body: body('td-crash') });
    expect(drive.status).toBe(201);
    void crash.call('POST', `/api/storefront/testdrives/${drive.json['id'] as string}/end`, A).catch(() => undefined);
    await crash.host.exited;
    expect(crash.host.output()).toContain('CRASH_AT testdrive.deprovision.before-delete');
    const env: Record<string, string> = { ...crash.env };
    delete env['CRASH_AT'];
    crash.host = await startTestHost(env);
    const report = await crash.call('POST', '/api/admin/testdrive/cleanup', 'operator');
    expect(report.status, JSON.stringify(report.json)).toBe(200);
    const pool = await crash.call('GET', '/api/admin/testdrive/pools/contoso/td-crash', 'operator');
    const instances = pool.json['instanceList'] as { instanceId: string; state: string; driveId: string | null }[];
    expect(instances.find((i) => i.driveId === drive.json['id'])?.state).toBe('Deleted');
    expect((pool.json['drives'] as { state: string }[])[0]?.state).toBe('Ended');
    // The pool refilled its hot slot, and every live instance is accounted for.
    expect(pool.json['instanceStates']).toEqual({ Deleted: 1, ReadyHot: 1 });
  }, 120_000);
});
