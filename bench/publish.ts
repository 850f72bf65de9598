/**
 * `npm run bench -- publish` (issue 13): BENCH_PUBLISH_COUNT offers (default 100) published concurrently through
 * the whole pipeline with zero simulated durations (PUBLISH_TIME_SCALE=0): each client PUTs its offer, POSTs
 * publish, polls its operation to sign-off, POSTs golive and polls the go-live to completion. Reported: pipelines
 * completed per second (publish to live, over the wall time of the run), p50/p99 of the end-to-end time per offer
 * (publish sent → go-live completed, polling every 50 ms), and the durable runtime's storage round trips per
 * pipeline (its request counter; the app's own Table/Blob requests are not in that counter).
 */
import { hostKeysFile, readSystemKey } from '../local/host-keys';
import { startLeadReceiver } from '../test/fixtures/lead-receiver';
import { MP, saasOffer, withField } from '../test/fixtures/offers';
import { benchPrefix, type BenchContext, type BenchHost } from './context';
import { printTable, request, round } from './lib';
import { publisherToken } from './tokens';

const COUNT = Number(process.env['BENCH_PUBLISH_COUNT'] ?? 100);
const V = 'api-version=2017-10-31';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function runtimeRequests(host: BenchHost): Promise<number> {
  const key = readSystemKey(hostKeysFile({ LOCAL_ISSUER_KEY_FILE: host.keyFile }));
  const res = await fetch(`${host.url}/runtime/webhooks/durabletask/local/stats`, { headers: { 'x-functions-key': key } });
  return ((await res.json()) as { storage: { requests: number } }).storage.requests;
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const rx = await startLeadReceiver();
  const host = await ctx.startHost({ STORAGE_PREFIX: benchPrefix(), OUTBOUND_ALLOW_LOOPBACK: 'true', PUBLISH_TIME_SCALE: '0' });
  const headers = { authorization: `Bearer ${await publisherToken(host.keyFile, 'contoso')}`, 'content-type': 'application/json' };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await request(`${host.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const json = (res.text ? JSON.parse(res.text) : {}) as Record<string, unknown>;
    return { status: res.status, json, location: `/api/publishers/contoso/offers/${String(json['offerId'])}/operations/${String(json['id'])}?${V}` };
  };
  const settle = async (location: string): Promise<string> => {
    for (;;) {
      const op = await call('GET', location);
      const status = op.json['status'] as string;
      if (['completed', 'failed', 'canceled'].includes(status)) return status;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  try {
    const ids = Array.from({ length: COUNT }, (_, i) => `bench-pub-${i}`);
    await Promise.all(
      ids.map(async (id) => {
        const offer = withField(saasOffer(id), ['definition', 'offer', `${MP}.httpsEndpointLeadConfiguration`], {
          httpsEndpointUrl: `${rx.url}/o/${id}`,
          contactEmail: 'leads@contoso.test',
        });
        const put = await call('PUT', `/api/publishers/contoso/offers/${id}?${V}`, offer);
        if (put.status !== 201) throw new Error(`offer ${id}: ${put.status} ${JSON.stringify(put.json)}`);
      }),
    );
    const before = await runtimeRequests(host);
    const t0 = Date.now();
    const times = await Promise.all(
      ids.map(async (id) => {
        const started = Date.now();
        const published = await call('POST', `/api/publishers/contoso/offers/${id}/publish?${V}`);
        if (published.status !== 202) throw new Error(`publish ${id}: ${published.status} ${JSON.stringify(published.json)}`);
        const preview = await settle(published.location);
        if (preview !== 'completed') throw new Error(`publish ${id} ended ${preview}`);
        const live = await call('POST', `/api/publishers/contoso/offers/${id}/golive?${V}`);
        if (live.status !== 202) throw new Error(`golive ${id}: ${live.status} ${JSON.stringify(live.json)}`);
        const done = await settle(live.location);
        if (done !== 'completed') throw new Error(`golive ${id} ended ${done}`);
        return Date.now() - started;
      }),
    );
    const seconds = (Date.now() - t0) / 1000;
    const roundTrips = (await runtimeRequests(host)) - before;
    const sorted = [...times].sort((a, b) => a - b);
    const row = {
      name: 'publish → live (scale 0)',
      pipelines: COUNT,
      'pipelines/s': round(COUNT / seconds, 2),
      'end-to-end p50 ms': round(percentile(sorted, 50), 0),
      'end-to-end p99 ms': round(percentile(sorted, 99), 0),
      'runtime round trips / pipeline': round(roundTrips / COUNT, 1),
      'test leads': rx.received.length,
    };
    printTable(`publish pipeline (${COUNT} offers concurrently, zero simulated durations)`, [row]);
    return { rows: [row] };
  } finally {
    await host.stop();
    await rx.close();
  }
}
