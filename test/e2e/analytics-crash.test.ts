/**
 * Scheduled reports across host crashes (issue 24; decision 0903), against the built host: the process kills itself
 * at a named fault point (CRASH_AT) in the scheduler, a new host starts on the same storage and clock, and the
 * report's occurrence still runs exactly once, with one callback. A version that created executions under fresh
 * ids, or that looked for an execution before writing one, would show two executions here; one that kept the
 * running state in memory would never finish the second scenario's execution.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestHost } from '../fixtures/host';
import { startSaasHarness, until, type SaasHarness } from '../fixtures/saas-harness';

const BASE = '/insights/v1/cmp';
const ALL = '?executionStatus=Pending;Running;Paused;Completed;Failed&getLatestExecution=false';
const harnesses: SaasHarness[] = [];

afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.stop();
});

async function crashing(point: string): Promise<{ h: SaasHarness; reportId: string; callbackUrl: string }> {
  const h = await startSaasHarness({ CRASH_AT: point });
  harnesses.push(h);
  await h.setNow('2031-05-01T10:00:00Z');
  const callbackUrl = h.sinkUrl.replace('/webhook', '/analytics-callback');
  const created = await h.call('POST', `${BASE}/ScheduledReport`, 'contoso', {
    body: { ReportName: 'once', QueryId: 'fd0f299c-5a1c-4929-9f48-bfc6cc44355d', ExecuteNow: true, CallbackUrl: callbackUrl },
  });
  expect(created.status, JSON.stringify(created.json)).toBe(200);
  const reportId = String((created.json['value'] as { reportId: string }[])[0]?.reportId);
  // The clock move fires the scheduler, which dies at the crash point (the move's answer may or may not come back first).
  await h.advance('PT1M').catch(() => undefined);
  await h.host.exited;
  expect(h.host.output()).toContain(`CRASH_AT ${point}`);
  const env: Record<string, string> = { ...h.env };
  delete env['CRASH_AT'];
  h.host = await startTestHost(env);
  return { h, reportId, callbackUrl };
}

async function executions(h: SaasHarness, reportId: string) {
  const res = await h.call('GET', `${BASE}/ScheduledReport/execution/${reportId}${ALL}`);
  return res.status === 200 ? (res.json['value'] as Record<string, unknown>[]) : [];
}

const callbacksFor = (h: SaasHarness, reportId: string) => h.received.filter((r) => r.body['reportId'] === reportId);

describe('analytics scheduler across crashes', () => {
  it('killed after creating the execution, before moving the report on: the restarted host runs it once', async () => {
    const { h, reportId } = await crashing('analytics.after-executions-created');
    expect((await executions(h, reportId)).map((e) => e['executionStatus'])).toEqual(['Pending']);
    await h.advance('PT1M');
    const done = await until('completed after the restart', async () => {
      const found = await executions(h, reportId);
      return found[0]?.['executionStatus'] === 'Completed' ? found : undefined;
    });
    expect(done).toHaveLength(1);
    await until('its callback', async () => (callbacksFor(h, reportId).length > 0 ? true : undefined));
    await h.advance('PT1M');
    expect(await executions(h, reportId)).toHaveLength(1);
    expect(callbacksFor(h, reportId)).toHaveLength(1);
    const report = await h.call('GET', `${BASE}/ScheduledReport?reportId=${reportId}`);
    expect((report.json['value'] as { reportStatus: string }[])[0]?.reportStatus).toBe('Inactive');
  }, 120_000);

  it('killed after writing the file: Running until its lease lapses, then run again to one Completed execution and one callback', async () => {
    const { h, reportId } = await crashing('analytics.after-file-written');
    expect((await executions(h, reportId)).map((e) => e['executionStatus'])).toEqual(['Running']);
    await h.advance('PT5M');
    expect((await executions(h, reportId)).map((e) => e['executionStatus'])).toEqual(['Running']);
    await h.advance('PT15M');
    const done = await until('completed once the lease lapsed', async () => {
      const found = await executions(h, reportId);
      return found[0]?.['executionStatus'] === 'Completed' ? found : undefined;
    });
    expect(done).toHaveLength(1);
    const lines = (await (await fetch(String(done[0]?.['reportAccessSecureLink']))).text()).split('\r\n').filter(Boolean);
    expect(lines[0]).toMatch(/^MarketplaceSubscriptionId,MonthStartDate,/);
    await until('its callback', async () => (callbacksFor(h, reportId).length > 0 ? true : undefined));
    await h.advance('PT1M');
    expect(callbacksFor(h, reportId)).toHaveLength(1);
  }, 120_000);
});
