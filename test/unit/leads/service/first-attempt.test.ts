/**
 * The first attempt in the capturing process (service/first-attempt.ts; decision 0524), over a scripted attempt and a
 * recording orchestration hand-over. Each test names the wrong implementation it catches: a capture that waits for
 * the delivery, a retryable failure that is not handed to the orchestration (the lead would wait for the sweeper's
 * grace), an unbounded burst of attempts (2,000 sockets), a hanging offer that takes every slot or the whole queue,
 * a row trusted long after it was queued.
 */
import { describe, expect, it } from 'vitest';
import { PausePoints, noFaults } from '../../../../shared/faults';
import type { KnownDelivery } from '../../../../shared/leads/ports';
import type { AttemptResult, LeadDeliveryRef } from '../../../../shared/leads/rules/delivery';
import { FAULT_BEFORE_HANDOFF } from '../../../../shared/leads/service/delivery-starter';
import { FAULT_BEFORE_FIRST_ATTEMPT, FirstAttempts, type FirstAttemptSettings } from '../../../../shared/leads/service/first-attempt';
import { FakeClock, lead, pendingDelivery } from '../../../fixtures/leads-fakes';

const T0 = '2026-03-01T00:00:00.000Z';

function ref(leadId: string, offerId = 'app'): LeadDeliveryRef {
  return { publisherId: 'contoso', offerId, leadId, generation: 1 };
}

/** An attempt that waits until the test answers it. */
class GatedAttempts {
  readonly calls: { ref: LeadDeliveryRef; known: KnownDelivery | undefined; answer: (r: AttemptResult | Error) => void }[] = [];
  running = 0;
  maxRunning = 0;
  readonly attempt = (r: LeadDeliveryRef, known?: KnownDelivery): Promise<AttemptResult> => {
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    return new Promise<AttemptResult>((resolve, reject) => {
      this.calls.push({
        ref: r,
        known,
        answer: (x) => {
          this.running -= 1;
          if (x instanceof Error) reject(x);
          else resolve(x);
        },
      });
    });
  };
  ids(): string[] {
    return this.calls.map((c) => c.ref.leadId);
  }
}

const flush = () => new Promise((r) => setImmediate(r));

function setup(settings: Partial<FirstAttemptSettings> = {}, faults = noFaults) {
  const attempts = new GatedAttempts();
  const handedOver: LeadDeliveryRef[] = [];
  const logs: string[] = [];
  const clock = new FakeClock(T0);
  const first = new FirstAttempts({
    attempt: attempts.attempt,
    orchestration: { handoff: async (r) => void handedOver.push(r) },
    faults,
    clock,
    log: (m) => logs.push(m),
    settings: { concurrency: 4, queueMax: 100, offerConcurrency: 5, offerQueueMax: 50, freshMs: 60_000, ...settings },
  });
  return { first, attempts, handedOver, logs, clock };
}

describe('the first attempt after the commit', () => {
  it('answers the capture before the attempt ends; a delivered lead is never handed to an orchestration', async () => {
    const { first, attempts, handedOver } = setup();
    const known: KnownDelivery = { lead: lead('L1'), delivery: pendingDelivery('L1'), etag: 'e1' };
    await first.handoff(ref('L1'), known); // resolves while the attempt is still open
    await flush();
    expect(attempts.calls).toHaveLength(1);
    expect(attempts.calls[0]?.known).toBe(known);
    expect(first.pending).toBe(1);
    attempts.calls[0]?.answer({ kind: 'done', state: 'delivered' });
    await first.idle();
    expect(handedOver).toEqual([]);
    expect(first.counts).toEqual({ attempted: 1, finished: 1, toOrchestration: 0, overflow: 0 });
    expect(first.pending).toBe(0);
  });

  it.each<[string, AttemptResult | Error]>([
    ['a retryable failure (wait for the next attempt)', { kind: 'wait', until: '2026-03-01T00:00:30.000Z' }],
    ['an attempt that threw (storage down)', new Error('ECONNRESET')],
  ])('%s is handed to its orchestration once', async (_name, answer) => {
    const { first, attempts, handedOver, logs } = setup();
    await first.handoff(ref('L1'));
    await flush();
    attempts.calls[0]?.answer(answer);
    await first.idle();
    await flush();
    expect(handedOver).toEqual([ref('L1')]);
    expect(first.counts).toEqual({ attempted: 1, finished: 0, toOrchestration: 1, overflow: 0 });
    expect(logs.length).toBe(answer instanceof Error ? 1 : 0);
  });

  it('a hand-over that throws is logged, not thrown (the sweeper starts the delivery)', async () => {
    const logs: string[] = [];
    const first = new FirstAttempts({
      attempt: async () => ({ kind: 'wait', until: T0 }),
      orchestration: { handoff: async () => Promise.reject(new Error('no durable client')) },
      faults: noFaults,
      clock: new FakeClock(T0),
      log: (m) => logs.push(m),
      settings: { concurrency: 1, queueMax: 1, offerConcurrency: 1, offerQueueMax: 1, freshMs: 0 },
    });
    await first.handoff(ref('L1'));
    await first.idle();
    await flush();
    expect(logs).toEqual(['lead L1: delivery not handed to its orchestration (no durable client); the sweeper will']);
  });

  it('runs at most `concurrency` attempts at a time; the rest wait their turn in order', async () => {
    const { first, attempts } = setup({ concurrency: 2, offerConcurrency: 10 });
    for (const id of ['L1', 'L2', 'L3', 'L4']) await first.handoff(ref(id));
    await flush();
    expect(attempts.ids()).toEqual(['L1', 'L2']);
    expect(first.pending).toBe(4);
    attempts.calls[1]?.answer({ kind: 'done', state: 'delivered' });
    await flush();
    expect(attempts.ids()).toEqual(['L1', 'L2', 'L3']);
    for (const c of attempts.calls.slice(0, 1).concat(attempts.calls.slice(2))) c.answer({ kind: 'done', state: 'delivered' });
    await flush();
    attempts.calls[3]?.answer({ kind: 'done', state: 'delivered' });
    await first.idle();
    expect(attempts.ids()).toEqual(['L1', 'L2', 'L3', 'L4']);
    expect(attempts.maxRunning).toBe(2);
  });

  it('runs at most `offerConcurrency` attempts to one offer; another offer’s lead is not held up behind them', async () => {
    const { first, attempts } = setup({ concurrency: 4, offerConcurrency: 2 });
    for (const id of ['A1', 'A2', 'A3']) await first.handoff(ref(id, 'hangs'));
    await first.handoff(ref('B1', 'other'));
    await flush();
    expect(attempts.ids()).toEqual(['A1', 'A2', 'B1']);
    attempts.calls[2]?.answer({ kind: 'done', state: 'delivered' });
    await flush();
    expect(attempts.ids()).toEqual(['A1', 'A2', 'B1']); // a free slot, but the offer has two in flight
    attempts.calls[0]?.answer({ kind: 'done', state: 'delivered' });
    await flush();
    expect(attempts.ids()).toEqual(['A1', 'A2', 'B1', 'A3']);
  });

  it('a full queue hands the lead straight to its orchestration, without an attempt here', async () => {
    const { first, attempts, handedOver } = setup({ concurrency: 1, queueMax: 2 });
    for (const id of ['L1', 'L2', 'L3', 'L4', 'L5']) await first.handoff(ref(id));
    await flush();
    // L1 runs, L2 and L3 wait (the queue holds 2): L4 and L5 overflow.
    expect(handedOver.map((r) => r.leadId)).toEqual(['L4', 'L5']);
    expect(first.counts.overflow).toBe(2);
    for (let i = 0; i < 3; i += 1) {
      attempts.calls[i]?.answer({ kind: 'done', state: 'delivered' });
      await flush();
    }
    await first.idle();
    expect(attempts.ids()).toEqual(['L1', 'L2', 'L3']);
  });

  it('one offer fills at most its share of the queue; another offer still queues', async () => {
    const { first, attempts, handedOver } = setup({ concurrency: 1, offerConcurrency: 1, queueMax: 10, offerQueueMax: 2 });
    for (const id of ['A1', 'A2', 'A3', 'A4']) await first.handoff(ref(id, 'hangs'));
    await first.handoff(ref('B1', 'other'));
    await flush();
    expect(handedOver.map((r) => r.leadId)).toEqual(['A4']);
    expect(first.pending).toBe(4);
    expect(attempts.ids()).toEqual(['A1']);
    attempts.calls[0]?.answer({ kind: 'done', state: 'delivered' });
    await flush();
    expect(attempts.ids()).toEqual(['A1', 'B1']); // round robin: the other offer goes next
  });

  it('with concurrency 0 every lead goes to its orchestration (the first attempt turned off)', async () => {
    const { first, attempts, handedOver } = setup({ concurrency: 0 });
    await first.handoff(ref('L1'));
    await flush();
    expect(attempts.calls).toEqual([]);
    expect(handedOver).toEqual([ref('L1')]);
  });

  it('trusts the committed row only while it is fresh: a lead that waited longer than freshMs is read again', async () => {
    const { first, attempts, clock } = setup({ concurrency: 1, freshMs: 1000 });
    const known = (id: string): KnownDelivery => ({ lead: lead(id), delivery: pendingDelivery(id), etag: 'e' });
    await first.handoff(ref('L1'), known('L1'));
    await first.handoff(ref('L2'), known('L2'));
    await first.handoff(ref('L3'), known('L3'));
    await flush();
    clock.advance(1000); // L2 waited exactly freshMs: still trusted
    attempts.calls[0]?.answer({ kind: 'done', state: 'delivered' });
    await flush();
    clock.advance(1); // L3 waited 1001 ms
    attempts.calls[1]?.answer({ kind: 'done', state: 'delivered' });
    await flush();
    expect(attempts.calls.map((c) => c.known?.lead.leadId)).toEqual(['L1', 'L2', undefined]);
  });

  it('reaches the hand-over crash point before queueing and the first-attempt point before the attempt', async () => {
    const faults = new PausePoints();
    const { first, attempts } = setup({}, faults);
    const before = faults.pause(FAULT_BEFORE_HANDOFF);
    const handing = first.handoff(ref('L1'));
    await before.arrivals(1);
    expect(first.pending).toBe(0); // not queued while paused there
    const attempt = faults.pause(FAULT_BEFORE_FIRST_ATTEMPT);
    before.release();
    await handing;
    await attempt.arrivals(1);
    expect(first.pending).toBe(1);
    expect(attempts.calls).toEqual([]);
    attempt.release();
    await flush();
    expect(attempts.ids()).toEqual(['L1']);
  });
});
