/** The contract helper itself: it must reject a body the document forbids, or contract tests prove nothing. */
import { describe, expect, it } from 'vitest';
import { contractErrors, contractsAvailable } from '../fixtures/contracts';

describe.skipIf(!contractsAvailable)('contract validator', () => {
  const accepted = {
    usageEventId: '2d8a3fd0-2b54-4a2a-b56f-8c11b0a1d0f3',
    status: 'Accepted',
    messageTime: '2024-03-10T12:30:00.0000000Z',
    resourceId: 'b1a3c3e2-8a22-4f1d-9d1e-5b2a53f7d6a1',
    quantity: 5,
    dimension: 'dim1',
    effectiveStartTime: '2024-03-10T11:00:00Z',
    planId: 'plan1',
  };

  it('accepts a documented usage event response', () => {
    expect(contractErrors('meteringapi.v1.json', 'post', '/usageEvent', 200, accepted)).toBeUndefined();
  });

  it('rejects a wrongly typed field', () => {
    expect(contractErrors('meteringapi.v1.json', 'post', '/usageEvent', 200, { ...accepted, quantity: 'five' })).toMatch(/quantity/);
  });
});
