/**
 * The bare floor (decision 0315): a plain `node:http` server, run by `npm run bench -- metering` in its own process,
 * that does what the host's `POST /api/bench/floor?as=usage` does — the same token check (this app's authenticator:
 * jose verify against the local issuer's keys, the verified-token cache, the publisher registry) and the same insert
 * of the same usage-sized row — with no Functions programming model and no local host around it. The bench sets
 * its CPU per request beside the host floor's, so the cost of the local host is visible.
 * Settings come from the same environment the bench host gets (shared/config.ts); it prints
 * `BARE_FLOOR_READY {"url","pid"}` once listening on loopback, port 0.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LocalKeyStore } from '../shared/auth/keys';
import { AuthenticationFailure, createAuthenticator } from '../shared/auth/principal';
import { TablePublisherRegistry } from '../shared/auth/publishers';
import { createTokenValidator } from '../shared/auth/tokens';
import { AdjustableClock } from '../shared/clock';
import { config } from '../shared/config';
import { BENCH_FLOOR_USAGE_TABLE, floorUsageEntity, floorUsageView } from '../shared/metering/http/bench-floor';
import { createStorage } from '../shared/storage/clients';

const cfg = config();
const clock = new AdjustableClock({ adjustable: false });
const storage = createStorage(cfg.storage);
const authenticator = createAuthenticator({
  validator: createTokenValidator(cfg.auth, clock, new LocalKeyStore(cfg.auth.localIssuerKeyFile)),
  registry: new TablePublisherRegistry(() => storage.table('Publishers')),
  operatorRole: cfg.auth.operatorRole,
  localMode: cfg.auth.mode === 'local',
  clock,
});

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (req.method !== 'POST' || url.pathname !== '/api/bench/floor') return send(res, 404, { message: 'Not found.' });
  let publisherId: string;
  try {
    const principal = await authenticator.authenticate(req.headers.authorization ?? null);
    if (principal.kind !== 'publisher') return send(res, 403, { code: 'Forbidden', message: 'Publishers only.' });
    publisherId = principal.publisherId;
  } catch (error) {
    if (error instanceof AuthenticationFailure) return send(res, 403, { code: 'Forbidden', message: error.message });
    throw error;
  }
  if (url.searchParams.get('api-version') !== '2018-08-31') return send(res, 400, { code: 'BadArgument', message: 'api-version' });
  const entity = floorUsageEntity(Buffer.concat(chunks).toString('utf8'), publisherId, randomUUID(), clock.now());
  await (await storage.table(BENCH_FLOOR_USAGE_TABLE)).createEntity(entity);
  send(res, 200, floorUsageView(entity));
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    console.error(error);
    if (!res.headersSent) send(res, 500, { message: 'Internal error.' });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`BARE_FLOOR_READY ${JSON.stringify({ url: `http://127.0.0.1:${port}`, pid: process.pid })}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
