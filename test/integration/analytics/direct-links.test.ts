/**
 * Direct links to report files against Azurite (decision 0907): the account key signs a read-only service SAS for
 * one blob. The link downloads the file from the blob endpoint (not the app) under its file name; storage refuses
 * it altered, expired, for a write, or for another blob.
 */
import { describe, expect, it } from 'vitest';
import { ANALYTICS_CONTAINER } from '../../../shared/analytics/composition';
import { directLinkTerms } from '../../../shared/analytics/rules/direct-link';
import { BlobSasLinks } from '../../../shared/analytics/store/direct-links';
import { BlobReportFiles } from '../../../shared/analytics/store/report-files';
import { testStorage } from '../../fixtures/storage';

async function* lines(...values: string[]): AsyncIterable<string> {
  for (const value of values) yield value;
}

async function setup() {
  const storage = testStorage();
  const container = () => storage.container(ANALYTICS_CONTAINER);
  const files = new BlobReportFiles(container);
  const name = 'contoso/r1/e1.csv';
  await files.write(name, 'text/csv', lines('OrderId,Quantity\r\n', 'o-1,2\r\n', 'o-2,5\r\n'));
  return { storage, files, name, links: new BlobSasLinks(storage.blobService, container) };
}

const terms = (over: { wallNow?: Date; ttlMs?: number; blobName?: string; httpsOnly?: boolean } = {}) =>
  directLinkTerms({ wallNow: new Date(), ttlMs: 3_600_000, blobName: 'contoso/r1/e1.csv', httpsOnly: false, ...over });

describe('BlobSasLinks on Azurite (service SAS with the account key)', () => {
  it('downloads the file straight from the blob endpoint, saved under its name', async () => {
    const { storage, name, links } = await setup();
    const url = new URL(await links.url(name, terms()));
    expect(url.origin).toBe(new URL(storage.blobService.url).origin);
    expect(url.searchParams.get('sp')).toBe('r');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="e1.csv"');
    expect(res.headers.get('content-type')).toBe('text/csv');
    expect(await res.text()).toBe('OrderId,Quantity\r\no-1,2\r\no-2,5\r\n');
  });

  it('is refused with an altered signature (403), and changes nothing', async () => {
    const { name, links } = await setup();
    const url = new URL(await links.url(name, terms()));
    const sig = url.searchParams.get('sig') as string;
    url.searchParams.set('sig', `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`);
    expect((await fetch(url)).status).toBe(403);
  });

  it('is read only: a PUT or DELETE with it is refused and the file stays as it was', async () => {
    const { name, links, files } = await setup();
    const url = await links.url(name, terms());
    const put = await fetch(url, {
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': 'text/csv' },
      body: 'forged\r\n',
    });
    expect(put.status).toBe(403);
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(403);
    const file = await files.read(name);
    let body = '';
    for await (const chunk of file?.stream as AsyncIterable<Buffer>) body += chunk.toString('utf8');
    expect(body).toBe('OrderId,Quantity\r\no-1,2\r\no-2,5\r\n');
  });

  it('is refused after it expires, and for another blob than the one it names', async () => {
    const { name, links, files } = await setup();
    const expired = await links.url(name, terms({ wallNow: new Date(Date.now() - 7_200_000) }));
    expect((await fetch(expired)).status).toBe(403);
    await files.write('contoso/r1/e2.csv', 'text/csv', lines('other\r\n'));
    const other = new URL(await links.url(name, terms()));
    other.pathname = other.pathname.replace(/e1\.csv$/, 'e2.csv');
    expect((await fetch(other)).status).toBe(403);
  });

  it('an https-only link is refused over http', async () => {
    const { name, links } = await setup();
    const url = await links.url(name, terms({ httpsOnly: true }));
    expect(new URL(url).searchParams.get('spr')).toBe('https');
    expect((await fetch(url)).status).toBe(403);
  });
});
