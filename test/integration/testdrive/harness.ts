/** A test drive capability over the run's Azurite with a fake catalog, fake leads and a fake clock. */
import { PausePoints, type Faults } from '../../../shared/faults';
import type { OfferCatalog } from '../../../shared/catalog/ports';
import type { CaptureLead } from '../../../shared/leads/service/capture';
import { buildTestDrive, TESTDRIVE_TABLES } from '../../../shared/testdrive/composition';
import type { Customer, Drive, OfferTestDrive, TestDriveConfig } from '../../../shared/testdrive/model';
import type { DriveLeads, InstanceProvider } from '../../../shared/testdrive/ports';
import { DEFAULT_TIMEOUTS } from '../../../shared/testdrive/rules/lifetime';
import type { DriveRequest } from '../../../shared/testdrive/service/request-drive';
import { SimulatedProvider, type SimulatedOp } from '../../../shared/testdrive/store/simulated-provider';
import { FakeClock } from '../../fixtures/leads-fakes';
import { testStorage } from '../../fixtures/storage';

export const P = 'contoso';
export const O = 'crm';
export const T0 = '2026-03-01T00:00:00.000Z';

export function armConfig(over: Partial<TestDriveConfig> = {}): TestDriveConfig {
  return {
    regions: ['westus2'],
    instances: { hot: 2, warm: 0, cold: 0 },
    durationHours: 2,
    template: {
      parameters: { adminUser: { type: 'string', metadata: { type: 'username' } }, adminPassword: { type: 'securestring', metadata: { type: 'password' } } },
      outputs: { user: { type: 'string', value: "[parameters('adminUser')]" }, url: { type: 'string', value: '[reference(x).fqdn]' } },
    },
    parameters: [
      { name: 'adminUser', kind: 'username' },
      { name: 'adminPassword', kind: 'password' },
    ],
    description: 'Your lab is being prepared.',
    accessInformation: 'Sign in with the credentials below.',
    azureSubscriptionId: '6a2b9a49-2d1e-4c8f-8d1e-0a1b2c3d4e5f',
    ...over,
  };
}

export class FakeOffers {
  versions = new Map<number, TestDriveConfig>();
  live: OfferTestDrive['state'] = 'enabled';
  version = 1;

  constructor(config: TestDriveConfig) {
    this.versions.set(1, config);
  }

  publish(config: TestDriveConfig): void {
    this.version += 1;
    this.versions.set(this.version, config);
  }

  port() {
    return {
      live: async (publisherId: string, offerId: string): Promise<OfferTestDrive> => {
        if (publisherId !== P || offerId !== O) return { state: 'not-found' };
        if (this.live !== 'enabled') return { state: this.live } as OfferTestDrive;
        return { state: 'enabled', publisherId, offerId, version: this.version, title: 'CRM', config: this.versions.get(this.version) as TestDriveConfig };
      },
      configAt: async (_p: string, _o: string, version: number) => this.versions.get(version),
    };
  }
}

export class FakeLeads implements DriveLeads {
  captured: { driveId: string; description: string }[] = [];
  byDrive = new Map<string, string>();
  failures = 0;

  async capture(drive: Drive, details: { description: string }): Promise<string> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('leads unavailable');
    }
    const existing = this.byDrive.get(drive.driveId);
    if (existing) return existing;
    const leadId = `lead-${this.byDrive.size + 1}`;
    this.byDrive.set(drive.driveId, leadId);
    this.captured.push({ driveId: drive.driveId, description: details.description });
    return leadId;
  }
}

export function harness(options: { config?: TestDriveConfig; delaysMs?: Partial<Record<SimulatedOp, number>>; faults?: Faults; refill?: boolean } = {}) {
  const storage = testStorage();
  const clock = new FakeClock(T0);
  const offers = new FakeOffers(options.config ?? armConfig());
  const leads = new FakeLeads();
  const faults = options.faults ?? new PausePoints();
  const delaysMs = { deploy: 0, stop: 0, start: 0, delete: 0, ...options.delaysMs };
  const provider = new SimulatedProvider(() => storage.table(TESTDRIVE_TABLES.simulated), clock, { delaysMs, faults: {} });
  // Another host over the same storage: its own in-memory state (the ready list), the same tables and provider.
  // `over`: another provider object (an Azure provider as a restarted host has it).
  const host = (over?: InstanceProvider) => buildTestDrive({
    storage,
    clock,
    faults,
    catalog: {} as OfferCatalog,
    capture: () => ({}) as CaptureLead,
    settings: { pollMs: 30_000, timeouts: DEFAULT_TIMEOUTS, simulated: { delaysMs, faults: {} } },
    provider: over ?? provider,
    offers: offers.port(),
    leads,
    log: () => undefined,
    refillAfterClaim: options.refill ?? false,
  });
  const td = host();
  const pool = { publisherId: P, offerId: O };
  let n = 0;
  const customer = (i = ++n): Customer => ({ tenantId: 'tenant', objectId: `user-${i}` });
  const request = (over: Partial<DriveRequest> = {}): DriveRequest => ({
    publisherId: P,
    offerId: O,
    storefront: 'AzureMarketplace',
    userDetails: { FirstName: 'Ada', LastName: 'L', Email: 'ada@example.com', Phone: '', Country: 'US', Company: '', Title: '' },
    consentAt: T0,
    ...over,
  });
  const states = async () => {
    const out: Record<string, number> = {};
    for (const s of await td.store.instances(pool)) out[s.value.state] = (out[s.value.state] ?? 0) + 1;
    return out;
  };
  return { storage, clock, offers, leads, faults, provider, td, host, pool, customer, request, states };
}
