/** Webhook delivery (rules/delivery.ts): the body, the outbox row, retry spacing and when the delivery has run its course. */
import { describe, expect, it } from 'vitest';
import type { OperationRecord } from '../../../../shared/saas/model';
import {
  DELIVERY_ACTIVITIES,
  DELIVERY_ORCHESTRATION,
  deliveryInstanceId,
  followingAttempt,
  generationOf,
  outboxRecord,
  retryDelayMs,
  webhookPayload,
  type DeliveryInput,
} from '../../../../shared/saas/rules/delivery';

const T0 = '2026-01-01T00:00:00.000Z';
const HOURS_8 = 8 * 3_600_000;
const base: DeliveryInput = { publisherId: 'contoso', operationId: 'op-1', generation: 0, maxAttempts: 500, retryPeriodMs: HOURS_8 };

describe('retry schedule [DEC-A29]', () => {
  it('backs off exponentially up to the even spacing of 500 attempts over 8 hours [DEC-A29]', () => {
    const period = 8 * 3600_000;
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, period, 500))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(50, period, 500)).toBe(57_600);
  });

  it.each([
    { maxAttempts: 500, period: HOURS_8, n: 1, expected: '2026-01-01T00:00:01.000Z' },
    { maxAttempts: 500, period: HOURS_8, n: 499, expected: '2026-01-01T00:00:57.600Z' },
    { maxAttempts: 500, period: HOURS_8, n: 500, expected: undefined },
    { maxAttempts: 500, period: 60_000, n: 2, expected: undefined }, // the next one would fall outside the period
  ])('the attempt after $n (max $maxAttempts over $period ms) is due at $expected', ({ maxAttempts, period, n, expected }) => {
    expect(followingAttempt({ ...base, maxAttempts, retryPeriodMs: period }, n, T0, '2025-12-31T23:59:00.000Z')).toBe(expected);
  });

  it('still makes an attempt due exactly at the end of the retry period, and none after it', () => {
    // Attempts one second apart (4 s over 10 attempts is below the 1 s floor): attempt 4 is due at T0 + 3 s.
    const input = { ...base, maxAttempts: 10, retryPeriodMs: 4000 };
    expect(followingAttempt(input, 3, '2026-01-01T00:00:03.000Z', T0)).toBe('2026-01-01T00:00:04.000Z');
    expect(followingAttempt(input, 4, '2026-01-01T00:00:04.000Z', T0)).toBeUndefined();
  });
});

const op: OperationRecord = {
  id: '11111111-0000-4000-8000-000000000001',
  activityId: '22222222-0000-4000-8000-000000000002',
  subscriptionId: '7d2f0a3e-0000-4000-8000-000000000003',
  offerId: 'offer1',
  publisherId: 'contoso',
  planId: 'silver',
  quantity: 25,
  action: 'ChangeQuantity',
  timeStamp: '2019-04-15T20:17:00.000Z',
  status: 'InProgress',
  errorStatusCode: '',
  errorMessage: '',
  source: 'Marketplace',
  ackRequired: true,
};
const SENT = '2019-04-15T20:17:31.735Z';

describe('the webhook body [004:26173-26184]', () => {
  it('carries the operation, the time it is sent, and InProgress for an action that waits for the publisher [DEC-A30]', () => {
    expect(webhookPayload(op, SENT)).toEqual({
      id: op.id,
      activityId: op.activityId,
      subscriptionId: op.subscriptionId,
      publisherId: 'contoso',
      offerId: 'offer1',
      planId: 'silver',
      quantity: 25,
      timeStamp: SENT,
      action: 'ChangeQuantity',
      status: 'InProgress',
      operationRequestSource: 'Azure',
    });
  });

  it("says who started the change: Partner for the ISV's own PATCH, Azure for the customer's or the marketplace's (issue 23)", () => {
    expect(webhookPayload({ ...op, source: 'Publisher' }, SENT).operationRequestSource).toBe('Partner');
    expect(webhookPayload({ ...op, source: 'Marketplace' }, SENT).operationRequestSource).toBe('Azure');
  });

  it('says Success for an inform-only action (Renew, Suspend, Unsubscribe)', () => {
    expect(webhookPayload({ ...op, action: 'Renew', ackRequired: false }, SENT).status).toBe('Success');
  });

  it('leaves quantity out for a flat-rate plan ("can be empty if not relevant")', () => {
    const { quantity: _omit, ...flat } = op;
    expect('quantity' in webhookPayload({ ...flat, action: 'ChangePlan' }, SENT)).toBe(false);
  });
});

describe('the outbox row of a notifying change', () => {
  it('is pending, not yet attempted, and due at once', () => {
    expect(outboxRecord(op, SENT)).toEqual({
      operationId: op.id,
      subscriptionId: op.subscriptionId,
      publisherId: 'contoso',
      payload: webhookPayload(op, SENT),
      state: 'pending',
      attempts: 0,
      nextAttemptAt: SENT,
      createdAt: SENT,
    });
  });

  it.each([
    ['a row never redelivered', {}, 0],
    ['a row redelivered twice by the publisher', { generation: 2 }, 2],
    ['a row whose generation is not a number', { generation: '2' }, 0],
  ])('%s is in delivery generation %i', (_case, extra, expected) => {
    expect(generationOf({ ...outboxRecord(op, SENT), ...extra })).toBe(expected);
  });
});

describe('delivery orchestrations (names persisted in task hubs)', () => {
  it('keeps the orchestration and activity names that running deliveries are recorded under', () => {
    expect(DELIVERY_ORCHESTRATION).toBe('saas-webhook-delivery');
    expect(DELIVERY_ACTIVITIES).toEqual({
      attempt: 'saas-webhook-attempt',
      settle: 'saas-webhook-settle',
      ackTimeout: 'saas-webhook-ack-timeout',
    });
  });

  it.each([
    ['the first delivery', 0, 'saas-webhook-op-1'],
    ['the first redelivery', 1, 'saas-webhook-op-1-r1'],
    ['the third redelivery', 3, 'saas-webhook-op-1-r3'],
  ])('%s of an operation has its own instance id', (_case, generation, expected) => {
    expect(deliveryInstanceId('op-1', generation)).toBe(expected);
  });

  it('names the first delivery without a generation suffix by default', () => {
    expect(deliveryInstanceId('op-1')).toBe('saas-webhook-op-1');
  });
});
