/** Names of drives, resource groups and slots. */
import { describe, expect, it } from 'vitest';
import { capacitySlotOf, driveIdOf, parseDriveId, readyKeyOf, readyPrefixOf, resourceGroupOf, sessionInstanceId, slotNumber, standbySlotOf } from '../../../../shared/testdrive/rules/ids';

describe('drive ids', () => {
  it('carry their offer and parse back', () => {
    const id = driveIdOf('contoso', 'crm-1', '01abc');
    expect(id).toBe('contoso.crm-1.01abc');
    expect(parseDriveId(id)).toEqual({ publisherId: 'contoso', offerId: 'crm-1' });
  });

  it.each(['', 'a.b', 'a.b.c.d', 'a..c', 'a.b c.d', `a.${'x'.repeat(51)}.c`, 'a.b.c/'])('rejects %j', (id) => {
    expect(parseDriveId(id)).toBeUndefined();
  });

  it('accepts 50-character parts', () => {
    expect(parseDriveId(`a.${'x'.repeat(50)}.c`)).toEqual({ publisherId: 'a', offerId: 'x'.repeat(50) });
  });
});

describe('names', () => {
  it('names resource groups CloudTry_<offer>_<instance> and orchestrations by drive', () => {
    expect(resourceGroupOf('crm', 'i1')).toBe('CloudTry_crm_i1');
    expect(sessionInstanceId('p.o.x')).toBe('testdrive-p.o.x');
  });

  it('keys slots per region and reads their number back', () => {
    expect(capacitySlotOf('westus', 3)).toBe('westus|3');
    expect(standbySlotOf('westus', 'warm', 2)).toBe('westus|warm|2');
    expect(slotNumber('westus|warm|12')).toBe(12);
    expect(slotNumber('westus|0')).toBe(0);
    expect(slotNumber('')).toBe(-1);
    expect(slotNumber('7')).toBe(-1);
    expect(slotNumber('a|x')).toBe(-1);
    expect(slotNumber('a|-1')).toBe(-1);
    expect(slotNumber('a|-2')).toBe(-1);
    expect(slotNumber('a|1.5')).toBe(-1);
  });
});

describe('the ready index', () => {
  const base = { state: 'ReadyHot', driveId: '', version: 2, region: 'westus', instanceId: '01abc' };

  it('keys unbound ready instances by tier, version, region and id, under their range prefix', () => {
    expect(readyKeyOf(base)).toBe('hot|2|westus|01abc');
    expect(readyKeyOf({ ...base, state: 'ReadyWarm' })).toBe('warm|2|westus|01abc');
    expect(readyPrefixOf('hot', 2, 'westus')).toBe('hot|2|westus|');
    expect(readyPrefixOf('warm', 12, 'eastus')).toBe('warm|12|eastus|');
    expect(readyKeyOf(base)?.startsWith(readyPrefixOf('hot', 2, 'westus'))).toBe(true);
  });

  it.each(['Provisioning', 'Stopping', 'Starting', 'InUse', 'Deprovisioning', 'Deleted'])('has no key in %s', (state) => {
    expect(readyKeyOf({ ...base, state })).toBeUndefined();
  });

  it('has no key once bound to a drive', () => {
    expect(readyKeyOf({ ...base, driveId: 'p.o.d' })).toBeUndefined();
    expect(readyKeyOf({ ...base, state: 'ReadyWarm', driveId: 'p.o.d' })).toBeUndefined();
  });
});
