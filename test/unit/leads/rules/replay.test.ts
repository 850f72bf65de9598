/** Rules of replay batches (rules/replay.ts; decision 0526): the batch id of an Idempotency-Key, which leads a batch replays. */
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../../shared/leads/rules/dedupe';
import { REPLAY_PAGE, REPLAY_SWEEP_BATCHES, REPLAY_SWEEP_LEADS, replayBatchIdForKey, replayedBy } from '../../../../shared/leads/rules/replay';
import { pendingDelivery } from '../../../fixtures/leads-fakes';

const CUTOFF = '2026-03-09T10:00:00.000Z';

describe('replayBatchIdForKey', () => {
  it('is k and the first 25 hex characters of sha256 of publisher|offer|key', () => {
    const id = replayBatchIdForKey('contoso', 'app', 'key-1');
    expect(id).toBe(`k${sha256('contoso|app|key-1').slice(0, 25)}`);
    expect(id).toHaveLength(26);
  });

  it('differs by publisher, offer and key, and is the same for the same three', () => {
    const id = replayBatchIdForKey('contoso', 'app', 'key-1');
    expect(replayBatchIdForKey('contoso', 'app', 'key-1')).toBe(id);
    expect(replayBatchIdForKey('fabrikam', 'app', 'key-1')).not.toBe(id);
    expect(replayBatchIdForKey('contoso', 'app2', 'key-1')).not.toBe(id);
    expect(replayBatchIdForKey('contoso', 'app', 'key-2')).not.toBe(id);
  });
});

describe('replayedBy', () => {
  it('takes a lead dead-lettered before or exactly at the cutoff', () => {
    expect(replayedBy(pendingDelivery('L', undefined, { state: 'dead_lettered', deadLetteredAt: '2026-03-09T09:59:59.999Z' }), CUTOFF)).toBe(true);
    expect(replayedBy(pendingDelivery('L', undefined, { state: 'dead_lettered', deadLetteredAt: CUTOFF }), CUTOFF)).toBe(true);
  });

  it('leaves a lead dead-lettered after the cutoff, one without a time, and every other state', () => {
    expect(replayedBy(pendingDelivery('L', undefined, { state: 'dead_lettered', deadLetteredAt: '2026-03-09T10:00:00.001Z' }), CUTOFF)).toBe(false);
    expect(replayedBy(pendingDelivery('L', undefined, { state: 'dead_lettered' }), CUTOFF)).toBe(false);
    for (const state of ['pending', 'held', 'delivered'] as const) {
      expect(replayedBy(pendingDelivery('L', undefined, { state, deadLetteredAt: '2026-03-01T00:00:00.000Z' }), CUTOFF)).toBe(false);
    }
  });

  it('compares times, not text (an offset form of an earlier instant)', () => {
    expect(replayedBy(pendingDelivery('L', undefined, { state: 'dead_lettered', deadLetteredAt: '2026-03-09T11:00:00.000+02:00' }), CUTOFF)).toBe(true);
  });
});

describe('bounds', () => {
  it('pages of 100, 500 leads of at most 10 batches a sweeper run', () => {
    expect([REPLAY_PAGE, REPLAY_SWEEP_LEADS, REPLAY_SWEEP_BATCHES]).toEqual([100, 500, 10]);
  });
});
