/**
 * License management's part of the composition (specs/saas-licensing.md part B; issue 15): the pool store, the
 * SaaS subscriptions and the catalog as seen through ports, and the use cases; built when the one composition
 * root asks for them (`services().licensing()`). This file never imports the root.
 */
import type { OfferCatalog } from '../catalog/ports';
import type { Clock } from '../clock';
import type { Faults } from '../faults';
import type { SubscriptionRecord } from '../saas/model';
import type { Storage } from '../storage/clients';
import type { LicensePlans, LicenseStore, SeatSources } from './ports';
import { ApprovalFaults } from './service/approval-faults';
import { EnqueueBulk } from './service/bulk-enqueue';
import { ProcessBulk } from './service/bulk-process';
import { BulkStarter } from './service/bulk-starter';
import { BatchStatus } from './service/bulk-status';
import { LicenseCheck } from './service/check';
import { Deals } from './service/deals';
import { PutGroup } from './service/groups';
import { LicenseReport } from './service/report';
import { UpdateLicenses } from './service/license-update';
import { LinkSubscription } from './service/link-subscription';
import { ListPools } from './service/pools';
import { cachedLicenseStore, cachedPlans } from './store/cached-store';
import { catalogPlans } from './store/catalog-plans';
import { TableLicenseStore } from './store/table';

export const LICENSING_TABLES = { licenses: 'Licensing' } as const;

export interface Licensing {
  store: LicenseStore;
  update: UpdateLicenses;
  link: LinkSubscription;
  check: LicenseCheck;
  pools: ListPools;
  /** Bulk and group assignment (decision 0804): enqueue, the workflow's activity, status and retry. */
  bulk: { enqueue: EnqueueBulk; process: ProcessBulk; status: BatchStatus; starter: BulkStarter };
  groups: PutGroup;
  approvals: ApprovalFaults;
  report: LicenseReport;
  /** Deal registration and customer consent (the Dynamics flavour, decision 0806). */
  deals: Deals;
}

/** A SaaS subscription record as a seat source. */
export function seatSourcesOf(record: (id: string) => Promise<SubscriptionRecord | undefined>): SeatSources {
  return {
    async subscription(id) {
      const sub = await record(id);
      if (!sub) return undefined;
      return {
        id: sub.id,
        status: sub.status,
        ...(sub.quantity !== undefined ? { quantity: sub.quantity } : {}),
        publisherId: sub.publisherId,
        offerId: sub.offerId,
        planId: sub.planId,
        beneficiaryTenantId: sub.beneficiary.tenantId.toLowerCase(),
      };
    },
  };
}

export function licensingUseCases(parts: {
  store: LicenseStore;
  sources: SeatSources;
  plans: LicensePlans;
  faults: Faults;
  now: () => Date;
  blockedTenants: readonly string[];
  /** What the run-time check reads through (its cache, decision 0803); the other use cases read `store` and `plans`. */
  checkReads?: { store: LicenseStore; plans: LicensePlans };
}): Licensing {
  const { store, sources, plans, faults, now } = parts;
  const starter = new BulkStarter();
  return {
    store,
    update: new UpdateLicenses({ store, sources, faults, now, blockedTenants: parts.blockedTenants.map((t) => t.toLowerCase()) }),
    link: new LinkSubscription({ store, sources, plans, now }),
    check: new LicenseCheck({ store: parts.checkReads?.store ?? store, sources, plans: parts.checkReads?.plans ?? plans }),
    pools: new ListPools({ store, sources }),
    bulk: {
      enqueue: new EnqueueBulk({ store, sources, faults, handoff: starter, now }),
      process: new ProcessBulk({ store, sources, now }),
      status: new BatchStatus({ store, handoff: starter, now }),
      starter,
    },
    groups: new PutGroup({ store }),
    approvals: new ApprovalFaults({ store }),
    report: new LicenseReport({ store, sources, plans, now }),
    deals: new Deals({ store, sources, plans, now, consentUrl: (id) => `/api/licensing/invitations/${id}/accept` }),
  };
}

export function buildLicensing(parts: {
  storage: Storage;
  clock: Clock;
  faults: Faults;
  catalog: OfferCatalog;
  subscriptions: (id: string) => Promise<SubscriptionRecord | undefined>;
  blockedTenants: readonly string[];
  /** LICENSING_CACHE_TTL_MS: how stale the check may be about another process's writes; 0 = no cache. */
  cacheTtlMs: number;
}): Licensing {
  const table = new TableLicenseStore(() => parts.storage.table(LICENSING_TABLES.licenses));
  // Every use case commits through `cached.store`, so each write in this process drops the rows the check cached.
  const cached = cachedLicenseStore(table, { ttlMs: parts.cacheTtlMs });
  const plans = catalogPlans(parts.catalog);
  return licensingUseCases({
    store: cached.store,
    sources: seatSourcesOf(parts.subscriptions),
    plans,
    faults: parts.faults,
    now: () => parts.clock.now(),
    blockedTenants: parts.blockedTenants,
    checkReads: { store: cached.reads, plans: cachedPlans(plans, { ttlMs: parts.cacheTtlMs }) },
  });
}
