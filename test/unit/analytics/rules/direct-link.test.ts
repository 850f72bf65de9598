import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_MS, directLinkTerms, downloadFileName } from '../../../../shared/analytics/rules/direct-link';

describe('directLinkTerms', () => {
  it('reads only, from five minutes before the wall clock for the link lifetime, saved under the blob name', () => {
    const terms = directLinkTerms({
      wallNow: new Date('2031-06-01T12:00:00.250Z'),
      ttlMs: 3_600_000,
      blobName: 'contoso/r1/e2.csv',
      httpsOnly: true,
    });
    expect(terms).toEqual({
      startsOn: new Date('2031-06-01T11:55:00.250Z'),
      expiresOn: new Date('2031-06-01T13:00:00.250Z'),
      permissions: 'r',
      protocol: 'https',
      contentDisposition: 'attachment; filename="e2.csv"',
    });
  });

  it('allows http too when the storage is not https only (Azurite on loopback)', () => {
    const terms = directLinkTerms({ wallNow: new Date('2031-06-01T12:00:00Z'), ttlMs: 60_000, blobName: 'p/r/e.tsv', httpsOnly: false });
    expect(terms.protocol).toBe('https,http');
    expect(terms.expiresOn).toEqual(new Date('2031-06-01T12:01:00Z'));
    expect(terms.contentDisposition).toBe('attachment; filename="e.tsv"');
  });

  it('the skew is exactly five minutes', () => {
    expect(CLOCK_SKEW_MS).toBe(300_000);
  });
});

describe('downloadFileName', () => {
  it('is the last path segment of the blob name, or the whole name without one', () => {
    expect(downloadFileName('contoso/r1/e2.csv')).toBe('e2.csv');
    expect(downloadFileName('e2.tsv')).toBe('e2.tsv');
    expect(downloadFileName('a/b/')).toBe('');
  });
});
