/**
 * The Durable Functions HTTP API of the local host, over HTTP: what `df.getClient(context)` calls (through the
 * fixture's starter and client-operation routes, so the SDK's own client is exercised) and the management URLs
 * of createCheckStatusResponse. Status codes follow the Durable extension's HttpApiHandler.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, testEnv, type TestHost } from '../fixtures/host';
import { durableApi, systemKey, WEBHOOK, type Status } from '../durable/api';

let host: TestHost;
let api: ReturnType<typeof durableApi>;
let n = 0;
const id = (name: string) => `${name}-${++n}`;

beforeAll(async () => {
  host = await startTestHost(testEnv({ LOCAL_APP_EXTRA_ENTRIES: 'dist/test/fixtures/apps/durable-samples.js', LOCAL_DURABLE_LEASE_SECONDS: '2' }));
  api = durableApi(host.url, systemKey(host.env));
});

afterAll(async () => {
  await host?.stop();
});

const sdk = (op: string, instanceId: string, body: unknown = {}) =>
  fetch(`${host.url}/api/test/durable/ops/${op}/${encodeURIComponent(instanceId)}`, { method: 'POST', body: JSON.stringify(body) });

describe('starting through the SDK client', () => {
  it('answers createCheckStatusResponse with working URLs on the origin the caller used', async () => {
    const instance = id('http-start');
    const origin = host.url.replace('127.0.0.1', 'localhost');
    const res = await fetch(`${origin}/api/test/durable/start/SampleSequence/${instance}`, { method: 'POST' });
    expect(res.status).toBe(202);
    const body = (await res.json()) as Record<string, string>;
    expect(body['id']).toBe(instance);
    expect(res.headers.get('location')).toBe(body['statusQueryGetUri']);
    for (const key of ['statusQueryGetUri', 'sendEventPostUri', 'terminatePostUri', 'purgeHistoryDeleteUri', 'suspendPostUri', 'resumePostUri']) {
      expect(body[key]).toMatch(new RegExp(`^${origin}${WEBHOOK}/instances/${instance}`));
    }
    const deadline = Date.now() + 10_000;
    let status: Response;
    do {
      status = await fetch(body['statusQueryGetUri'] as string);
      if (status.status === 200) break;
      expect(status.status).toBe(202);
      expect(status.headers.get('retry-after')).toBe('5');
      await new Promise((r) => setTimeout(r, 50));
    } while (Date.now() < deadline);
    expect(status.status).toBe(200);
    expect(((await status.json()) as Status).output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  });

  it('builds createHttpManagementPayload URLs that point at this host, not localhost:7071', async () => {
    const res = await sdk('payload', 'some-instance');
    const payload = (await res.json()) as Record<string, string>;
    expect(payload['statusQueryGetUri']).toBe(`${host.url}${WEBHOOK}/instances/some-instance?taskHub=TestHubName&connection=Storage&code=${systemKey(host.env)}`);
  });
});

describe('start with a chosen instance id', () => {
  it('lets exactly one of two concurrent starts of the same id through', async () => {
    const instance = id('twice');
    const results = await Promise.all([api.start('SampleWait', instance), api.start('SampleWait', instance)]);
    expect(results.map((r) => r.status).sort()).toEqual([202, 409]);
    const conflict = results.find((r) => r.status === 409);
    expect(await conflict?.json()).toEqual({ Message: expect.stringMatching(/already exists/) });
  });

  it('starts a finished instance again as a new execution', async () => {
    const instance = id('again');
    expect((await api.start('SampleSequence', instance)).status).toBe(202);
    await api.waitFor(instance);
    expect((await api.start('SampleFanOut', instance, 3)).status).toBe(202);
    const status = await api.waitFor(instance);
    expect(status).toMatchObject({ name: 'SampleFanOut', output: 6, input: 3 });
  });

  it.each([
    ['an id with a #', 'SampleSequence', 'bad%23id', '', 400, /must not contain/],
    ['an id starting with @', 'SampleSequence', '@entity', '', 400, /must not start with @/],
    ['an unknown orchestrator', 'NoSuchOrchestrator', 'x1', '', 400, /doesn't exist/],
    ['an activity as orchestrator', 'SampleSayHello', 'x2', '', 400, /not an orchestrator function/],
    ['a body that is not JSON', 'SampleSequence', 'x3', '{oops', 400, /Invalid JSON content/],
  ])('refuses %s with %i and changes nothing', async (_case, name, instance, body, status, message) => {
    const res = await api.fetch(`/orchestrators/${name}/${instance}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { Message: string }).Message).toMatch(message);
    expect((await api.status(decodeURIComponent(instance))).status).toBe(404);
  });
});

describe('status and queries', () => {
  it('answers 404 for an unknown instance and validates its options', async () => {
    expect((await api.status('nobody-here')).status).toBe(404);
    const bad = await api.status('nobody-here', '?showHistory=maybe');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { Message: string }).Message).toMatch(/showHistory/);
  });

  it('shows input only when asked and history only with showHistory', async () => {
    const instance = id('options');
    expect((await api.start('SampleFanOut', instance, 2)).status).toBe(202);
    await api.waitFor(instance);
    const plain = (await (await api.status(instance)).json()) as Status;
    expect(plain).toMatchObject({ input: 2, output: 2, runtimeStatus: 'Completed' });
    expect(plain.historyEvents).toBeUndefined();
    expect(plain.createdTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const noInput = (await (await api.status(instance, '?showInput=false')).json()) as Status;
    expect(noInput.input).toBeNull();
    const withHistory = (await (await api.status(instance, '?showHistory=true')).json()) as Status;
    expect(withHistory.historyEvents?.[1]).not.toHaveProperty('Result');
    const withOutput = (await (await api.status(instance, '?showHistory=true&showHistoryOutput=true')).json()) as Status;
    expect(withOutput.historyEvents?.[1]).toMatchObject({ EventType: 'TaskCompleted', Result: expect.any(Number) });
  });

  it('queries by prefix, status and creation time, page by page with continuation tokens', async () => {
    const prefix = `${id('query')}-`;
    for (let i = 0; i < 5; i++) expect((await api.start('SampleSequence', `${prefix}${i}`)).status).toBe(202);
    for (let i = 0; i < 5; i++) await api.waitFor(`${prefix}${i}`);
    const seen: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const res: Response = await api.fetch(`/instances?instanceIdPrefix=${prefix}&runtimeStatus=Completed&top=2`, {
        headers: token ? { 'x-ms-continuation-token': token } : {},
      });
      expect(res.status).toBe(200);
      const page = (await res.json()) as Status[];
      expect(page.length).toBeLessThanOrEqual(2);
      seen.push(...page.map((s) => s.instanceId));
      token = res.headers.get('x-ms-continuation-token');
      pages += 1;
    } while (token && pages < 10);
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `${prefix}${i}`));
    expect(pages).toBeGreaterThanOrEqual(3);
    const future = new Date(Date.now() + 86400_000).toISOString();
    const none = await api.fetch(`/instances?instanceIdPrefix=${prefix}&createdTimeFrom=${future}`);
    expect(await none.json()).toEqual([]);
    // The SDK's getStatusBy follows the continuation tokens by itself.
    const listed = (await (await sdk('list', 'any', { prefix })).json()) as string[];
    expect(listed.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `${prefix}${i}`));
  });

  it.each([
    ['runtimeStatus=Bogus', /runtimeStatus/],
    ['top=0', /top/],
    ['createdTimeFrom=yesterday', /createdTimeFrom/],
  ])('refuses a query with %s', async (query, message) => {
    const res = await api.fetch(`/instances?${query}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { Message: string }).Message).toMatch(message);
  });
});

describe('events, terminate, suspend and resume', () => {
  it('raises an event through the SDK client and the orchestration completes with its data', async () => {
    const instance = id('wait');
    expect((await api.start('SampleWait', instance)).status).toBe(202);
    expect((await sdk('raise', instance, { event: 'Go', data: { n: 7 } })).status).toBe(202);
    expect((await api.waitFor(instance)).output).toEqual({ n: 7 });
  });

  it('answers 404 for an unknown instance, 410 once it has finished, 400 for content that is not JSON', async () => {
    expect((await api.raise('nobody-here', 'Go', 1)).status).toBe(404);
    const instance = id('done');
    expect((await api.start('SampleSequence', instance)).status).toBe(202);
    await api.waitFor(instance);
    expect((await api.raise(instance, 'Go', 1)).status).toBe(410);
    expect((await api.post(instance, 'terminate', 'late')).status).toBe(410);
    const waiting = id('wait');
    expect((await api.start('SampleWait', waiting)).status).toBe(202);
    const text = await api.fetch(`/instances/${waiting}/raiseEvent/Go`, { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(400);
    expect((await api.post(waiting, 'terminate', 'cleanup')).status).toBe(202);
  });

  it('suspends (buffering events) and resumes', async () => {
    const instance = id('suspend');
    expect((await api.start('SampleWait', instance)).status).toBe(202);
    await api.waitFor(instance, (s) => s.runtimeStatus === 'Running');
    expect((await sdk('suspend', instance, { reason: 'pause' })).status).toBe(202);
    await api.waitFor(instance, (s) => s.runtimeStatus === 'Suspended');
    expect((await api.post(instance, 'suspend', 'again')).status).toBe(202); // redundant: no effect
    expect((await api.raise(instance, 'Go', 'later')).status).toBe(202);
    const held = (await (await api.status(instance)).json()) as Status;
    expect(held.runtimeStatus).toBe('Suspended');
    expect((await sdk('resume', instance, { reason: 'go on' })).status).toBe(202);
    const status = await api.waitFor(instance);
    expect(status.output).toBe('later');
    expect(status.historyEvents?.map((e) => e['EventType'])).toEqual(['ExecutionStarted', 'ExecutionSuspended', 'ExecutionResumed', 'EventRaised', 'ExecutionCompleted']);
  });

  it('terminates with the reason as output', async () => {
    const instance = id('terminate');
    expect((await api.start('SampleWait', instance)).status).toBe(202);
    expect((await sdk('terminate', instance, { reason: 'no longer needed' })).status).toBe(202);
    const status = await api.waitFor(instance);
    expect(status).toMatchObject({ runtimeStatus: 'Terminated', output: 'no longer needed' });
  });
});

describe('purge', () => {
  it('refuses to purge a running instance, purges a finished one, then answers 404', async () => {
    const instance = id('purge');
    expect((await api.start('SampleWait', instance)).status).toBe(202);
    const running = await api.fetch(`/instances/${instance}`, { method: 'DELETE' });
    expect(running.status).toBe(412);
    expect((await api.post(instance, 'terminate', 'done')).status).toBe(202);
    await api.waitFor(instance);
    expect(await (await sdk('purge', instance)).json()).toEqual({ instancesDeleted: 1 });
    expect((await api.status(instance)).status).toBe(404);
    expect(await (await sdk('purge', instance)).json()).toEqual({ instancesDeleted: 0 });
  });

  it('purges finished instances by creation time and status', async () => {
    const from = new Date(Date.now() - 1000).toISOString();
    const prefix = `${id('bulk')}-`;
    for (let i = 0; i < 3; i++) expect((await api.start('SampleSequence', `${prefix}${i}`)).status).toBe(202);
    for (let i = 0; i < 3; i++) await api.waitFor(`${prefix}${i}`);
    const missing = await api.fetch('/instances', { method: 'DELETE' });
    expect(missing.status).toBe(400);
    const res = await api.fetch(`/instances?createdTimeFrom=${from}&runtimeStatus=Completed`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { instancesDeleted: number }).instancesDeleted).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < 3; i++) expect((await api.status(`${prefix}${i}`)).status).toBe(404);
  });
});

describe('what the local host does not support', () => {
  it.each([
    ['rewind', 'POST', '/instances/x/rewind'],
    ['entities', 'GET', '/entities/counter/a'],
  ])('answers %s with 501', async (_what, method, path) => {
    expect((await api.fetch(path, { method })).status).toBe(501);
  });
});
