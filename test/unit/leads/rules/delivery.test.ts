/** Rules of the lead delivery workflow (rules/delivery.ts; decisions 0520–0522). */
import { describe, expect, it } from 'vitest';
import type { Attempt, Delivery } from '../../../../shared/leads/model';
import {
  afterAttempt,
  ATTEMPTS_PER_EXECUTION,
  deadLettered,
  DEFAULT_HOLD_RETENTION_MS,
  DEFAULT_SWEEP_GRACE_MS,
  dueAt,
  held,
  HOLD_EXPIRED,
  holdExpired,
  LEAD_DELIVERY_ACTIVITIES,
  LEAD_DELIVERY_ORCHESTRATION,
  leadDeliveryInstanceId,
  MAX_KEPT_ATTEMPTS,
  overdue,
  owns,
  refOf,
  reopened,
  withAttempt,
} from '../../../../shared/leads/rules/delivery';

const T0 = '2026-03-01T00:00:00.000Z';

function delivery(extra: Partial<Delivery> = {}): Delivery {
  return { leadId: 'L1', publisherId: 'contoso', offerId: 'app', state: 'pending', generation: 2, windowStartedAt: T0, attempts: [], attemptCount: 0, ...extra };
}

function attempt(number: number): Attempt {
  return { outcome: 'retryable', category: 'http_503', number, at: T0, destination: 'HttpsEndpoint', latencyMs: 5 };
}

describe('names and instance ids (persisted in task hubs: never renamed)', () => {
  it('keeps the registered names', () => {
    expect(LEAD_DELIVERY_ORCHESTRATION).toBe('lead-delivery');
    expect(LEAD_DELIVERY_ACTIVITIES).toEqual({ attempt: 'lead-delivery-attempt' });
    expect(ATTEMPTS_PER_EXECUTION).toBe(25);
    expect(DEFAULT_SWEEP_GRACE_MS).toBe(120_000);
  });

  it('derives one instance id per offer, lead and generation', () => {
    expect(leadDeliveryInstanceId({ publisherId: 'contoso', offerId: 'app', leadId: 'L1', generation: 0 })).toBe('lead-contoso.app-L1-g0');
    expect(leadDeliveryInstanceId({ publisherId: 'contoso', offerId: 'app', leadId: 'L1', generation: 3 })).toBe('lead-contoso.app-L1-g3');
    expect(leadDeliveryInstanceId({ publisherId: 'a/b#c', offerId: 'x?y', leadId: 'L1', generation: 0 })).toBe('lead-a%2Fb%23c.x%3Fy-L1-g0');
  });

  it('takes the ref of a row', () => {
    expect(refOf(delivery())).toEqual({ publisherId: 'contoso', offerId: 'app', leadId: 'L1', generation: 2 });
  });
});

describe('owns', () => {
  const ref = { publisherId: 'contoso', offerId: 'app', leadId: 'L1', generation: 2 };
  it('only a pending row of the same generation', () => {
    expect(owns(delivery(), ref)).toBe(true);
    expect(owns(delivery({ generation: 3 }), ref)).toBe(false);
    expect(owns(delivery({ generation: 1 }), ref)).toBe(false);
    expect(owns(delivery({ state: 'held' }), ref)).toBe(false);
    expect(owns(delivery({ state: 'delivered' }), ref)).toBe(false);
    expect(owns(delivery({ state: 'dead_lettered' }), ref)).toBe(false);
    expect(owns(undefined, ref)).toBe(false);
  });
});

describe('withAttempt', () => {
  it('appends, keeping the newest 25', () => {
    expect(MAX_KEPT_ATTEMPTS).toBe(25);
    const full = Array.from({ length: 25 }, (_, i) => attempt(i + 1));
    expect(withAttempt([], attempt(1))).toEqual([attempt(1)]);
    const next = withAttempt(full, attempt(26));
    expect(next).toHaveLength(25);
    expect(next[0]?.number).toBe(2);
    expect(next[24]?.number).toBe(26);
    expect(withAttempt([attempt(1), attempt(2)], attempt(3), 2).map((a) => a.number)).toEqual([2, 3]);
    expect(withAttempt(full.slice(0, 24), attempt(25))).toHaveLength(25);
  });
});

describe('afterAttempt', () => {
  it('pending: the next attempt time, one more attempt, no end fields', () => {
    const d = delivery({ nextAttemptAt: T0, reason: 'x', attemptCount: 4 });
    expect(afterAttempt(d, attempt(5), { state: 'pending', nextAttemptAt: '2026-03-01T00:10:00.000Z' })).toEqual({
      leadId: 'L1',
      publisherId: 'contoso',
      offerId: 'app',
      generation: 2,
      windowStartedAt: T0,
      attempts: [attempt(5)],
      attemptCount: 5,
      state: 'pending',
      nextAttemptAt: '2026-03-01T00:10:00.000Z',
    });
  });

  it('delivered: when, and no next attempt', () => {
    const result = afterAttempt(delivery({ nextAttemptAt: T0 }), attempt(1), { state: 'delivered', at: '2026-03-01T00:00:01.000Z' });
    expect(result).toMatchObject({ state: 'delivered', deliveredAt: '2026-03-01T00:00:01.000Z', attemptCount: 1 });
    expect(result).not.toHaveProperty('nextAttemptAt');
    expect(result).not.toHaveProperty('deadLetteredAt');
    expect(result).not.toHaveProperty('reason');
  });

  it('dead-lettered: when and why', () => {
    const result = afterAttempt(delivery({ nextAttemptAt: T0 }), attempt(1), { state: 'dead_lettered', at: T0, reason: 'http_404' });
    expect(result).toMatchObject({ state: 'dead_lettered', deadLetteredAt: T0, reason: 'http_404', attemptCount: 1 });
    expect(result).not.toHaveProperty('nextAttemptAt');
    expect(result).not.toHaveProperty('deliveredAt');
  });
});

describe('held, deadLettered, reopened', () => {
  it('held drops the next attempt and keeps the reason', () => {
    const result = held(delivery({ nextAttemptAt: T0 }), 'no_destination');
    expect(result).toEqual({ ...delivery(), state: 'held', reason: 'no_destination' });
  });

  it('deadLettered records when and why, without a next attempt', () => {
    expect(deadLettered(delivery({ nextAttemptAt: T0 }), '2026-03-02T00:00:00.000Z', 'invalid_destination')).toEqual({
      ...delivery(),
      state: 'dead_lettered',
      deadLetteredAt: '2026-03-02T00:00:00.000Z',
      reason: 'invalid_destination',
    });
  });

  it('reopened: next generation, fresh window due at once, attempts kept, end fields gone', () => {
    const at = '2026-03-09T00:00:00.000Z';
    const d = delivery({ state: 'dead_lettered', deadLetteredAt: T0, reason: 'http_404', attempts: [attempt(1)], attemptCount: 1, deliveredAt: T0 });
    expect(reopened(d, at)).toEqual({
      leadId: 'L1',
      publisherId: 'contoso',
      offerId: 'app',
      state: 'pending',
      generation: 3,
      windowStartedAt: at,
      nextAttemptAt: at,
      attempts: [attempt(1)],
      attemptCount: 1,
    });
  });
});

describe('dueAt and overdue', () => {
  it('is the next attempt time, or the window start of a fresh capture', () => {
    expect(dueAt(delivery({ nextAttemptAt: '2026-03-01T01:00:00.000Z' }))).toBe('2026-03-01T01:00:00.000Z');
    expect(dueAt(delivery())).toBe(T0);
  });

  it('is overdue only when pending and past its due time by more than the grace', () => {
    const d = delivery({ nextAttemptAt: T0 });
    expect(overdue(d, new Date('2026-03-01T00:02:00.000Z'), 120_000)).toBe(false);
    expect(overdue(d, new Date('2026-03-01T00:02:00.001Z'), 120_000)).toBe(true);
    expect(overdue(delivery({ state: 'held' }), new Date('2026-03-09T00:00:00.000Z'), 120_000)).toBe(false);
    expect(overdue(delivery({ state: 'dead_lettered' }), new Date('2026-03-09T00:00:00.000Z'), 0)).toBe(false);
    expect(overdue(d, new Date('2026-03-01T00:00:00.001Z'), 0)).toBe(true);
  });
});

describe('holdExpired (decision 0527)', () => {
  it('is 30 days and the reason hold_expired', () => {
    expect(DEFAULT_HOLD_RETENTION_MS).toBe(2_592_000_000);
    expect(HOLD_EXPIRED).toBe('hold_expired');
  });

  it('expires a held delivery exactly when its retention since the window start has passed, not a millisecond before', () => {
    const d = delivery({ state: 'held', reason: 'no_destination' });
    expect(holdExpired(d, new Date(Date.parse(T0) + 1_000 - 1), 1_000)).toBe(false);
    expect(holdExpired(d, new Date(Date.parse(T0) + 1_000), 1_000)).toBe(true);
    expect(holdExpired(d, new Date(Date.parse(T0) + 1_001), 1_000)).toBe(true);
  });

  it('counts from the window start (a replay that held it again restarts it), and only for held deliveries', () => {
    const d = delivery({ state: 'held', windowStartedAt: '2026-03-02T00:00:00.000Z' });
    expect(holdExpired(d, new Date(Date.parse(T0) + 1_000), 1_000)).toBe(false);
    for (const state of ['pending', 'delivered', 'dead_lettered'] as const) {
      expect(holdExpired(delivery({ state }), new Date('2027-01-01T00:00:00.000Z'), 1_000)).toBe(false);
    }
  });
});
