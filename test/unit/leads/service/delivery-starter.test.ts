/** The hand-over to the lead delivery orchestration (service/delivery-starter.ts; decision 0520). */
import { describe, expect, it } from 'vitest';
import { noFaults, PausePoints } from '../../../../shared/faults';
import { FAULT_BEFORE_HANDOFF, HANDOFF_CONCURRENCY, LeadDeliveryStarter } from '../../../../shared/leads/service/delivery-starter';
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
    await starter.idle();
    expect(logs).toEqual([`lead ${REF.leadId}: delivery not started yet (Request failed with status code: 500); the sweeper will`]);
  });

  it('logs a hand-over without a client', async () => {
    const logs: string[] = [];
    const starter = new LeadDeliveryStarter(noFaults, (m) => logs.push(m));
    await starter.handoff(REF);
    await starter.idle();
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
    await starter.idle();
    expect(client.started).toHaveLength(1);
  });
});

/** A durable client whose starts stay open until the test ends them. */
class SlowClient {
  readonly open: { instanceId: string; finish: () => void }[] = [];
  startNew(_name: string, options: { instanceId: string }): Promise<string> {
    return new Promise((resolve) => this.open.push({ instanceId: options.instanceId, finish: () => resolve(options.instanceId) }));
  }
}

const ref = (i: number) => ({ ...REF, leadId: `L${i}` });

describe('hand-over in the background', () => {
  it('returns before the orchestration start answers (the 202 does not wait for it)', async () => {
    const client = new SlowClient();
    const starter = new LeadDeliveryStarter(noFaults);
    starter.attach(client);
    await starter.handoff(REF);
    expect(client.open.map((o) => o.instanceId)).toEqual(['lead-contoso.contoso-app-01HZX3ABCDEFGHJKMNPQRSTVWX-g0']);
    client.open[0]?.finish();
    await starter.idle();
  });

  it('starts at most HANDOFF_CONCURRENCY at a time, in order, and drains the queue', async () => {
    expect(HANDOFF_CONCURRENCY).toBe(4);
    const client = new SlowClient();
    const starter = new LeadDeliveryStarter(noFaults);
    starter.attach(client);
    for (let i = 0; i < 6; i += 1) await starter.handoff(ref(i));
    expect(client.open.map((o) => o.instanceId.split('-')[3])).toEqual(['L0', 'L1', 'L2', 'L3']);
    client.open[1]?.finish();
    await until(() => client.open.length === 5);
    expect(client.open[4]?.instanceId).toContain('-L4-');
    for (const o of client.open) o.finish();
    await until(() => client.open.length === 6);
    client.open[5]?.finish();
    await starter.idle();
  });

  it('leaves hand-overs beyond the queue limit to the sweeper, and says so', async () => {
    const client = new SlowClient();
    const logs: string[] = [];
    const starter = new LeadDeliveryStarter(noFaults, (m) => logs.push(m), { concurrency: 1, queueMax: 2 });
    starter.attach(client);
    for (let i = 0; i < 4; i += 1) await starter.handoff(ref(i));
    // L0 is starting, L1 and L2 are queued, L3 found the queue full.
    expect(logs).toEqual(['lead L3: hand-over queue full; the sweeper starts its delivery']);
    for (let i = 0; i < 3; i += 1) {
      await until(() => client.open.length === i + 1);
      client.open[i]?.finish();
    }
    await starter.idle();
    expect(client.open.map((o) => o.instanceId.split('-')[3])).toEqual(['L0', 'L1', 'L2']);
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i += 1) await new Promise((r) => setImmediate(r));
  expect(condition()).toBe(true);
}
