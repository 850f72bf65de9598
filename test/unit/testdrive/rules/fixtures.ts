/** An instance builder for the rules' tests. */
import type { Instance } from '../../../../shared/testdrive/model';

export function inst(over: Partial<Instance> & { instanceId: string }): Instance {
  return {
    publisherId: 'contoso',
    offerId: 'crm',
    version: 1,
    region: 'westus2',
    purpose: 'hot',
    state: 'ReadyHot',
    driveId: '',
    capacitySlot: 'westus2|0',
    standbySlot: '',
    resourceGroup: `CloudTry_crm_${over.instanceId}`,
    createdAt: '2026-01-01T00:00:00.000Z',
    stateAt: '2026-01-01T00:00:00.000Z',
    attempts: 0,
    username: 'admin00001',
    password: 'x',
    sessionId: 's',
    ...over,
  };
}
