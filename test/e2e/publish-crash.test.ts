/**
 * The publish pipeline through host crashes (issue 13; decision 0600): the host kills itself (SIGKILL) at a named
 * crash point (CRASH_AT) and a host restarted on the same storage carries on where it was. Killed between the
 * claim and the orchestration start, the publisher's retry meets the claimed operation (409) and starts it; killed
 * after the go-live step made the version live and before it was recorded, the restarted pipeline re-runs the step
 * without a second effect. No step's side effect happens twice: one frozen version, one test lead, one notification
 * per event. Able to fail: without the resume on the 409 path the operation stays notStarted for ever; a go-live
 * step that is not idempotent (or re-runs recorded steps) shows a second test lead or a second notification.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startTestHost } from '../fixtures/host';
import { startLeadReceiver, type LeadReceiver } from '../fixtures/lead-receiver';
import { MP, saasOffer, withField } from '../fixtures/offers';
import { startSaasHarness, until, type SaasHarness } from '../fixtures/saas-harness';

const V = 'api-version=2017-10-31';
const harnesses: SaasHarness[] = [];
const receivers: LeadReceiver[] = [];

afterAll(async () => {
  await Promise.all(harnesses.map((h) => h.host.stop('SIGKILL')));
  await Promise.all(harnesses.map((h) => h.stop()));
  await Promise.all(receivers.map((r) => r.close()));
});

async function setup(crashAt: string, offerId: string) {
  const rx = await startLeadReceiver();
  receivers.push(rx);
  const h = await startSaasHarness({ LOCAL_DURABLE_LEASE_SECONDS: '2', PUBLISH_TIME_SCALE: '0', CRASH_AT: crashAt });
  harnesses.push(h);
  const o = withField(saasOffer(offerId), ['definition', 'offer', `${MP}.httpsEndpointLeadConfiguration`], {
    httpsEndpointUrl: `${rx.url}/o/${offerId}`,
    contactEmail: 'leads@contoso.test',
  });
  expect((await h.call('PUT', `/api/publishers/contoso/offers/${offerId}?${V}`, 'contoso', { body: o })).status).toBe(201);
  return { rx, h };
}

async function restart(h: SaasHarness): Promise<void> {
  const env: Record<string, string> = { ...h.env };
  delete env['CRASH_AT'];
  h.host = await startTestHost(env);
}

async function operations(h: SaasHarness, offerId: string): Promise<Record<string, unknown>[]> {
  const res = await h.call('GET', `/api/publishers/contoso/offers/${offerId}/operations?${V}`, 'contoso');
  expect(res.status).toBe(200);
  return res.json as unknown as Record<string, unknown>[];
}

async function events(h: SaasHarness, offerId: string): Promise<string[]> {
  const res = await h.call('GET', `/api/publishers/contoso/notifications?${V}&offerId=${offerId}`, 'contoso');
  return (res.json as unknown as { event: string }[]).map((n) => n.event);
}

describe('publish pipeline across host crashes', () => {
  it('killed after the claim, before the orchestration start: the retry gets 409 and the pipeline runs, version frozen once', async () => {
    const { rx, h } = await setup('publish.submit.before-start', 'pc-start');
    const first = await h.call('POST', `/api/publishers/contoso/offers/pc-start/publish?${V}`, 'contoso').catch(() => undefined);
    expect(first).toBeUndefined(); // the connection died with the host
    await h.host.exited;
    expect(h.host.output()).toContain('CRASH_AT publish.submit.before-start');
    await restart(h);
    const [claimed] = await operations(h, 'pc-start');
    expect(claimed).toMatchObject({ status: 'notStarted', offerVersion: 1 });

    const retry = await h.call('POST', `/api/publishers/contoso/offers/pc-start/publish?${V}`, 'contoso');
    expect(retry.status).toBe(409);
    expect((retry.json['error'] as { code: string }).code).toBe('OperationInProgress');
    const done = await until('the claimed operation at sign-off', async () => {
      const ops = await operations(h, 'pc-start');
      return ops[0]?.['status'] === 'completed' ? ops : undefined;
    }, 60_000);
    expect(done).toHaveLength(1);
    expect(done[0]?.['id']).toBe(claimed?.['id']);
    expect((await h.call('GET', `/api/publishers/contoso/offers/pc-start/versions/1?${V}`, 'contoso')).status).toBe(200);
    expect((await h.call('GET', `/api/publishers/contoso/offers/pc-start?${V}`, 'contoso')).json['version']).toBe(2);
    expect(rx.received.filter((r) => r.path === '/o/pc-start')).toHaveLength(1);
    expect(await events(h, 'pc-start')).toEqual(['submitted', 'previewReady']);
  }, 120_000);

  it('killed after final-publish made the version live, before it was recorded: the restart completes the go-live, nothing twice', async () => {
    const { rx, h } = await setup('publish.step.final-publish.after-work', 'pc-live');
    const published = await h.call('POST', `/api/publishers/contoso/offers/pc-live/publish?${V}`, 'contoso');
    expect(published.status).toBe(202);
    await until('sign-off', async () => ((await operations(h, 'pc-live'))[0]?.['status'] === 'completed' ? true : undefined), 60_000);
    const go = await h.call('POST', `/api/publishers/contoso/offers/pc-live/golive?${V}`, 'contoso');
    expect(go.status).toBe(202);
    await h.host.exited;
    expect(h.host.output()).toContain('CRASH_AT publish.step.final-publish.after-work');
    await restart(h);
    // The version went live before the kill; the step is re-run and finds it live.
    const live = await until('the go-live completed', async () => {
      const res = await h.call('GET', go.headers.get('location') as string, 'contoso');
      return res.json['status'] === 'completed' ? res.json : undefined;
    }, 60_000);
    expect((live['steps'] as { id: string; status: string }[]).map((s) => [s.id, s.status])).toEqual([
      ['displaycertify', 'complete'],
      ['final-publish', 'complete'],
      ['live', 'complete'],
    ]);
    const production = await h.call('GET', `/api/publishers/contoso/offers/pc-live/slot/production?${V}`, 'contoso');
    expect(production.json['version']).toBe(1);
    expect((await h.call('GET', `/api/publishers/contoso/offers/pc-live/versions/2?${V}`, 'contoso')).json['version']).toBe(2); // the draft, never frozen twice
    expect(rx.received.filter((r) => r.path === '/o/pc-live')).toHaveLength(1);
    expect(await events(h, 'pc-live')).toEqual(['submitted', 'previewReady', 'live']);
    expect((await h.call('GET', `/api/publishers/contoso/offers/pc-live/status?${V}`, 'contoso')).json['status']).toBe('succeeded');
  }, 120_000);
});
