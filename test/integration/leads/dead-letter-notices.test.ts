/**
 * Dead-letter notices in Azure Table storage (store/dead-letter-notices.ts; decision 0528) against Azurite: a notice
 * per lead (a second dead-lettering of the same lead is the same notice), listed across offers, deleted (a missing one
 * is fine), and each offer's last digest time.
 */
import { describe, expect, it } from 'vitest';
import { TableDeadLetterNotices } from '../../../shared/leads/store/dead-letter-notices';
import { O, P, pendingDelivery } from '../../fixtures/leads-fakes';
import { testStorage } from '../../fixtures/storage';

const dead = (id: string, reason: string, offerId = O) => ({ ...pendingDelivery(id), offerId, state: 'dead_lettered' as const, reason });

describe('TableDeadLetterNotices', () => {
  it('keeps one notice per lead with its latest reason and the time it was written, and deletes them', async () => {
    const storage = testStorage();
    const notices = new TableDeadLetterNotices(() => storage.table('LeadsDue'), () => 42);
    await notices.note(dead('L1', 'http_404'));
    await notices.note(dead('L1', 'window_expired'));
    await notices.note(dead('L2', 'http_410', 'other/offer'));
    const listed = await notices.list(10);
    expect(listed).toEqual([
      { publisherId: P, offerId: O, leadId: 'L1', reason: 'window_expired', writtenAt: 42 },
      { publisherId: P, offerId: 'other/offer', leadId: 'L2', reason: 'http_410', writtenAt: 42 },
    ]);
    expect(await notices.list(1)).toHaveLength(1);
    await notices.forget([listed[0] as never]);
    await notices.forget([listed[0] as never]); // already gone: fine
    expect((await notices.list(10)).map((n) => n.leadId)).toEqual(['L2']);
  });

  it('remembers the last digest time per offer', async () => {
    const storage = testStorage();
    const notices = new TableDeadLetterNotices(() => storage.table('LeadsDue'));
    expect(await notices.lastDigest(P, O)).toBeUndefined();
    await notices.setLastDigest(P, O, '2026-03-01T00:00:00.000Z');
    await notices.setLastDigest(P, O, '2026-03-01T01:00:00.000Z');
    expect(await notices.lastDigest(P, O)).toBe('2026-03-01T01:00:00.000Z');
    expect(await notices.lastDigest(P, 'other')).toBeUndefined();
  });
});
