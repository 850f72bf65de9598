/** Which instance a drive takes (specs/testdrive.md 2.4, §4 cases 30–36). */
import { describe, expect, it } from 'vitest';
import { candidates, freeCapacitySlots, freeSlots, readyRanges, regionOrder, rotate } from '../../../../shared/testdrive/rules/selection';
import { inst } from './fixtures';

describe('regionOrder', () => {
  it('puts a configured preferred region first, then the configured order', () => {
    expect(regionOrder(['a', 'b', 'c'], 'b')).toEqual(['b', 'a', 'c']);
    expect(regionOrder(['a', 'b', 'c'], 'a')).toEqual(['a', 'b', 'c']);
  });

  it('ignores a missing or unconfigured preferred region', () => {
    expect(regionOrder(['a', 'b'], undefined)).toEqual(['a', 'b']);
    expect(regionOrder(['a', 'b'], 'z')).toEqual(['a', 'b']);
  });
});

describe('candidates', () => {
  const opts = { version: 1, regions: ['a', 'b'], spread: 0 };

  it('orders hot before warm before adopted provisions, the tier beating the region', () => {
    const list = [
      inst({ instanceId: 'p', region: 'a', state: 'Provisioning' }),
      inst({ instanceId: 'w', region: 'a', state: 'ReadyWarm', purpose: 'warm' }),
      inst({ instanceId: 'h', region: 'b', state: 'ReadyHot' }),
    ];
    expect(candidates(list, { ...opts, preferred: 'a' })).toEqual([
      { tier: 'hot', instanceId: 'h' },
      { tier: 'warm', instanceId: 'w' },
      { tier: 'cold-adopted', instanceId: 'p' },
    ]);
  });

  it('prefers the preferred region within a tier, oldest ready first', () => {
    const list = [
      inst({ instanceId: 'a2', region: 'a', readyAt: '2026-01-01T00:02:00Z' }),
      inst({ instanceId: 'a1', region: 'a', readyAt: '2026-01-01T00:01:00Z' }),
      inst({ instanceId: 'b1', region: 'b', readyAt: '2026-01-01T00:00:00Z' }),
    ];
    expect(candidates(list, { ...opts, preferred: 'b' }).map((c) => c.instanceId)).toEqual(['b1', 'a1', 'a2']);
    expect(candidates(list, opts).map((c) => c.instanceId)).toEqual(['a1', 'a2', 'b1']);
  });

  it('orders by creation when not ready yet and by id on ties', () => {
    const list = [
      inst({ instanceId: 'y', region: 'a', state: 'Provisioning', createdAt: '2026-01-01T00:00:00Z' }),
      inst({ instanceId: 'x', region: 'a', state: 'Provisioning', createdAt: '2026-01-01T00:00:00Z' }),
      inst({ instanceId: 'z', region: 'a', state: 'Provisioning', createdAt: '2025-12-31T00:00:00Z' }),
    ];
    expect(candidates(list, opts).map((c) => c.instanceId)).toEqual(['z', 'x', 'y']);
  });

  it('rotates by the spread within a region so concurrent requests start apart', () => {
    const list = ['1', '2', '3'].map((n) => inst({ instanceId: n, region: 'a', readyAt: `2026-01-01T00:0${n}:00Z` }));
    expect(candidates(list, { ...opts, spread: 1 }).map((c) => c.instanceId)).toEqual(['2', '3', '1']);
    expect(candidates(list, { ...opts, spread: 5 }).map((c) => c.instanceId)).toEqual(['3', '1', '2']);
    expect(candidates(list, { ...opts, spread: -1 }).map((c) => c.instanceId)).toEqual(['2', '3', '1']);
    expect(candidates(list, { ...opts, spread: 3 }).map((c) => c.instanceId)).toEqual(['1', '2', '3']);
  });

  it('skips bound, other-version, unconfigured-region, retrying and other-state instances', () => {
    const list = [
      inst({ instanceId: 'bound', region: 'a', driveId: 'd' }),
      inst({ instanceId: 'old', region: 'a', version: 0 }),
      inst({ instanceId: 'gone', region: 'z' }),
      inst({ instanceId: 'retry', region: 'a', state: 'Provisioning', retryAt: '2026-01-01T00:00:00Z' }),
      inst({ instanceId: 'use', region: 'a', state: 'InUse' }),
      inst({ instanceId: 'stop', region: 'a', state: 'Stopping' }),
      inst({ instanceId: 'del', region: 'a', state: 'Deprovisioning' }),
      inst({ instanceId: 'ok', region: 'a' }),
    ];
    expect(candidates(list, opts)).toEqual([{ tier: 'hot', instanceId: 'ok' }]);
  });

  it('answers nothing for an empty pool', () => {
    expect(candidates([], opts)).toEqual([]);
  });
});

describe('freeCapacitySlots', () => {
  it('lists the slots no live instance holds, preferred region first', () => {
    const list = [inst({ instanceId: '1', region: 'a', capacitySlot: 'a|0' }), inst({ instanceId: '2', region: 'b', capacitySlot: 'b|1' })];
    expect(freeCapacitySlots(list, { regions: ['a', 'b'], preferred: 'b', capacity: 2 })).toEqual([
      { region: 'b', slot: 'b|0' },
      { region: 'a', slot: 'a|1' },
    ]);
  });

  it('frees the slot of a deleted instance', () => {
    const list = [inst({ instanceId: '1', region: 'a', capacitySlot: 'a|0', state: 'Deleted' })];
    expect(freeCapacitySlots(list, { regions: ['a'], capacity: 1 })).toEqual([{ region: 'a', slot: 'a|0' }]);
  });

  it('counts deprovisioning instances as live (they still use quota)', () => {
    const list = [inst({ instanceId: '1', region: 'a', capacitySlot: 'a|0', state: 'Deprovisioning' })];
    expect(freeCapacitySlots(list, { regions: ['a'], capacity: 1 })).toEqual([]);
  });

  it('has nothing free at zero capacity', () => {
    expect(freeCapacitySlots([], { regions: ['a'], capacity: 0 })).toEqual([]);
  });
});

describe('readyRanges', () => {
  it('reads hot before warm, each in region order with the preferred region first, all of the live version', () => {
    expect(readyRanges({ version: 3, regions: ['a', 'b'], preferred: 'b' })).toEqual([
      { tier: 'hot', prefix: 'hot|3|b|' },
      { tier: 'hot', prefix: 'hot|3|a|' },
      { tier: 'warm', prefix: 'warm|3|b|' },
      { tier: 'warm', prefix: 'warm|3|a|' },
    ]);
  });

  it('keeps the configured order without a preferred region and reads nothing without regions', () => {
    expect(readyRanges({ version: 1, regions: ['x', 'y'] }).map((r) => r.prefix)).toEqual(['hot|1|x|', 'hot|1|y|', 'warm|1|x|', 'warm|1|y|']);
    expect(readyRanges({ version: 1, regions: [] })).toEqual([]);
  });
});

describe('freeSlots', () => {
  it('lists slots 0..capacity-1 of each region that nobody holds, preferred region first', () => {
    expect(freeSlots(new Set(['a|0', 'b|1']), { regions: ['a', 'b'], preferred: 'b', capacity: 2 })).toEqual([
      { region: 'b', slot: 'b|0' },
      { region: 'a', slot: 'a|1' },
    ]);
  });

  it('has none when every slot is held or the capacity is 0', () => {
    expect(freeSlots(new Set(['a|0', 'a|1']), { regions: ['a'], capacity: 2 })).toEqual([]);
    expect(freeSlots(new Set(), { regions: ['a'], capacity: 0 })).toEqual([]);
    expect(freeSlots(new Set(['a|2']), { regions: ['a'], capacity: 1 })).toEqual([{ region: 'a', slot: 'a|0' }]);
  });
});

describe('rotate', () => {
  it('starts at the spread modulo the length, negatives by their size; an empty list stays empty', () => {
    expect(rotate(['1', '2', '3'], 4)).toEqual(['2', '3', '1']);
    expect(rotate(['1', '2', '3'], -2)).toEqual(['3', '1', '2']);
    expect(rotate(['1', '2', '3'], 2.9)).toEqual(['3', '1', '2']);
    expect(rotate([], 5)).toEqual([]);
  });
});
