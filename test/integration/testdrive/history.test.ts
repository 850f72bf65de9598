/**
 * The pool's history (decision 0709): an ended drive and its deleted instance stay readable (the customer's GET, the
 * admin route) for the history kept, 30 days by default, and then leave the partition, so the pool's reads do not
 * grow with every drive ever taken.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_HISTORY_MS } from '../../../shared/testdrive/rules/lifetime';
import { armConfig, harness } from './harness';

describe('test drive history', () => {
  it('keeps an ended drive and its deleted instance for 30 days, then the cleanup removes both', async () => {
    const h = harness({ config: armConfig({ instances: { hot: 1, warm: 0, cold: 0 } }) });
    await h.td.reconcile.reconcile(h.pool);
    const me = h.customer();
    const { drive } = await h.td.requests.request(me, h.request());
    await h.td.sessions.end(me, drive.driveId);
    expect((await h.td.store.getInstance(h.pool, drive.instanceId))!.value.state).toBe('Deleted');

    h.clock.advance(DEFAULT_HISTORY_MS);
    const kept = await h.td.cleanup.run();
    expect(kept.purged).toBe(0);
    expect((await h.td.sessions.read(me, drive.driveId)).value).toMatchObject({ state: 'Ended', endReason: 'user' });
    expect((await h.td.store.getInstance(h.pool, drive.instanceId))!.value.state).toBe('Deleted');

    h.clock.advance(1);
    const purged = await h.td.cleanup.run();
    expect(purged.purged).toBe(2);
    expect(await h.td.store.getDrive(h.pool, drive.driveId)).toBeUndefined();
    expect(await h.td.store.getInstance(h.pool, drive.instanceId)).toBeUndefined();
    await expect(h.td.sessions.read(me, drive.driveId)).rejects.toMatchObject({ code: 'TestDriveNotFound' });
    // The pool itself is untouched: its refilled hot instance is live, and nothing of it is removed again.
    expect(await h.states()).toEqual({ ReadyHot: 1 });
    expect((await h.td.cleanup.run()).purged).toBe(0);
  });
});
