/** The dead-letter digest rules (rules/notifications.ts; spec 2.5 (9); decision 0528). */
import { describe, expect, it } from 'vitest';
import {
  deadLetterDigest,
  DIGEST_INTERVAL_MS,
  DIGEST_MAX_LISTED,
  digestDue,
  digestRecipients,
  escapeHtml,
} from '../../../../shared/leads/rules/notifications';

const NOW = new Date('2026-03-01T12:00:00.000Z');

describe('digestDue', () => {
  it('is due when no digest was sent, or the last one an hour ago or more; not a millisecond sooner', () => {
    expect(DIGEST_INTERVAL_MS).toBe(3_600_000);
    expect(digestDue(undefined, NOW)).toBe(true);
    expect(digestDue('2026-03-01T11:00:00.000Z', NOW)).toBe(true);
    expect(digestDue('2026-03-01T10:00:00.000Z', NOW)).toBe(true);
    expect(digestDue('2026-03-01T11:00:00.001Z', NOW)).toBe(false);
    expect(digestDue('2026-03-01T12:00:00.000Z', NOW)).toBe(false);
  });
});

describe('digestRecipients', () => {
  it('splits contactEmail on ;, trims, keeps valid addresses, lower-cased, unique and sorted', () => {
    expect(digestRecipients({ contactEmail: ' B@Contoso.com ; a@contoso.com;; b@contoso.com;not-an-address' })).toEqual(['a@contoso.com', 'b@contoso.com']);
  });

  it('finds the key in any case, and gives none without a string', () => {
    expect(digestRecipients({ ContactEmail: 'x@contoso.com' })).toEqual(['x@contoso.com']);
    expect(digestRecipients({ contactemail: 'y@contoso.com' })).toEqual(['y@contoso.com']);
    expect(digestRecipients({})).toEqual([]);
    expect(digestRecipients({ contactEmail: ['x@contoso.com'] })).toEqual([]);
    expect(digestRecipients({ other: 'x@contoso.com' })).toEqual([]);
    expect(digestRecipients({ undefined: 'x@contoso.com' })).toEqual([]);
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-special characters and nothing else', () => {
    expect(escapeHtml(`<a href="x">'&'</a> ok`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt; ok');
  });
});

describe('deadLetterDigest', () => {
  it('names one lead and its category, addressed to the contacts, without anything else', () => {
    expect(deadLetterDigest({ publisherId: 'contoso', offerId: 'app', items: [{ leadId: 'L1', reason: 'http_404' }], to: ['a@contoso.com'], now: NOW })).toStrictEqual({
      id: 'leads.deadLettered.L1.L1.1',
      publisherId: 'contoso',
      offerId: 'app',
      to: ['a@contoso.com'],
      subject: '1 lead for contoso.app could not be delivered',
      bodyHtml:
        '<p>1 lead for offer contoso.app could not be delivered to its lead destination and was dead-lettered. ' +
        'They are kept: fix the destination, then replay them.</p><ul><li>L1: http_404</li></ul>',
      timestamp: '2026-03-01T12:00:00.000Z',
    });
  });

  it('sorts several leads by id, says were, and derives the id from the first, the last and the count', () => {
    const d = deadLetterDigest({
      publisherId: 'p',
      offerId: 'o',
      items: [
        { leadId: 'L3', reason: 'window_expired' },
        { leadId: 'L1', reason: 'http_410' },
      ],
      to: [],
      now: NOW,
    });
    expect(d.id).toBe('leads.deadLettered.L1.L3.2');
    expect(d.subject).toBe('2 leads for p.o could not be delivered');
    expect(d.bodyHtml).toBe(
      '<p>2 leads for offer p.o could not be delivered to its lead destination and were dead-lettered. ' +
        'They are kept: fix the destination, then replay them.</p><ul><li>L1: http_410</li><li>L3: window_expired</li></ul>',
    );
  });

  it('lists at most 100 leads and counts the rest', () => {
    expect(DIGEST_MAX_LISTED).toBe(100);
    const items = Array.from({ length: 102 }, (_, i) => ({ leadId: `L${String(i).padStart(3, '0')}`, reason: 'x' }));
    const at100 = deadLetterDigest({ publisherId: 'p', offerId: 'o', items: items.slice(0, 100), to: [], now: NOW });
    expect(at100.bodyHtml.match(/<li>/g)).toHaveLength(100);
    expect(at100.bodyHtml.endsWith('</ul>')).toBe(true);
    const d = deadLetterDigest({ publisherId: 'p', offerId: 'o', items, to: [], now: NOW });
    expect(d.bodyHtml.match(/<li>/g)).toHaveLength(100);
    expect(d.bodyHtml).toContain('<li>L099: x</li></ul><p>and 2 more.</p>');
    expect(d.bodyHtml).not.toContain('L100');
    expect(d.id).toBe('leads.deadLettered.L000.L101.102');
  });

  it('escapes what reaches the HTML and keeps line breaks out of the subject', () => {
    const d = deadLetterDigest({ publisherId: 'p', offerId: 'o\r\nBcc: x', items: [{ leadId: '<b>', reason: '"&' }], to: [], now: NOW });
    expect(d.bodyHtml).toContain('<li>&lt;b&gt;: &quot;&amp;</li>');
    expect(d.bodyHtml).toContain('offer p.o\r\nBcc: x could');
    expect(d.subject).toBe('1 lead for p.o  Bcc: x could not be delivered');
  });
});
