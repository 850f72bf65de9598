/**
 * The drive orchestration's decisions (functions/testdrive-session.ts), driven without a host: a fake context records
 * what the generator yields (step calls, durable timers) and answers the step activity from a script, as a replay
 * would.
 */
import { describe, expect, it } from 'vitest';
import { STEPS_PER_EXECUTION, testDriveSessionOrchestrator } from '../../../functions/testdrive-session';
import type { SessionStep } from '../../../shared/testdrive/service/drive-session';

const T0 = '2026-03-01T00:00:00.000Z';

function run(answers: (n: number) => SessionStep, now = T0) {
  const steps: string[] = [];
  let continued: unknown;
  const df = {
    getInput: <T>() => ({ driveId: 'contoso.crm.d1' }) as T,
    currentUtcDateTime: new Date(now),
    createTimer: (at: Date) => ({ kind: 'timer', at: at.toISOString() }),
    continueAsNew: (next: unknown) => void (continued = next),
  };
  const inputs: unknown[] = [];
  const gen = testDriveSessionOrchestrator((input) => (inputs.push(input), { kind: 'step' }) as never)({ df: df as never });
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
      steps.push('step');
      sent = answers(n);
    }
  }
}

describe('test drive session orchestration', () => {
  it('ends when the step says the drive is done', () => {
    const { result, steps, inputs } = run(() => ({ kind: 'done' }));
    expect(result).toBe('ended');
    expect(steps).toEqual(['step']);
    expect(inputs).toEqual([{ driveId: 'contoso.crm.d1' }]);
  });

  it('waits on a durable timer until each time the step names (polls, then the expiry), then steps again', () => {
    const waits = ['2026-03-01T00:00:30.000Z', '2026-03-01T02:00:30.000Z'];
    const { result, steps } = run((n) => (n <= 2 ? { kind: 'wait', until: waits[n - 1] as string } : { kind: 'done' }));
    expect(result).toBe('ended');
    expect(steps).toEqual(['step', `timer ${waits[0]}`, 'step', `timer ${waits[1]}`, 'step']);
  });

  it('sets no timer for a time already past', () => {
    const { steps } = run((n) => (n === 1 ? { kind: 'wait', until: T0 } : { kind: 'done' }));
    expect(steps).toEqual(['step', 'step']);
  });

  it(`continues as new after ${STEPS_PER_EXECUTION} steps with the same drive`, () => {
    const { result, steps, continued } = run(() => ({ kind: 'wait', until: '2026-03-02T00:00:00.000Z' }));
    expect(result).toBe('continued');
    expect(steps.filter((s) => s === 'step')).toHaveLength(STEPS_PER_EXECUTION);
    expect(continued).toEqual({ driveId: 'contoso.crm.d1' });
  });
});
