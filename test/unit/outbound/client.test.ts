/**
 * The outbound client against a real HTTP server on 127.0.0.1 (the local ISV sink's setup): loopback only with
 * allowLoopback, one deadline, no redirects, a capped and redacted excerpt, meaningful error texts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OutboundClient } from '../../../shared/outbound/client';
import type { Resolver } from '../../../shared/outbound/policy';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let port = 0;
let handler: Handler;
let received: Received[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  received = [];
  handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
});

const strict = { timeoutMs: 5000, allowLoopback: false, allowedHosts: [] as string[] };
const local = { ...strict, allowLoopback: true };
const sinkName: Resolver = async () => ['127.0.0.1'];
const post = (client: OutboundClient, url: string) =>
  client.postJson({ url, body: { action: 'Unsubscribe' }, headers: { authorization: 'Bearer eyJa.eyJb.sig', 'x-ms-requestid': 'r1' } });

describe('outbound client against a local HTTP server', () => {
  it.each([
    ['the literal 127.0.0.1', () => `http://127.0.0.1:${port}/hook?x=1`, undefined],
    ['a name resolved to 127.0.0.1 by the connect-time guard', () => `http://sink.test:${port}/hook?x=1`, sinkName],
  ])('posts the JSON body to %s with allowLoopback', async (_label, url, resolve) => {
    const result = await post(new OutboundClient(local, resolve), url());
    expect(result).toMatchObject({ kind: 'response', status: 200, excerpt: '{"ok":true}' });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/hook?x=1', body: '{"action":"Unsubscribe"}' });
    expect(received[0]?.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: 'Bearer eyJa.eyJb.sig',
      'x-ms-requestid': 'r1',
    });
  });

  it.each([
    ['the literal 127.0.0.1', () => `http://127.0.0.1:${port}/hook`, undefined],
    ['a name resolved to 127.0.0.1', () => `http://sink.test:${port}/hook`, sinkName],
    ['localhost', () => `http://localhost:${port}/hook`, undefined],
  ])('refuses %s without allowLoopback and sends nothing', async (_label, url, resolve) => {
    const result = await post(new OutboundClient(strict, resolve), url());
    expect(result).toEqual({
      kind: 'refused',
      message: expect.stringMatching(/is a loopback address \(set OUTBOUND_ALLOW_LOOPBACK=true to allow\)/),
    });
    expect(received).toEqual([]);
  });

  it('does not follow redirects: the 3xx is the answer', async () => {
    handler = (_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
    expect(await post(new OutboundClient(local), `http://127.0.0.1:${port}/hook`)).toMatchObject({ kind: 'response', status: 302 });
    expect(received).toHaveLength(1);
  });

  it('keeps a short, redacted excerpt of a large response', async () => {
    handler = (_req, res) => res.writeHead(400).end(`password=hunter2 ${'x'.repeat(1024 * 1024)}`);
    const result = await post(new OutboundClient(local), `http://127.0.0.1:${port}/hook`);
    expect(result).toMatchObject({ kind: 'response', status: 400 });
    const excerpt = result.kind === 'response' ? result.excerpt : '';
    expect(excerpt.length).toBeLessThanOrEqual(512);
    expect(excerpt).toMatch(/^password=\*\*\* x+$/);
  });

  it('gives up at the deadline when the server never answers', async () => {
    handler = () => undefined; // holds the request open
    const result = await post(new OutboundClient({ ...local, timeoutMs: 200 }), `http://127.0.0.1:${port}/hook`);
    expect(result).toMatchObject({ kind: 'error', message: 'timed out after 200 ms' });
  });

  it('names the cause when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await post(new OutboundClient(local, sinkName), `http://sink.test:${freePort}/hook`);
    expect(result).toMatchObject({ kind: 'error', message: expect.stringMatching(/ECONNREFUSED/) });
  });
});

describe('outbound client: raw bodies and answer headers (lead targets)', () => {
  it('posts a form body byte-exact with its content type and hands back the Retry-After header', async () => {
    handler = (_req, res) => res.writeHead(429, { 'retry-after': '5', 'x-other': 'a' }).end('slow down');
    const result = await new OutboundClient(local).send({
      url: `http://127.0.0.1:${port}/servlet?encoding=UTF-8`,
      headers: { 'user-agent': 'marketplace-leads/1' },
      body: 'first_name=Zo%C3%AB&oid=00D',
      contentType: 'application/x-www-form-urlencoded; charset=UTF-8',
    });
    expect(result).toMatchObject({ kind: 'response', status: 429, retryAfter: '5', body: 'slow down', excerpt: 'slow down' });
    expect(result.kind === 'response' ? result.headers['x-other'] : undefined).toBe('a');
    expect(received[0]).toMatchObject({ method: 'POST', url: '/servlet?encoding=UTF-8', body: 'first_name=Zo%C3%AB&oid=00D' });
    expect(received[0]?.headers).toMatchObject({
      'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
      'user-agent': 'marketplace-leads/1',
      'content-length': '27',
    });
  });

  it('postJson passes Retry-After on and leaves it out when the answer has none', async () => {
    handler = (_req, res) => res.writeHead(503, { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }).end();
    expect(await post(new OutboundClient(local), `http://127.0.0.1:${port}/hook`)).toMatchObject({
      kind: 'response',
      status: 503,
      retryAfter: 'Wed, 21 Oct 2015 07:28:00 GMT',
    });
    handler = (_req, res) => res.writeHead(200).end();
    const plain = await post(new OutboundClient(local), `http://127.0.0.1:${port}/hook`);
    expect(plain.kind === 'response' && 'retryAfter' in plain).toBe(false);
  });

  it('keeps the whole body up to keepBodyBytes for the caller and only a redacted excerpt for the log', async () => {
    const token = `{"access_token":"${'a'.repeat(2000)}","token_type":"Bearer"}`;
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(token);
    const result = await new OutboundClient(local).send({ method: 'GET', url: `http://127.0.0.1:${port}/t`, headers: {}, keepBodyBytes: 65_536 });
    expect(result.kind === 'response' ? result.body : '').toBe(token);
    expect(result.kind === 'response' ? result.excerpt : '').toBe('{"access_token":"***');
    expect(received[0]).toMatchObject({ method: 'GET', body: '' });
  });

  it('honours a per-call deadline and says it timed out', async () => {
    handler = () => undefined;
    const result = await new OutboundClient({ ...local, timeoutMs: 60_000 }).send({ url: `http://127.0.0.1:${port}/t`, headers: {}, timeoutMs: 150 });
    expect(result).toEqual({ kind: 'error', message: 'timed out after 150 ms', durationMs: expect.any(Number), timedOut: true });
  });

  it('refuses a loopback target without allowLoopback, sending nothing', async () => {
    const result = await new OutboundClient(strict).send({ url: `http://127.0.0.1:${port}/t`, headers: {}, body: 'x=1' });
    expect(result.kind).toBe('refused');
    expect(received).toEqual([]);
  });
});
