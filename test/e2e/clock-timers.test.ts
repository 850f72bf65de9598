/**
 * The test clock end to end: moving it fires timer triggers (once, past due), expires tokens, and survives a
 * host restart. Tokens minted before the host starts are accepted (offline token command).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startTestHost, testEnv, type TestHost } from '../fixtures/host';
import { operatorRequest, publisherRequest, tokenFor } from '../fixtures/tokens';

const hosts: TestHost[] = [];
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
});

async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, deadlineMs = 10_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('test clock', () => {
  it('fires an hourly timer once, past due, when the clock jumps two hours; tokens follow the clock; state survives restart', async () => {
    const env = testEnv({ LOCAL_APP_EXTRA_ENTRIES: 'dist/test/fixtures/apps/probe.js' });
    const keyFile = env['LOCAL_ISSUER_KEY_FILE'] as string;
    // Minted before any host exists: the key file is created by the "token command" side.
    const operator = { authorization: `Bearer ${await tokenFor(keyFile, operatorRequest(), { lifetimeSeconds: 24 * 3600 })}` };
    const publisher = { authorization: `Bearer ${await tokenFor(keyFile, publisherRequest('contoso'))}` };

    const host = await startTestHost(env);
    hosts.push(host);
    const firings = async () => (await (await fetch(`${host.url}/api/test/timer-firings`)).json()) as { isPastDue: boolean }[];
    const before = await firings();
    expect((await fetch(`${host.url}/api/me`, { headers: publisher })).status).toBe(200);

    const moved = await fetch(`${host.url}/api/admin/clock`, {
      method: 'PUT',
      headers: { ...operator, 'content-type': 'application/json' },
      body: JSON.stringify({ advance: 'PT2H' }),
    });
    expect(moved.status).toBe(200);
    const { offsetMs } = (await moved.json()) as { offsetMs: number };
    expect(offsetMs).toBe(2 * 3600_000);

    const after = await poll(firings, (f) => f.length > before.length);
    expect(after.length).toBe(before.length + 1);
    expect(after.at(-1)?.isPastDue).toBe(true);

    // The one-hour publisher token has expired on the moved clock.
    expect((await fetch(`${host.url}/api/me`, { headers: publisher })).status).toBe(401);

    await host.stop();
    const restarted = await startTestHost(env);
    hosts.push(restarted);
    const clock = (await (await fetch(`${restarted.url}/api/admin/clock`, { headers: operator })).json()) as { offsetMs: number };
    expect(clock.offsetMs).toBe(2 * 3600_000);
  });

  it('refuses to move the clock when the test-clock setting is off', async () => {
    const env = testEnv({ TEST_CLOCK: 'false' });
    const host = await startTestHost(env);
    hosts.push(host);
    const operator = { authorization: `Bearer ${await tokenFor(env['LOCAL_ISSUER_KEY_FILE'] as string, operatorRequest())}` };
    const res = await fetch(`${host.url}/api/admin/clock`, {
      method: 'PUT',
      headers: { ...operator, 'content-type': 'application/json' },
      body: JSON.stringify({ advance: 'PT1H' }),
    });
    expect(res.status).toBe(404);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const host = await startTestHost(testEnv());
    expect(await host.stop('SIGTERM')).toBe(0);
  });

  it('fails fast at start-up with a message naming a bad setting', async () => {
    await expect(startTestHost(testEnv({ TEST_CLOCK: 'maybe' }))).rejects.toThrow(/TEST_CLOCK/);
  });
});
