/**
 * The lead delivery orchestration's decisions (functions/lead-delivery.ts), driven without a host: a fake context
 * records what the generator yields (activity calls, timers) and answers the attempt activity from a script, as a
 * replay would.
 */
import { describe, expect, it } from 'vitest';
import { leadDeliveryOrchestrator } from '../../../functions/lead-delivery';
import { ATTEMPTS_PER_EXECUTION, type AttemptResult, type LeadDeliveryRef } from '../../../shared/leads/rules/delivery';

const T0 = '2026-03-01T00:00:00.000Z';
const REF: LeadDeliveryRef = { publisherId: 'contoso', offerId: 'app', leadId: 'L1', generation: 2 };

function run(answers: (n: number) => AttemptResult, now = T0, input: unknown = REF) {
  const steps: string[] = [];
  let continued: unknown;
  const df = {
    getInput: <T>() => input as T,
    currentUtcDateTime: new Date(now),
    createTimer: (at: Date) => ({ kind: 'timer', at: at.toISOString() }),
    continueAsNew: (next: unknown) => void (continued = next),
  };
  const inputs: unknown[] = [];
  const gen = leadDeliveryOrchestrator((ref) => (inputs.push(ref), { kind: 'attempt' }) as never)({ df: df as never });
  let sent: unknown;
  let n = 0;
  for (;;) {
    const r = gen.next(sent);
    if (r.done) return { result: r.value, steps, continued, inputs };
    const task = r.value as unknown as { kind: string; at?: string };
    if (task.kind === 'timer') {
      steps.push(`timer ${task.at ?? ''}`);
      sent = undefined;
    } else {
      n += 1;
      steps.push('attempt');
      sent = answers(n);
    }
  }
}

describe('lead delivery orchestration', () => {
  it('ends after one attempt when the lead is delivered', () => {
    const { result, steps, inputs } = run(() => ({ kind: 'done', state: 'delivered' }));
    expect(result).toBe('delivered');
    expect(steps).toEqual(['attempt']);
    expect(inputs).toEqual([REF]);
  });

  it('waits on a durable timer until each next attempt time, then attempts again', () => {
    const waits = ['2026-03-01T00:00:30.000Z', '2026-03-01T00:01:40.000Z'];
    const { result, steps } = run((n) => (n <= 2 ? { kind: 'wait', until: waits[n - 1] as string } : { kind: 'done', state: 'delivered' }));
    expect(result).toBe('delivered');
    expect(steps).toEqual(['attempt', `timer ${waits[0]}`, 'attempt', `timer ${waits[1]}`, 'attempt']);
  });

  it('does not wait for a time that has passed (the host was down, or the clock moved)', () => {
    const { steps } = run((n) => (n === 1 ? { kind: 'wait', until: '2026-02-28T00:00:00.000Z' } : { kind: 'done', state: 'dead_lettered' }));
    expect(steps).toEqual(['attempt', 'attempt']);
    const atNow = run((n) => (n === 1 ? { kind: 'wait', until: T0 } : { kind: 'done', state: 'held' }));
    expect(atNow.steps).toEqual(['attempt', 'attempt']);
    expect(atNow.result).toBe('held');
  });

  it.each(['dead_lettered', 'held', 'superseded'] as const)('ends when the attempt says %s', (state) => {
    expect(run(() => ({ kind: 'done', state })).result).toBe(state);
  });

  it('continues as new with only its ref after ATTEMPTS_PER_EXECUTION calls, so the history stays small', () => {
    const { result, steps, continued } = run(() => ({ kind: 'wait', until: '2026-03-01T06:00:00.000Z' }), T0, { ...REF, extra: 'dropped' });
    expect(result).toBe('continued');
    expect(steps.filter((s) => s === 'attempt')).toHaveLength(ATTEMPTS_PER_EXECUTION);
    expect(steps).toHaveLength(2 * ATTEMPTS_PER_EXECUTION);
    expect(continued).toEqual(REF);
  });
});
