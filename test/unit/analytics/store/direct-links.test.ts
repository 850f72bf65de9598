/**
 * The user-delegation path of BlobSasLinks (decision 0907), which Azurite cannot serve without OAuth: with Entra
 * credentials (no account key) the link is signed with a delegation key storage issues for the link's window — asked
 * for once per window, not once per link, and asked again after a failure.
 */
import { AnonymousCredential, BlobServiceClient, type UserDelegationKey } from '@azure/storage-blob';
import { describe, expect, it, vi } from 'vitest';
import { directLinkTerms } from '../../../../shared/analytics/rules/direct-link';
import { BlobSasLinks } from '../../../../shared/analytics/store/direct-links';

function setup() {
  const service = new BlobServiceClient('https://stmkt.blob.core.windows.net', new AnonymousCredential());
  const key: UserDelegationKey = {
    signedObjectId: '11111111-2222-4333-8444-555555555555',
    signedTenantId: '66666666-7777-4888-9999-000000000000',
    signedStartsOn: new Date('2031-06-01T11:55:00Z'),
    signedExpiresOn: new Date('2031-06-01T13:00:00Z'),
    signedService: 'b',
    signedVersion: '2025-01-05',
    value: Buffer.alloc(32, 9).toString('base64'),
  };
  const asked = vi.spyOn(service, 'getUserDelegationKey');
  asked.mockResolvedValue(key as Awaited<ReturnType<BlobServiceClient['getUserDelegationKey']>>);
  const links = new BlobSasLinks(service, () => Promise.resolve(service.getContainerClient('analytics-reports')));
  return { asked, links, key };
}

const terms = (wallNow = '2031-06-01T12:00:00Z') =>
  directLinkTerms({ wallNow: new Date(wallNow), ttlMs: 3_600_000, blobName: 'contoso/r1/e1.csv', httpsOnly: true });

describe('BlobSasLinks with Entra credentials (user-delegation SAS)', () => {
  it('signs a read-only https link to the one blob with the delegation key of the link window', async () => {
    const { asked, links, key } = setup();
    const url = new URL(await links.url('contoso/r1/e1.csv', terms()));
    expect(`${url.origin}${url.pathname}`).toBe('https://stmkt.blob.core.windows.net/analytics-reports/contoso/r1/e1.csv');
    expect(asked).toHaveBeenCalledWith(new Date('2031-06-01T11:55:00Z'), new Date('2031-06-01T13:00:00Z'));
    const q = url.searchParams;
    expect({ sp: q.get('sp'), spr: q.get('spr'), sr: q.get('sr'), st: q.get('st'), se: q.get('se'), rscd: q.get('rscd') }).toEqual({
      sp: 'r',
      spr: 'https',
      sr: 'b',
      st: '2031-06-01T11:55:00Z',
      se: '2031-06-01T13:00:00Z',
      rscd: 'attachment; filename="e1.csv"',
    });
    expect({ skoid: q.get('skoid'), sktid: q.get('sktid') }).toEqual({ skoid: key.signedObjectId, sktid: key.signedTenantId });
    expect(q.get('sig')).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('asks for one key per window: the links of one answer share it, a later answer gets its own', async () => {
    const { asked, links } = setup();
    await links.url('contoso/r1/e1.csv', terms());
    await links.url('contoso/r1/e2.csv', terms());
    expect(asked).toHaveBeenCalledTimes(1);
    await links.url('contoso/r1/e1.csv', terms('2031-06-01T12:00:01Z'));
    expect(asked).toHaveBeenCalledTimes(2);
  });

  it('does not keep a failed key request: the next link asks again', async () => {
    const { asked, links } = setup();
    asked.mockRejectedValueOnce(Object.assign(new Error('This request is not authorized to perform this operation.'), { statusCode: 403 }));
    await expect(links.url('contoso/r1/e1.csv', terms())).rejects.toThrow(/not authorized/);
    expect(new URL(await links.url('contoso/r1/e1.csv', terms())).searchParams.get('sp')).toBe('r');
    expect(asked).toHaveBeenCalledTimes(2);
  });
});
