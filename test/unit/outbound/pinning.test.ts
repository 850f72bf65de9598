/**
 * DNS rebinding (decision 0420): the address the outbound client checks is the address it connects to. A
 * rebinding resolver answers the early check with a public address and the connect with loopback or metadata.
 */
import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundClient } from '../../../shared/outbound/client';
import { checkDestination, classifyAddress, guardedLookup, type Resolver } from '../../../shared/outbound/policy';

const policy = { timeoutMs: 5000, allowLoopback: false, allowedHosts: [] as string[] };

/** First lookup: a public address; every later one: `then` (127.0.0.1 by default). */
function rebinding(then = '127.0.0.1'): Resolver & { calls: number } {
  const resolver = Object.assign(async () => (resolver.calls++ === 0 ? ['93.184.216.34'] : [then]), { calls: 0 });
  return resolver;
}

/** A TCP listener on 127.0.0.1 that counts connections: proof of where a socket actually went. */
let sink: Server;
let port = 0;
let connections = 0;
beforeAll(async () => {
  sink = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  port = (sink.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => sink.close(() => resolve())));

async function connectionsDuring(action: () => Promise<unknown>): Promise<number> {
  const before = connections;
  await action();
  return connections - before;
}

describe('connect-time address pinning', () => {
  it('control: the old check-then-connect shape passes the check and then connects to loopback', async () => {
    // This is what the client did before 0420: checkDestination resolved once (public: accepted), then fetch
    // resolved again on its own and connected wherever the second answer pointed.
    const resolve = rebinding();
    const url = new URL(`https://rebind.test:${port}/hook`);
    expect(await checkDestination(url, policy, resolve)).toBeUndefined();
    const reached = await connectionsDuring(
      () =>
        new Promise<void>((done) => {
          const socket = connect({
            host: url.hostname,
            port,
            lookup: (host, _options, callback) => void resolve(host).then(([address = '']) => callback(null, [{ address, family: 4 }])),
          });
          socket.on('close', () => done());
          socket.on('error', () => undefined);
        }),
    );
    expect(reached).toBe(1);
  });

  it('refuses the rebound loopback answer at connect time and opens no connection', async () => {
    const resolve = rebinding();
    let result: Awaited<ReturnType<OutboundClient['postJson']>> | undefined;
    const reached = await connectionsDuring(async () => {
      result = await new OutboundClient(policy, resolve).postJson({ url: `https://rebind.test:${port}/hook`, body: {}, headers: {} });
    });
    expect(resolve.calls).toBe(2); // the early check and the connect both asked: the second answer decided
    expect(result).toEqual({
      kind: 'refused',
      message: expect.stringMatching(/rebind\.test is a loopback address.*OUTBOUND_ALLOW_LOOPBACK/),
    });
    expect(reached).toBe(0);
  });

  it('refuses a rebound metadata address without naming it in the attempt log', async () => {
    const result = await new OutboundClient(policy, rebinding('169.254.169.254')).postJson({
      url: 'https://rebind.test/hook',
      body: {},
      headers: {},
    });
    expect(result).toEqual({ kind: 'refused', message: 'the host rebind.test resolves to a private or reserved address' });
  });

  it('connects to the rebound loopback answer when OUTBOUND_ALLOW_LOOPBACK is set (the local test setup)', async () => {
    let result: Awaited<ReturnType<OutboundClient['postJson']>> | undefined;
    const reached = await connectionsDuring(async () => {
      result = await new OutboundClient({ ...policy, allowLoopback: true }, rebinding()).postJson({
        url: `https://rebind.test:${port}/hook`,
        body: {},
        headers: {},
      });
    });
    expect(reached).toBe(1);
    expect(result?.kind).toBe('error'); // the sink is no TLS server: the handshake fails after the connect
  });

  it('keeps plain http to loopback only: a name that rebinds from loopback to a public address is refused', async () => {
    let calls = 0;
    const resolve: Resolver = async () => (calls++ === 0 ? ['127.0.0.1'] : ['93.184.216.34']);
    const result = await new OutboundClient({ ...policy, allowLoopback: true }, resolve).postJson({
      url: 'http://sink.test/hook',
      body: {},
      headers: {},
    });
    expect(result).toEqual({ kind: 'refused', message: 'only https URLs are called (got http:)' });
  });

  it('lets an allow-listed host through whatever it resolves to', async () => {
    const reached = await connectionsDuring(() =>
      new OutboundClient({ ...policy, allowedHosts: ['rebind.test'] }, rebinding()).postJson({
        url: `https://rebind.test:${port}/hook`,
        body: {},
        headers: {},
      }),
    );
    expect(reached).toBe(1);
  });
});

/** Runs the guard the way net.connect calls it (Node 20 asks with all: true for happy eyeballs). */
function runLookup(addresses: string[], p = policy, options: { all?: boolean; family?: number } = { all: true }) {
  return new Promise<{ error?: Error; addresses?: LookupAddress[] | string }>((resolve) =>
    guardedLookup(p, false, async () => addresses)('dest.test', options, (error, address) =>
      resolve(error ? { error } : { addresses: address }),
    ),
  );
}

describe('the lookup guard', () => {
  it.each([
    [['::1'], /loopback/],
    [['0:0:0:0:0:0:0:1'], /loopback/],
    [['::ffff:127.0.0.1'], /loopback/],
    [['::ffff:7f00:1'], /loopback/],
    [['fe80::1'], /private or reserved/],
    [['fe80::1%eth0'], /private or reserved/],
    [['fd12:3456::1'], /private or reserved/],
    [['fc00::1'], /private or reserved/],
    [['fd00:ec2::254'], /private or reserved/],
    [['::ffff:169.254.169.254'], /private or reserved/],
    [['::ffff:10.0.0.1'], /private or reserved/],
    [['2606:4700::1111', '10.0.0.1'], /private or reserved/], // one bad address taints the name
    [[], /could not be resolved/],
  ])('refuses %j', async (addresses, reason) => {
    const { error } = await runLookup(addresses);
    expect(error?.message).toMatch(reason);
  });

  it.each([[['::1']], [['::ffff:127.0.0.1']], [['127.0.0.1', '::1']]])('allows loopback %j only with allowLoopback', async (addresses) => {
    expect((await runLookup(addresses)).error?.message).toMatch(/OUTBOUND_ALLOW_LOOPBACK/);
    expect((await runLookup(addresses, { ...policy, allowLoopback: true })).addresses).toHaveLength(addresses.length);
  });

  it('hands the socket exactly the checked addresses, all of them or one of the asked family', async () => {
    const answer = ['93.184.216.34', '2606:2800:220:1::248'];
    expect((await runLookup(answer)).addresses).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::248', family: 6 },
    ]);
    expect((await runLookup(answer, policy, { family: 6 })).addresses).toBe('2606:2800:220:1::248');
  });
});

describe('address classes beyond the dotted IPv4 forms', () => {
  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'], // what new URL('http://[::ffff:127.0.0.1]/') turns the literal into
    ['::ffff:a9fe:a9fe', 'blocked'], // 169.254.169.254
    ['::ffff:0:7f00:1', 'blocked'], // IPv4-translated loopback: never local on this host
    ['::127.0.0.1', 'blocked'],
    ['::', 'blocked'],
    ['febf::1', 'blocked'],
    ['fec0::1', 'blocked'],
    ['ff02::1', 'blocked'],
    ['2001:db8::1', 'blocked'],
    ['2001::1', 'blocked'], // Teredo
    ['64:ff9b::a9fe:a9fe', 'blocked'], // NAT64 of the metadata address
    ['64:ff9b::808:808', 'public'],
    ['2002:7f00:1::1', 'blocked'], // 6to4 of loopback
    ['2a00:1450:4001::200e', 'public'],
    ['198.18.0.1', 'blocked'],
    ['203.0.113.9', 'blocked'],
    ['not-an-ip', 'blocked'],
  ] as const)('%s is %s', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });

  it.each([
    ['https://[::ffff:127.0.0.1]/hook', /loopback/],
    ['https://[::ffff:169.254.169.254]/hook', /private or reserved/],
    ['https://[fe80::1]/hook', /private or reserved/],
  ])('refuses the literal %s before any connection', async (url, reason) => {
    expect(await checkDestination(new URL(url), policy)).toMatch(reason);
  });
});
