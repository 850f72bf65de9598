/** host.json `extensions.durableTask` as the local host reads it: defaults, settings references, bad values refused by name. */
import { describe, expect, it } from 'vitest';
import { durableTaskOptions } from '../../local/durable/options';

describe('durableTask options', () => {
  it("uses the extension's defaults when host.json says nothing", () => {
    expect(durableTaskOptions(undefined, {})).toEqual({ hubName: 'TestHubName', maxConcurrentActivityFunctions: 10, maxConcurrentOrchestratorFunctions: 10, partitionCount: 4 });
  });

  it('reads the limits, the partition count and a %Setting% hub name', () => {
    const section = { hubName: '%HUB%', maxConcurrentActivityFunctions: 3, maxConcurrentOrchestratorFunctions: 2, storageProvider: { partitionCount: 8 } };
    expect(durableTaskOptions(section, { HUB: 'MarketHub' })).toEqual({ hubName: 'MarketHub', maxConcurrentActivityFunctions: 3, maxConcurrentOrchestratorFunctions: 2, partitionCount: 8 });
  });

  it.each([
    [{ hubName: 'a-b' }, /hubName/],
    [{ hubName: '%MISSING%' }, /hubName/],
    [{ maxConcurrentActivityFunctions: 0 }, /maxConcurrentActivityFunctions/],
    [{ storageProvider: { partitionCount: 17 } }, /storageProvider\.partitionCount/],
  ])('refuses %j, naming the setting', (section, message) => {
    expect(() => durableTaskOptions(section, {})).toThrow(message);
  });
});
