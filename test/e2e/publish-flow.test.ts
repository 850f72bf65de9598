/**
 * The publish pipeline with the documented durations on the project clock (PUBLISH_TIME_SCALE=1, the test moves
 * the clock; never a wall-clock wait for a duration) and manual certification (issue 13; decisions 0600–0603):
 * one publish at a time per offer (20 parallel requests: one 202, nineteen 409), cancel before sign-off leaves
 * nothing live and lets a new publish start, the reviewer rejects (report in the step) and approves a go-live, and
 * a package whose stored bytes were corrupted fails the package step with a message naming the file.
 * Able to fail: a read-then-write lock lets two submissions through; a cancel that does not stop the orchestration
 * lets it reach sign-off; a pipeline that trusts the upload-time check misses the corrupted bytes.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage } from '../../shared/storage/clients';
import { startLeadReceiver, type LeadReceiver } from '../fixtures/lead-receiver';
import { MP, saasOffer, withField } from '../fixtures/offers';
import { startSaasHarness, until, type Reply, type SaasHarness } from '../fixtures/saas-harness';
import { publisherRequest, tokenFor } from '../fixtures/tokens';
import { pngOf } from '../fixtures/zip';

const V = 'api-version=2017-10-31';
let h: SaasHarness;
let rx: LeadReceiver;

type Step = { id: string; status: string; messages: { code?: string; messageHtml: string; level: string }[] };

function offer(id: string) {
  return withField(saasOffer(id), ['definition', 'offer', `${MP}.httpsEndpointLeadConfiguration`], {
    httpsEndpointUrl: `${rx.url}/o/${id}`,
    contactEmail: 'leads@contoso.test',
  });
}

async function put(id: string, body: unknown): Promise<void> {
  const res = await h.call('PUT', `/api/publishers/contoso/offers/${id}?${V}`, 'contoso', { body, headers: { 'if-match': '*' } });
  expect([200, 201], JSON.stringify(res.json)).toContain(res.status);
}

const path = (id: string, tail: string) => `/api/publishers/contoso/offers/${id}/${tail}?${V}`;
const publish = (id: string) => h.call('POST', path(id, 'publish'), 'contoso');

/** Moves the project clock half an hour at a time until the operation has one of the statuses (or a step has). */
async function drive(location: string, done: (op: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return until(`operation ${location}`, async () => {
    const op = (await h.call('GET', location, 'contoso')).json;
    if (done(op)) return op;
    await h.advance('PT30M');
    return undefined;
  }, 90_000);
}

const ended = (op: Record<string, unknown>) => ['completed', 'failed', 'canceled'].includes(op['status'] as string);
const steps = (op: Record<string, unknown>) => op['steps'] as Step[];
const code = (res: Reply) => (res.json['error'] as { code?: string } | undefined)?.code;

beforeAll(async () => {
  rx = await startLeadReceiver();
  h = await startSaasHarness({ PUBLISH_TIME_SCALE: '1', PUBLISH_CERTIFICATION_MODE: 'manual' });
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await rx?.close();
});

describe('package checks', () => {
  it('a screenshot whose stored bytes were corrupted after upload: package-validation blocked, the message names the file', async () => {
    const bytes = pngOf(1280, 720);
    // First in the file: the project clock has not moved yet, so a token minted now is valid for the host.
    const token = await tokenFor(h.env['LOCAL_ISSUER_KEY_FILE'] as string, publisherRequest('contoso'));
    await put('pf-corrupt', offer('pf-corrupt'));
    const upload = await fetch(`${h.host.url}${path('pf-corrupt', 'artifacts')}&kind=screenshot&fileName=shot.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' },
      body: bytes,
    });
    expect(upload.status, await upload.clone().text()).toBe(201);
    const sha = createHash('sha256').update(bytes).digest('hex');
    await put('pf-corrupt', withField(offer('pf-corrupt'), ['definition', 'offer', `${MP}.screenshots`], [{ uri: `artifact:${sha}`, caption: 'Dashboard' }]));

    const storage = createStorage({ kind: 'connectionString', connectionString: h.env['STORAGE_CONNECTION_STRING'] as string, prefix: h.env['STORAGE_PREFIX'] as string });
    const container = await storage.container('catalog');
    let corrupted = 0;
    for await (const blob of container.listBlobsFlat()) {
      if (blob.name.endsWith(`artifacts/${sha}`)) {
        const garbage = Buffer.from(bytes);
        garbage.writeUInt8(garbage.readUInt8(17) ^ 0xff, 17); // the width field: another size, other bytes
        await container.getBlockBlobClient(blob.name).uploadData(garbage);
        corrupted += 1;
      }
    }
    expect(corrupted).toBe(1);

    const res = await publish('pf-corrupt');
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    const op = await drive(res.headers.get('location') as string, ended);
    expect(op['status']).toBe('failed');
    const pkg = steps(op).find((s) => s.id === 'package-validation');
    expect(pkg?.status).toBe('blocked');
    expect(pkg?.messages).toContainEqual(expect.objectContaining({ code: 'ArtifactCorrupted', level: 'error', messageHtml: expect.stringContaining('shot.png') }));
    expect(steps(op).find((s) => s.id === 'preview-creation')?.status).toBe('notStarted');
    expect((await h.call('GET', path('pf-corrupt', 'status'), 'contoso')).json['status']).toBe('failed');
    const notes = await h.call('GET', `/api/publishers/contoso/notifications?${V}&offerId=pf-corrupt`, 'contoso');
    expect((notes.json as unknown as { event: string }[]).map((n) => n.event)).toEqual(['submitted', 'failed']);
  }, 120_000);
});

describe('one operation at a time, cancel', () => {
  it('20 parallel publishes: exactly one 202, nineteen 409 OperationInProgress; cancel; a new publish starts over', async () => {
    await put('pf-busy', offer('pf-busy'));
    const answers = await Promise.all(Array.from({ length: 20 }, () => publish('pf-busy')));
    const accepted = answers.filter((a) => a.status === 202);
    expect(answers.map((a) => a.status).sort()).toEqual([202, ...Array<number>(19).fill(409)]);
    expect(answers.filter((a) => a.status === 409).every((a) => code(a) === 'OperationInProgress')).toBe(true);
    const first = accepted[0] as Reply;
    const location = first.headers.get('location') as string;

    const running = await until('the operation running', async () => {
      const list = await h.call('GET', `${path('pf-busy', 'submissions')}&status=running`, 'contoso');
      return (list.json as unknown as unknown[]).length === 1 ? list : undefined;
    });
    expect((running.json as unknown as { id: string }[])[0]?.id).toBe(first.json['id']);
    expect(code(await h.call('POST', path('pf-busy', 'golive'), 'contoso'))).toBe('OperationInProgress');

    const cancel = await h.call('POST', path('pf-busy', 'cancel'), 'contoso');
    expect(cancel.status, JSON.stringify(cancel.json)).toBe(200);
    expect(cancel.json['status']).toBe('canceled');
    expect(steps(cancel.json).every((s) => s.status === 'canceled' || s.status === 'complete')).toBe(true);
    expect(steps(cancel.json).at(-1)?.status).toBe('canceled');
    // The orchestration is gone: moving the clock does not bring the operation back to life.
    await h.advance('PT6H');
    const after = (await h.call('GET', location, 'contoso')).json;
    expect(after['status']).toBe('canceled');
    const status = await h.call('GET', path('pf-busy', 'status'), 'contoso');
    expect(status.json['status']).toBe('canceled');
    expect(status.json['previewLinks']).toEqual([]);
    expect(code(await h.call('POST', path('pf-busy', 'golive'), 'contoso'))).toBe('PreviewNotReady');
    expect(code(await h.call('POST', path('pf-busy', 'cancel'), 'contoso'))).toBe('NoCancelableOperation');
    expect((await h.call('GET', path('pf-busy', 'slot/production'), 'contoso')).status).toBe(404);

    const again = await publish('pf-busy');
    expect(again.status, JSON.stringify(again.json)).toBe(202);
    expect(again.json).toMatchObject({ offerVersion: 2, publishingVersion: 2 });
    const preview = await drive(again.headers.get('location') as string, ended);
    expect(preview['status']).toBe('completed');
    expect(steps(preview).at(-1)).toMatchObject({ id: 'publisher-signoff', status: 'waitingForPublisherReview' });
    // Past sign-off there is nothing to cancel.
    expect(code(await h.call('POST', path('pf-busy', 'cancel'), 'contoso'))).toBe('NoCancelableOperation');
  }, 120_000);
});

describe('certification by a reviewer (manual mode), in the go-live of a SaaS offer', () => {
  it('a rejection fails the go-live with the report and leaves nothing live; after republishing, an approval goes live', async () => {
    await put('pf-cert', offer('pf-cert'));
    await drive((await publish('pf-cert')).headers.get('location') as string, ended);
    const go = await h.call('POST', path('pf-cert', 'golive'), 'contoso');
    expect(go.status, JSON.stringify(go.json)).toBe(202);
    const goLocation = go.headers.get('location') as string;
    const goId = go.json['id'] as string;
    await drive(goLocation, (op) => steps(op)[0]?.status === 'waitingForApproval');
    expect(code(await h.call('POST', path('pf-cert', 'cancel'), 'contoso'))).toBe('OperationNotCancelable');

    const decide = (id: string, body: unknown, who: 'operator' | 'contoso' = 'operator') =>
      h.call('POST', `/api/admin/publishers/contoso/offers/pf-cert/operations/${id}/certification?${V}`, who, { body });
    expect((await decide(goId, { decision: 'approve' }, 'contoso')).status).toBe(403);
    const rejected = await decide(goId, { decision: 'reject', messages: [{ messageHtml: 'Policy 100.1.1: the title is misleading.' }], reviewNotes: 'Rename it.' });
    expect(rejected.status, JSON.stringify(rejected.json)).toBe(200);
    const failed = await drive(goLocation, ended);
    expect(failed['status']).toBe('failed');
    expect(failed['error']).toMatchObject({ code: 'CertificationRejected' });
    expect(steps(failed)[0]).toMatchObject({ id: 'displaycertify', status: 'rejected' });
    expect(steps(failed)[0]?.messages.map((m) => m.messageHtml)).toEqual(['Policy 100.1.1: the title is misleading.', 'Rename it.']);
    expect((await h.call('GET', path('pf-cert', 'slot/production'), 'contoso')).status).toBe(404);
    expect((await h.call('GET', path('pf-cert', 'status'), 'contoso')).json['status']).toBe('failed');
    expect(code(await decide(goId, { decision: 'approve' }))).toBe('CertificationNotAwaitingDecision');
    expect(code(await h.call('POST', path('pf-cert', 'golive'), 'contoso'))).toBe('PreviewNotReady');

    const republished = await publish('pf-cert');
    expect(republished.status).toBe(202);
    await drive(republished.headers.get('location') as string, ended);
    const go2 = await h.call('POST', path('pf-cert', 'golive'), 'contoso');
    const go2Location = go2.headers.get('location') as string;
    await drive(go2Location, (op) => steps(op)[0]?.status === 'waitingForApproval');
    expect((await decide(go2.json['id'] as string, { decision: 'approve', messages: [{ messageHtml: 'Certified.', level: 'information' }] })).status).toBe(200);
    const live = await drive(go2Location, ended);
    expect(live['status']).toBe('completed');
    const production = await h.call('GET', path('pf-cert', 'slot/production'), 'contoso');
    expect(production.status).toBe(200);
    expect(production.json['version']).toBe(2);
  }, 180_000);
});
