/** In-memory license store with ETags and all-or-nothing commits, and a SaaS seat source, for the service tests. */
import type {
  Consent,
  Deal,
  LicenseAssignment,
  LicenseBatch,
  LicenseGroup,
  LicensePool,
  PoolSnapshot,
  Stored,
} from '../../../../shared/licensing/model';
import { keyOf, rowKey } from '../../../../shared/licensing/store/table';
import type { LicensePlans, LicenseStore, LicenseWrite, LinkedSubscription, SeatSources } from '../../../../shared/licensing/ports';

export class MemoryLicenseStore implements LicenseStore {
  readonly rows = new Map<string, { data: string; etag: string }>();
  #seq = 0;
  commits = 0;

  static key(tenantId: string, w: LicenseWrite) {
    return `${tenantId}/${keyOf(w)}`;
  }

  #get<T>(key: string): Stored<T> | undefined {
    const row = this.rows.get(key);
    return row ? { value: JSON.parse(row.data) as T, etag: row.etag } : undefined;
  }

  async getPool(tenantId: string, skuId: string) {
    return this.#get<LicensePool>(`${tenantId}/pool|${skuId}`);
  }

  async listPools(tenantId: string) {
    return [...this.rows.keys()]
      .filter((k) => k.startsWith(`${tenantId}/pool|`))
      .map((k) => this.#get<LicensePool>(k) as Stored<LicensePool>);
  }

  async getAssignment(tenantId: string, skuId: string, userId: string) {
    return this.#get<LicenseAssignment>(`${tenantId}/user|${skuId}|${userId}`);
  }

  async listAssignments(tenantId: string, skuId: string) {
    return [...this.rows.keys()]
      .filter((k) => k.startsWith(`${tenantId}/user|${skuId}|`))
      .map((k) => this.#get<LicenseAssignment>(k) as Stored<LicenseAssignment>);
  }

  readonly batchIndex = new Map<string, string>();

  #all<T>(marker: string, publisherId: string): T[] {
    return [...this.rows.entries()]
      .filter(([key]) => key.includes(marker))
      .map(([, row]) => JSON.parse(row.data) as T & { publisherId: string })
      .filter((v) => v.publisherId === publisherId);
  }

  async listPoolsOf(publisherId: string) {
    return this.#all<LicensePool>('/pool|', publisherId);
  }

  async listSnapshotsOf(publisherId: string) {
    return this.#all<PoolSnapshot>('/snap|', publisherId);
  }

  readonly faults = new Set<string>();
  readonly index = new Map<string, { tenantId: string; publisherId?: string }>();

  async getDeal(tenantId: string, dealId: string) {
    return this.#get<Deal>(`${tenantId}/${rowKey.deal(dealId)}`);
  }

  async getConsent(tenantId: string, publisherId: string) {
    return this.#get<Consent>(`${tenantId}/${rowKey.consent(publisherId)}`);
  }

  async putIndex(name: 'deal' | 'invitation', id: string, value: { tenantId: string; publisherId?: string }) {
    this.index.set(`${name}/${id}`, value);
  }

  async getIndex(name: 'deal' | 'invitation', id: string) {
    return this.index.get(`${name}/${id}`);
  }

  async getBatch(tenantId: string, batchId: string) {
    return this.#get<LicenseBatch>(`${tenantId}/${rowKey.batch(batchId)}`);
  }

  async batchUsers(tenantId: string, batchId: string, chunk: number) {
    return this.#get<{ userIds: string[] }>(`${tenantId}/${rowKey.batchUsers(batchId, chunk)}`)?.value.userIds;
  }

  async tenantOfBatch(batchId: string) {
    return this.batchIndex.get(batchId);
  }

  async indexBatch(batchId: string, tenantId: string) {
    this.batchIndex.set(batchId, tenantId);
  }

  async getGroup(tenantId: string, groupId: string) {
    return this.#get<LicenseGroup>(`${tenantId}/${rowKey.group(groupId)}`);
  }

  async approvalFails(tenantId: string, userId: string) {
    return this.faults.has(`${tenantId}/${userId}`);
  }

  async setApprovalFault(tenantId: string, userId: string, fail: boolean) {
    if (fail) this.faults.add(`${tenantId}/${userId}`);
    else this.faults.delete(`${tenantId}/${userId}`);
  }

  async commit(tenantId: string, writes: LicenseWrite[]): Promise<'ok' | 'conflict'> {
    for (const w of writes) {
      const current = this.rows.get(MemoryLicenseStore.key(tenantId, w));
      if (w.kind === 'snapshot') continue; // upserted
      if (w.kind === 'delete-assignment' ? !current : w.etag ? current?.etag !== w.etag : current !== undefined) return 'conflict';
    }
    this.commits += 1;
    for (const w of writes) {
      const key = MemoryLicenseStore.key(tenantId, w);
      if (w.kind === 'delete-assignment') this.rows.delete(key);
      else this.rows.set(key, { data: JSON.stringify(w.value), etag: `e${++this.#seq}` });
    }
    return 'ok';
  }
}

export class FakeSources implements SeatSources {
  readonly subs = new Map<string, LinkedSubscription>();
  async subscription(id: string) {
    const sub = this.subs.get(id);
    return sub ? { ...sub } : undefined;
  }
  add(sub: Partial<LinkedSubscription> & { id: string }): LinkedSubscription {
    const full: LinkedSubscription = {
      status: 'Subscribed',
      quantity: 5,
      publisherId: 'contoso',
      offerId: 'teamsapp',
      planId: 'std',
      beneficiaryTenantId: TENANT,
      ...sub,
    };
    this.subs.set(full.id, full);
    return full;
  }
}

export const TENANT = '11111111-1111-4111-8111-111111111111';
export const user = (n: number) => `22222222-2222-4222-8222-${String(n).padStart(12, '0')}`;

export const plans = (perUser = true): LicensePlans => ({
  plan: async (publisherId, offerId, planId) => {
    if (publisherId === 'contoso' && offerId === 'teamsapp' && ['std', 'pro'].includes(planId)) {
      return { licenseManaged: false, perUser, allowInstallWithoutLicense: false };
    }
    // The Dynamics fixture of C.0: offer f365 of fabrikam, license-managed plans bronze and gold.
    if (publisherId === 'fabrikam' && offerId === 'f365' && ['bronze', 'gold'].includes(planId)) {
      return { licenseManaged: true, perUser: false, allowInstallWithoutLicense: false };
    }
    return undefined;
  },
});

export const admin = { kind: 'customer' as const, tenantId: TENANT, userId: user(999), roles: ['License Administrator'] };
