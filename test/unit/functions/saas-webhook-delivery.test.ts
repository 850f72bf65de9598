/**
 * The delivery orchestration's decisions (functions/saas-webhook-delivery.ts), driven without a host: a fake
 * context and fake activity handles record what the generator yields (timers, activities) and answer activities
 * from a script, as a replay would.
 */
import { describe, expect, it } from 'vitest';
import { deliveryOrchestrator } from '../../../functions/saas-webhook-delivery';
import { ATTEMPTS_PER_EXECUTION, DELIVERY_ACTIVITIES, type AttemptOutcome, type DeliveryInput } from '../../../shared/saas/rules/delivery';

type Step = { timer: string } | { activity: string; input: unknown };

const T0 = '2026-01-01T00:00:00.000Z';
const HOURS_8 = 8 * 3_600_000;

/** Runs the generator to its end; the clock stands still at `now` (so every timer is yielded). */
function run(input: DeliveryInput, answer: (name: string, n: number) => unknown, now = T0) {
  const steps: Step[] = [];
  let continued: DeliveryInput | undefined;
  let attempts = 0;
  const df = {
    getInput: <T>() => input as T,
    currentUtcDateTime: new Date(now),
    createTimer: (at: Date) => ({ kind: 'timer', at: at.toISOString() }),
    continueAsNew: (next: unknown) => void (continued = next as DeliveryInput),
  };
  const activity = (name: string) => (value: unknown) => ({ kind: 'activity', name, value }) as never;
  const deliverWebhook = deliveryOrchestrator({
    attempt: activity(DELIVERY_ACTIVITIES.attempt),
    settle: activity(DELIVERY_ACTIVITIES.settle),
    ackTimeout: activity(DELIVERY_ACTIVITIES.ackTimeout),
  });
  const gen = deliverWebhook({ df: df as never });
  let sent: unknown;
  for (;;) {
    const r = gen.next(sent);
    if (r.done) return { result: r.value, steps, continued };
    const task = r.value as unknown as { kind: string; at?: string; name?: string; value?: unknown };
    if (task.kind === 'timer') {
      steps.push({ timer: task.at ?? '' });
      sent = undefined;
    } else {
      steps.push({ activity: task.name ?? '', input: task.value });
      if (task.name === DELIVERY_ACTIVITIES.attempt) attempts += 1;
      sent = answer(task.name ?? '', attempts);
    }
  }
}

const base: DeliveryInput = { publisherId: 'contoso', operationId: 'op-1', generation: 0, maxAttempts: 500, retryPeriodMs: HOURS_8 };
const rejected: AttemptOutcome = { kind: 'rejected' };

describe('delivery orchestration', () => {
  it('retries until accepted, then waits for the ACK deadline and closes the window (C.10-87)', () => {
    const deadline = '2026-01-01T00:00:13.000Z';
    const { result, steps } = run(base, (name, n) =>
      name === DELIVERY_ACTIVITIES.attempt ? (n < 3 ? rejected : { kind: 'accepted', at: '2026-01-01T00:00:03.000Z' }) : deadline,
    );
    expect(result).toBe('delivered');
    expect(steps.map((s) => ('timer' in s ? `timer ${s.timer.slice(11, 19)}` : s.activity))).toEqual([
      DELIVERY_ACTIVITIES.attempt,
      'timer 00:00:01',
      DELIVERY_ACTIVITIES.attempt,
      'timer 00:00:03',
      DELIVERY_ACTIVITIES.attempt,
      DELIVERY_ACTIVITIES.settle,
      'timer 00:00:13',
      DELIVERY_ACTIVITIES.ackTimeout,
    ]);
  });

  it('an inform-only operation (no deadline) ends at the acceptance', () => {
    const { steps } = run(base, (name) => (name === DELIVERY_ACTIVITIES.attempt ? { kind: 'accepted', at: T0 } : null));
    expect(steps.map((s) => ('timer' in s ? 'timer' : s.activity))).toEqual([DELIVERY_ACTIVITIES.attempt, DELIVERY_ACTIVITIES.settle]);
  });

  it('a superseded or settled row stops the delivery without a settle', () => {
    const { result, steps } = run(base, () => ({ kind: 'stop' }));
    expect([result, steps.length]).toEqual(['stopped', 1]);
  });

  it('500 attempts over 8 h by default, across executions of 50 (continue-as-new), then the change fails [DEC-A29]', () => {
    let input: DeliveryInput | undefined = base;
    let total = 0;
    let last: string | undefined;
    let lastDue = T0;
    for (let executions = 0; input; executions += 1) {
      expect(executions).toBeLessThan(20);
      const { result, steps, continued } = run(input, (name) => (name === DELIVERY_ACTIVITIES.attempt ? rejected : null), T0);
      const attempts = steps.filter((s) => 'activity' in s && s.activity === DELIVERY_ACTIVITIES.attempt);
      expect(attempts.length).toBeLessThanOrEqual(ATTEMPTS_PER_EXECUTION);
      total += attempts.length;
      for (const s of steps) if ('timer' in s) lastDue = s.timer;
      last = result;
      if (result === 'failed') expect(steps.at(-1)).toMatchObject({ activity: DELIVERY_ACTIVITIES.settle, input: { outcome: 'failed' } });
      input = continued;
    }
    expect([last, total]).toEqual(['failed', 500]);
    expect(Date.parse(lastDue) - Date.parse(T0)).toBeLessThanOrEqual(HOURS_8);
  });

  it('attempts whose time has passed run back to back (a moved clock drains the schedule)', () => {
    const resumed = { ...base, maxAttempts: 3, firstAt: T0, nextAt: T0 }; // e.g. after a host outage
    const { steps } = run(resumed, (name) => (name === DELIVERY_ACTIVITIES.attempt ? rejected : null), '2026-01-02T00:00:00.000Z');
    expect(steps.filter((s) => 'timer' in s)).toEqual([]);
    expect(steps.filter((s) => 'activity' in s && s.activity === DELIVERY_ACTIVITIES.attempt)).toHaveLength(3);
  });
});
