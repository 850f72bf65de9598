/** Decision 0008: the banner's function count is broken down by trigger so that the parts add up. */
import { describe, expect, it } from 'vitest';
import { countByTrigger, describeFunctions } from '../../../local/function-kinds';
import type { RegisteredFunction } from '../../../local/functions-core';

const fn = (name: string, type: string): RegisteredFunction => ({
  metadata: { name, bindings: { trigger: { type, direction: 'in' }, client: { type: 'durableClient', direction: 'in' } } },
  callback: () => undefined,
});

const app = [
  ...Array.from({ length: 60 }, (_, i) => fn(`route-${i}`, 'httpTrigger')),
  fn('saas-due-work', 'timerTrigger'),
  fn('metering-anomaly-detection', 'timerTrigger'),
  fn('saas-webhook-delivery', 'orchestrationTrigger'),
  fn('saas-webhook-attempt', 'activityTrigger'),
  fn('saas-webhook-settle', 'activityTrigger'),
  fn('saas-webhook-ack-timeout', 'activityTrigger'),
];

describe('describeFunctions', () => {
  it("accounts for every function of the app's shape (66 = 60 HTTP + 2 timers + 1 orchestration + 3 activities)", () => {
    expect(describeFunctions(app)).toBe('66 (60 HTTP, 2 timers, 1 orchestration, 3 activities)');
    expect([...countByTrigger(app).values()].reduce((a, b) => a + b, 0)).toBe(app.length);
  });

  it('names trigger kinds it has no label for', () => {
    expect(describeFunctions([fn('q', 'queueTrigger'), fn('e', 'entityTrigger'), fn('t', 'timerTrigger')])).toBe(
      '3 (1 timer, 1 entity, 1 queue)',
    );
  });
});
