/**
 * The Durable HTTP API requires the host's system key (issue 20, decision 0204), over HTTP against the real host:
 * every route answers 401 without the key or with a wrong one and changes nothing (read back with the key), the
 * key works as `code=` and as `x-functions-key`, the links createCheckStatusResponse hands out carry it, and the
 * key file is created on first start with mode 0600 and reused by the next start.
 */
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostKeysFile } from '../../local/host-keys';
import { startTestHost, testEnv, type TestHost } from '../fixtures/host';
import { durableApi, systemKey, WEBHOOK, type Status } from '../durable/api';

let host: TestHost;
let env: Record<string, string>;
let key: string;
let api: ReturnType<typeof durableApi>;
let n = 0;
const id = (name: string) => `${name}-${++n}`;
/** A secret input: a 401 body must never show it. */
const SECRET = 'input-that-must-not-leak';
const WRONG = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==';

beforeAll(async () => {
  env = testEnv({ LOCAL_APP_EXTRA_ENTRIES: 'dist/test/fixtures/apps/durable-samples.js', LOCAL_DURABLE_LEASE_SECONDS: '2' });
  host = await startTestHost(env);
  key = systemKey(env);
  api = durableApi(host.url, key);
});

afterAll(async () => {
  await host?.stop();
});

/** Starts SampleWait (it waits for the event Go) with the secret input and waits until it runs. */
async function waiting(name = 'locked'): Promise<string> {
  const instance = id(name);
  expect((await api.start('SampleWait', instance, SECRET)).status).toBe(202);
  await api.waitFor(instance, (s) => s.runtimeStatus === 'Running');
  return instance;
}

/** A finished instance (terminated with the key), for the routes that act on finished instances only. */
async function finished(name = 'done'): Promise<string> {
  const instance = await waiting(name);
  expect((await api.post(instance, 'terminate', 'finish')).status).toBe(202);
  await api.waitFor(instance);
  return instance;
}

const read = async (instance: string) => (await api.status(instance, '?showHistory=true')).json() as Promise<Status>;

/** One request per route, unauthenticated: path (with query) under the API, method and body. */
interface Attempt {
  route: string;
  path(instance: string): string;
  method: string;
  body?: string;
  /** The instance the attempt targets must be finished (purge) rather than running. */
  needsFinished?: boolean;
}

const attempts: Attempt[] = [
  { route: 'instances list', path: () => `/instances?showInput=true`, method: 'GET' },
  { route: 'status', path: (i) => `/instances/${i}?showInput=true&showHistory=true&showHistoryOutput=true`, method: 'GET' },
  { route: 'raiseEvent', path: (i) => `/instances/${i}/raiseEvent/Go`, method: 'POST', body: JSON.stringify('forged') },
  { route: 'terminate', path: (i) => `/instances/${i}/terminate?reason=forged`, method: 'POST' },
  { route: 'suspend', path: (i) => `/instances/${i}/suspend?reason=forged`, method: 'POST' },
  { route: 'resume', path: (i) => `/instances/${i}/resume?reason=forged`, method: 'POST' },
  { route: 'rewind', path: (i) => `/instances/${i}/rewind?reason=forged`, method: 'POST' },
  { route: 'restart', path: (i) => `/instances/${i}/restart`, method: 'POST' },
  { route: 'purge', path: (i) => `/instances/${i}`, method: 'DELETE', needsFinished: true },
  { route: 'purge by time', path: () => `/instances?createdTimeFrom=2000-01-01T00:00:00Z`, method: 'DELETE', needsFinished: true },
  { route: 'start-new', path: (i) => `/orchestrators/SampleSequence/${i}-forged`, method: 'POST', body: JSON.stringify('forged') },
  { route: 'entities', path: () => `/entities/counter/a`, method: 'GET' },
  { route: 'local stats', path: () => `/local/stats`, method: 'GET' },
];

/** The key with its last base64 character changed: right length, right alphabet, wrong key. */
const nearMiss = (k: string) => `${k.slice(0, -3)}${k.at(-3) === 'A' ? 'B' : 'A'}==`;

/** Ways of not holding the key, as query text or headers. */
const forgeries = (k: string): [string, { query?: string; headers?: Record<string, string> }][] => [
  ['no key', {}],
  ['a wrong code=', { query: `code=${WRONG}` }],
  ['a wrong x-functions-key', { headers: { 'x-functions-key': WRONG } }],
  ['an empty code=', { query: 'code=' }],
  ['a near miss in code=', { query: `code=${nearMiss(k)}` }],
  ['a near miss in x-functions-key', { headers: { 'x-functions-key': nearMiss(k) } }],
];

const unauthenticated = (a: Attempt, instance: string, extra: { query?: string; headers?: Record<string, string> } = {}) => {
  const path = a.path(instance);
  const query = extra.query ? `${path.includes('?') ? '&' : '?'}${extra.query}` : '';
  return fetch(`${host.url}${WEBHOOK}${path}${query}`, {
    method: a.method,
    headers: { 'content-type': 'application/json', ...extra.headers },
    ...(a.body !== undefined ? { body: a.body } : {}),
  });
};

describe('without the system key', () => {
  it.each(attempts.map((a) => [a.route, a] as const))('%s answers 401 with an empty body and changes nothing', async (_route, attempt) => {
    const instance = attempt.needsFinished ? await finished() : await waiting();
    const before = await read(instance);
    for (const [what, extra] of forgeries(key)) {
      const res = await unauthenticated(attempt, instance, extra);
      expect(res.status, what).toBe(401);
      const body = await res.text();
      expect(body, what).toBe('');
    }
    // Nothing changed: the same status, history and input, still there, and no instance started by the attempt.
    const after = await read(instance);
    expect(after.runtimeStatus).toBe(before.runtimeStatus);
    expect(after.historyEvents).toEqual(before.historyEvents);
    expect(after.input).toBe(SECRET);
    expect((await api.status(`${instance}-forged`)).status).toBe(404);
  });

  it('checks the key before the task hub: a caller without it does not learn the hub name', async () => {
    const res = await fetch(`${host.url}${WEBHOOK}/instances/x?taskHub=Other`);
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('');
    expect((await api.status('x', '?taskHub=Other')).status).toBe(400);
  });

  it('keeps a waiting instance running through every forged request, then lets the key holder finish it', async () => {
    const instance = await waiting('survivor');
    for (const attempt of attempts) expect((await unauthenticated(attempt, instance)).status).toBe(401);
    const held = await read(instance);
    expect(held.runtimeStatus).toBe('Running');
    expect(held.historyEvents?.map((e) => e['EventType'])).toEqual(['ExecutionStarted']);
    expect((await api.raise(instance, 'Go', 'real')).status).toBe(202);
    expect(await api.waitFor(instance)).toMatchObject({ runtimeStatus: 'Completed', output: 'real', input: SECRET });
  });
});

describe('with the system key', () => {
  it('accepts it as code= in the query (the name in any case) and as x-functions-key', async () => {
    const instance = await waiting('accepted');
    const viaCode = await fetch(`${host.url}${WEBHOOK}/instances/${instance}?code=${key}`);
    expect(viaCode.status).toBe(202);
    expect(((await viaCode.json()) as Status).input).toBe(SECRET);
    expect((await fetch(`${host.url}${WEBHOOK}/instances/${instance}?CODE=${encodeURIComponent(key)}`)).status).toBe(202);
    const viaHeader = await fetch(`${host.url}${WEBHOOK}/instances?instanceIdPrefix=${instance}`, { headers: { 'x-functions-key': key } });
    expect(viaHeader.status).toBe(200);
    expect(((await viaHeader.json()) as Status[]).map((s) => s.instanceId)).toEqual([instance]);
    expect((await fetch(`${host.url}${WEBHOOK}/instances/${instance}/terminate?reason=bye&code=${key}`, { method: 'POST' })).status).toBe(202);
    expect(await api.waitFor(instance)).toMatchObject({ runtimeStatus: 'Terminated', output: 'bye' });
    const purged = await fetch(`${host.url}${WEBHOOK}/instances/${instance}`, { method: 'DELETE', headers: { 'x-functions-key': key } });
    expect(await purged.json()).toEqual({ instancesDeleted: 1 });
  });

  it('takes x-functions-key before code=, as the Functions host does', async () => {
    const instance = await waiting('precedence');
    expect((await fetch(`${host.url}${WEBHOOK}/instances/${instance}?code=${key}`, { headers: { 'x-functions-key': WRONG } })).status).toBe(401);
    expect((await fetch(`${host.url}${WEBHOOK}/instances/${instance}?code=${WRONG}`, { headers: { 'x-functions-key': key } })).status).toBe(202);
  });

  it('hands out links with taskHub, connection and code that work as they are', async () => {
    const instance = id('links');
    const res = await fetch(`${host.url}/api/test/durable/start/SampleWait/${instance}`, { method: 'POST', body: JSON.stringify(SECRET) });
    expect(res.status).toBe(202);
    const links = (await res.json()) as Record<string, string>;
    const query = `taskHub=TestHubName&connection=Storage&code=${key}`;
    const base = `${host.url}${WEBHOOK}/instances/${instance}`;
    expect(links).toEqual({
      id: instance,
      statusQueryGetUri: `${base}?${query}`,
      sendEventPostUri: `${base}/raiseEvent/{eventName}?${query}`,
      terminatePostUri: `${base}/terminate?reason={text}&${query}`,
      rewindPostUri: `${base}/rewind?reason={text}&${query}`,
      purgeHistoryDeleteUri: `${base}?${query}`,
      restartPostUri: `${base}/restart?${query}`,
      suspendPostUri: `${base}/suspend?reason={text}&${query}`,
      resumePostUri: `${base}/resume?reason={text}&${query}`,
    });
    expect(res.headers.get('location')).toBe(links['statusQueryGetUri']);
    // Used as handed out, with no key added by the caller.
    const status = await fetch(links['statusQueryGetUri'] as string);
    expect([200, 202]).toContain(status.status);
    expect(((await status.json()) as Status).input).toBe(SECRET);
    await api.waitFor(instance, (s) => s.runtimeStatus === 'Running');
    expect((await fetch((links['suspendPostUri'] as string).replace('{text}', 'pause'), { method: 'POST' })).status).toBe(202);
    await api.waitFor(instance, (s) => s.runtimeStatus === 'Suspended');
    expect((await fetch((links['resumePostUri'] as string).replace('{text}', 'go'), { method: 'POST' })).status).toBe(202);
    await api.waitFor(instance, (s) => s.runtimeStatus === 'Running');
    const raised = await fetch((links['sendEventPostUri'] as string).replace('{eventName}', 'Go'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify('via link'),
    });
    expect(raised.status).toBe(202);
    expect(await api.waitFor(instance)).toMatchObject({ runtimeStatus: 'Completed', output: 'via link' });
    expect((await fetch((links['terminatePostUri'] as string).replace('{text}', 'late'), { method: 'POST' })).status).toBe(410);
    expect((await fetch((links['rewindPostUri'] as string).replace('{text}', 'x'), { method: 'POST' })).status).toBe(501);
    const purged = await fetch(links['purgeHistoryDeleteUri'] as string, { method: 'DELETE' });
    expect(await purged.json()).toEqual({ instancesDeleted: 1 });
    expect((await fetch(links['statusQueryGetUri'] as string)).status).toBe(404);
  });

  it('lets the SDK client (df.getClient) work through the keyed URLs', async () => {
    const instance = await waiting('sdk');
    const ops = (op: string, body: unknown = {}) =>
      fetch(`${host.url}/api/test/durable/ops/${op}/${encodeURIComponent(instance)}`, { method: 'POST', body: JSON.stringify(body) });
    expect(((await (await ops('status')).json()) as Status).input).toBe(SECRET);
    expect((await ops('terminate', { reason: 'sdk' })).status).toBe(202);
    expect(await api.waitFor(instance)).toMatchObject({ runtimeStatus: 'Terminated', output: 'sdk' });
    expect(await (await ops('purge')).json()).toEqual({ instancesDeleted: 1 });
  });
});

describe('the host key file', () => {
  it('is created on first start beside the issuer key file, with mode 0600, holding an Azure-shaped key', () => {
    const file = hostKeysFile(env);
    expect(file).toBe((env['LOCAL_ISSUER_KEY_FILE'] as string).replace(/issuer-keys\.json$/, 'host-keys.json'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // 40 random bytes in URL-safe base64 with the padding kept, as Azure's keys.
    expect(key).toMatch(/^[A-Za-z0-9_-]{54}==$/);
  });

  it('is reused by the next start: the same key opens the same instances, the old links still work', async () => {
    const instance = await waiting('restart');
    const link = `${host.url}${WEBHOOK}/instances/${instance}?taskHub=TestHubName&connection=Storage&code=${key}`;
    const second = await startTestHost({ ...env, PORT: '0' });
    try {
      expect(systemKey(env)).toBe(key);
      expect(statSync(hostKeysFile(env)).mode & 0o777).toBe(0o600);
      const status = await fetch(link.replace(host.url, second.url));
      expect(status.status).toBe(202);
      expect(((await status.json()) as Status).input).toBe(SECRET);
      expect((await fetch(`${second.url}${WEBHOOK}/instances/${instance}`)).status).toBe(401);
    } finally {
      await second.stop();
    }
  });

  it('gives a host with another key folder another key, which this host refuses', async () => {
    const other = testEnv({ LOCAL_APP_EXTRA_ENTRIES: 'dist/test/fixtures/apps/durable-samples.js', LOCAL_DURABLE_LEASE_SECONDS: '2', STORAGE_PREFIX: env['STORAGE_PREFIX'] as string });
    const third = await startTestHost(other);
    try {
      const otherKey = systemKey(other);
      expect(otherKey).not.toBe(key);
      const instance = await waiting('foreign');
      expect((await fetch(`${host.url}${WEBHOOK}/instances/${instance}?code=${otherKey}`)).status).toBe(401);
      expect((await fetch(`${third.url}${WEBHOOK}/instances/${instance}?code=${otherKey}`)).status).toBe(202);
    } finally {
      await third.stop();
    }
  });
});
