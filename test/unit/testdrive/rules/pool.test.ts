/** The pool manager's plan (specs/testdrive.md 2.5, §4 cases 28, 39–44, 70–71). */
import { describe, expect, it } from 'vitest';
import type { TestDriveConfig } from '../../../../shared/testdrive/model';
import { planPool } from '../../../../shared/testdrive/rules/pool';
import { inst } from './fixtures';

function config(instances: TestDriveConfig['instances'], regions = ['a']): TestDriveConfig {
  return { regions, instances, durationHours: 1, template: {}, parameters: [], description: '', accessInformation: 'x' };
}

describe('planPool', () => {
  it('fills an empty pool hot first, then warm, in every region; no cold instance is made', () => {
    const plan = planPool([], config({ hot: 2, warm: 1, cold: 3 }, ['a', 'b']), 1);
    expect(plan).toEqual({
      drain: [],
      create: [
        { region: 'a', purpose: 'hot', standbySlot: 'a|hot|0', capacitySlot: 'a|0' },
        { region: 'a', purpose: 'hot', standbySlot: 'a|hot|1', capacitySlot: 'a|1' },
        { region: 'a', purpose: 'warm', standbySlot: 'a|warm|0', capacitySlot: 'a|2' },
        { region: 'b', purpose: 'hot', standbySlot: 'b|hot|0', capacitySlot: 'b|0' },
        { region: 'b', purpose: 'hot', standbySlot: 'b|hot|1', capacitySlot: 'b|1' },
        { region: 'b', purpose: 'warm', standbySlot: 'b|warm|0', capacitySlot: 'b|2' },
      ],
    });
  });

  it('refills a taken hot slot into a free capacity slot', () => {
    const list = [
      inst({ instanceId: 'h0', region: 'a', standbySlot: 'a|hot|0', capacitySlot: 'a|0' }),
      inst({ instanceId: 'taken', region: 'a', state: 'InUse', driveId: 'd', capacitySlot: 'a|1' }),
    ];
    expect(planPool(list, config({ hot: 2, warm: 0, cold: 2 }), 1)).toEqual({
      drain: [],
      create: [{ region: 'a', purpose: 'hot', standbySlot: 'a|hot|1', capacitySlot: 'a|2' }],
    });
  });

  it('does not refill while the region is at capacity, and refills hot first once a slot frees', () => {
    const full = [
      inst({ instanceId: 'u1', region: 'a', state: 'InUse', driveId: 'd1', capacitySlot: 'a|0' }),
      inst({ instanceId: 'u2', region: 'a', state: 'Deprovisioning', driveId: 'd2', capacitySlot: 'a|1' }),
    ];
    expect(planPool(full, config({ hot: 1, warm: 1, cold: 0 }), 1)).toEqual({ drain: [], create: [] });
    const freed = [full[0]!, { ...full[1]!, state: 'Deleted' as const }];
    expect(planPool(freed, config({ hot: 1, warm: 1, cold: 0 }), 1).create).toEqual([{ region: 'a', purpose: 'hot', standbySlot: 'a|hot|0', capacitySlot: 'a|1' }]);
  });

  it('counts standby still provisioning or stopping as held', () => {
    const list = [
      inst({ instanceId: 'p', region: 'a', state: 'Provisioning', standbySlot: 'a|hot|0', capacitySlot: 'a|0' }),
      inst({ instanceId: 's', region: 'a', state: 'Stopping', purpose: 'warm', standbySlot: 'a|warm|0', capacitySlot: 'a|1' }),
    ];
    expect(planPool(list, config({ hot: 1, warm: 1, cold: 0 }), 1)).toEqual({ drain: [], create: [] });
  });

  it('drains standby above a lowered target, by slot, and never a bound instance', () => {
    const list = [
      inst({ instanceId: 'h0', region: 'a', standbySlot: 'a|hot|0', capacitySlot: 'a|0' }),
      inst({ instanceId: 'h1', region: 'a', standbySlot: 'a|hot|1', capacitySlot: 'a|1' }),
      inst({ instanceId: 'h2', region: 'a', standbySlot: 'a|hot|2', capacitySlot: 'a|2' }),
      inst({ instanceId: 'used', region: 'a', state: 'InUse', driveId: 'd', capacitySlot: 'a|3' }),
    ];
    expect(planPool(list, config({ hot: 1, warm: 0, cold: 3 }), 1)).toEqual({ drain: ['h1', 'h2'], create: [] });
  });

  it('drains the old version and dropped regions and fills the new version', () => {
    const list = [
      inst({ instanceId: 'old', region: 'a', version: 1, standbySlot: 'a|hot|0', capacitySlot: 'a|0' }),
      inst({ instanceId: 'gone', region: 'z', version: 2, standbySlot: 'z|hot|0', capacitySlot: 'z|0' }),
      inst({ instanceId: 'bound', region: 'a', version: 1, state: 'InUse', driveId: 'd', capacitySlot: 'a|1' }),
    ];
    expect(planPool(list, config({ hot: 1, warm: 0, cold: 1 }), 2)).toEqual({
      drain: ['old', 'gone'],
      create: [],
    });
    const deleted = list.map((i) => (i.instanceId === 'bound' ? i : { ...i, state: 'Deleted' as const }));
    expect(planPool(deleted, config({ hot: 1, warm: 0, cold: 1 }), 2).create).toEqual([{ region: 'a', purpose: 'hot', standbySlot: 'a|hot|0', capacitySlot: 'a|0' }]);
  });

  it('drains every standby instance when the test drive is disabled, keeping bound ones and creating none', () => {
    const list = [
      inst({ instanceId: 'h', region: 'a', standbySlot: 'a|hot|0', capacitySlot: 'a|0' }),
      inst({ instanceId: 'w', region: 'a', state: 'ReadyWarm', purpose: 'warm', standbySlot: 'a|warm|0', capacitySlot: 'a|1' }),
      inst({ instanceId: 'u', region: 'a', state: 'InUse', driveId: 'd', capacitySlot: 'a|2' }),
      inst({ instanceId: 'x', region: 'a', state: 'Deprovisioning', capacitySlot: 'a|3' }),
    ];
    expect(planPool(list, undefined, 1)).toEqual({ drain: ['h', 'w'], create: [] });
  });

  it('drains a cold-purpose instance that somehow holds a standby slot', () => {
    const list = [inst({ instanceId: 'c', region: 'a', purpose: 'cold', standbySlot: 'a|warm|0', capacitySlot: 'a|0' })];
    expect(planPool(list, config({ hot: 1, warm: 1, cold: 0 }), 1).drain).toEqual(['c']);
  });

  it('never counts or drains a bound instance, nor an unbound one without a standby slot', () => {
    const list = [
      inst({ instanceId: 'bound', region: 'a', state: 'Provisioning', purpose: 'cold', driveId: 'd', standbySlot: 'a|hot|0', capacitySlot: 'a|0' }),
      inst({ instanceId: 'loose', region: 'a', state: 'ReadyHot', standbySlot: '', capacitySlot: 'a|1' }),
    ];
    expect(planPool(list, undefined, 1)).toEqual({ drain: [], create: [] });
    expect(planPool(list, config({ hot: 1, warm: 0, cold: 2 }), 1)).toEqual({
      drain: [],
      create: [{ region: 'a', purpose: 'hot', standbySlot: 'a|hot|0', capacitySlot: 'a|2' }],
    });
  });

  it('refills a drained slot in the same plan when capacity allows', () => {
    const list = [inst({ instanceId: 'old', region: 'a', version: 1, standbySlot: 'a|hot|0', capacitySlot: 'a|0' })];
    expect(planPool(list, config({ hot: 1, warm: 0, cold: 1 }), 2)).toEqual({
      drain: ['old'],
      create: [{ region: 'a', purpose: 'hot', standbySlot: 'a|hot|0', capacitySlot: 'a|1' }],
    });
  });

  it('keeps warm standby within its target', () => {
    const list = [inst({ instanceId: 'w0', region: 'a', state: 'ReadyWarm', purpose: 'warm', standbySlot: 'a|warm|0', capacitySlot: 'a|0' })];
    expect(planPool(list, config({ hot: 0, warm: 1, cold: 0 }), 1)).toEqual({ drain: [], create: [] });
    expect(planPool(list, config({ hot: 0, warm: 0, cold: 1 }), 1)).toEqual({ drain: ['w0'], create: [] });
  });
});
