/** The hand-over to the lead delivery orchestration (service/delivery-starter.ts; decision 0520). */
import { describe, expect, it } from 'vitest';
import { noFaults, PausePoints } from '../../../../shared/faults';
import { FAULT_BEFORE_HANDOFF, LeadDeliveryStarter } from '../../../../shared/leads/service/delivery-starter';
import { FakeDurableClient, O, P } from '../../../fixtures/leads-fakes';

const REF = { publisherId: P, offerId: O, leadId: '01HZX3ABCDEFGHJKMNPQRSTVWX', generation: 0 };

describe('LeadDeliveryStarter', () => {
  it('starts one orchestration per lead and generation, under a derived instance id', async () => {
    const client = new FakeDurableClient();
    const starter = new LeadDeliveryStarter(noFaults);
    starter.attach(client);
    expect(await starter.start(REF)).toBe('started');
    expect(await starter.start(REF)).toBe('running');
    expect(await starter.start({ ...REF, generation: 1 })).toBe('started');
    expect(client.started).toEqual([
      { name: 'lead-delivery', instanceId: 'lead-contoso.contoso-app-01HZX3ABCDEFGHJKMNPQRSTVWX-g0', input: REF },
      { name: 'lead-delivery', instanceId: 'lead-contoso.contoso-app-01HZX3ABCDEFGHJKMNPQRSTVWX-g1', input: { ...REF, generation: 1 } },
    ]);
  });

  it('is unavailable until a durable client is attached, and keeps the first one', async () => {
    const starter = new LeadDeliveryStarter(noFaults);
    expect(await starter.start(REF)).toBe('unavailable');
    expect(starter.attached).toBe(false);
    const first = new FakeDurableClient();
    starter.attach(first);
    starter.attach(new FakeDurableClient());
    await starter.start(REF);
    expect(first.started).toHaveLength(1);
  });

  it('throws other start failures, but the hand-over after a commit only logs them (the sweeper starts it)', async () => {
    const client = new FakeDurableClient();
    client.failWith = new Error('Request failed with status code: 500');
    const logs: string[] = [];
    const starter = new LeadDeliveryStarter(noFaults, (m) => logs.push(m));
    starter.attach(client);
    await expect(starter.start(REF)).rejects.toThrow('status code: 500');
    await expect(starter.handoff(REF)).resolves.toBeUndefined();
    expect(logs).toEqual([`lead ${REF.leadId}: delivery not started yet (Request failed with status code: 500); the sweeper will`]);
  });

  it('logs a hand-over without a client', async () => {
    const logs: string[] = [];
    await new LeadDeliveryStarter(noFaults, (m) => logs.push(m)).handoff(REF);
    expect(logs).toEqual([`lead ${REF.leadId}: no durable client bound yet; the sweeper starts its delivery`]);
  });

  it('reaches the crash point before it starts anything', async () => {
    const faults = new PausePoints();
    const gate = faults.pause(FAULT_BEFORE_HANDOFF);
    const client = new FakeDurableClient();
    const starter = new LeadDeliveryStarter(faults);
    starter.attach(client);
    const running = starter.handoff(REF);
    await gate.arrivals(1);
    expect(client.started).toHaveLength(0);
    gate.release();
    await running;
    expect(client.started).toHaveLength(1);
  });
});
