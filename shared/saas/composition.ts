/**
 * SaaS's part of the composition: its stores and use cases, built when the one composition root
 * (shared/composition.ts) asks for them (`services().saas()`); this file never imports the root.
 */
import type { Clock } from '../clock';
import { MARKETPLACE_API_RESOURCE, type Config } from '../config';
import type { Faults } from '../faults';
import type { LocalKeyStore } from '../auth/keys';
import { mintToken, nameGuid } from '../auth/tokens';
import type { OfferCatalog } from '../catalog/ports';
import { OutboundClient } from '../outbound/client';
import type { Storage } from '../storage/clients';
import type { SubscriptionRecord } from './model';
import type { PurchaseLeads, SubscriptionStore } from './ports';
import { BillingEvents } from './service/billing';
import { SubscriptionChanges } from './service/changes';
import { CustomerSubscriptionList } from './service/customer-list';
import { DeliveryStarter } from './service/delivery-starter';
import { DueWork } from './service/due-work';
import { FulfillmentApi } from './service/fulfillment';
import { SaasCore, type SaasDeps } from './service/internal';
import { Storefront } from './service/storefront';
import { WebhookDelivery } from './service/webhook-delivery';
import { cachedStore } from './store/cache';
import { TableDueIndex, withDueIndex } from './store/due-index';
import { withOutboxHandoff } from './store/handoff';
import { TableSubscriptionStore } from './store/table';
import { subscriptionView } from './http/views';

export const SAAS_TABLES = { subscriptions: 'SaasSubscriptions', index: 'SaasIndex', due: 'SaasDue' } as const;

/** The SaaS use cases over one store (tests build them with their own store and fakes). */
export interface SaasUseCases {
  /** The fulfillment API v2 the ISV calls. */
  fulfillment: FulfillmentApi;
  /** The customer's purchases and changes. */
  storefront: Storefront;
  /** The customer's own subscriptions, newest first (decision 1003). */
  customerList: CustomerSubscriptionList;
  /** Plan/quantity changes and cancellation from either side (the fulfillment API and the storefront use it). */
  changes: SubscriptionChanges;
  /** The operator's billing events and the ledger. */
  billing: BillingEvents;
  /** The timers: term ends, grace periods, pending expiry, ACK windows. */
  dueWork: DueWork;
  /** For metering: the subscription record with its plan and status history (undefined when unknown). */
  subscriptionRecord: (id: string) => Promise<SubscriptionRecord | undefined>;
}

export function saasUseCases(core: SaasCore): SaasUseCases {
  const changes = new SubscriptionChanges(core);
  return {
    fulfillment: new FulfillmentApi(core, changes),
    storefront: new Storefront(core, changes),
    customerList: new CustomerSubscriptionList(core),
    changes,
    billing: new BillingEvents(core),
    dueWork: new DueWork(core),
    subscriptionRecord: (id) => core.record(id),
  };
}

export interface Saas extends SaasUseCases {
  /** What the delivery orchestration's activities do, and the publisher's delivery log. */
  delivery: WebhookDelivery;
  /** Starts delivery orchestrations (after a commit, on redelivery, from the sweeper). */
  starter: DeliveryStarter;
  store: SubscriptionStore;
}

/** The tenant of a webhook token when the offer names no Entra tenant (the ISV's tenant otherwise). */
export const MARKETPLACE_TENANT = nameGuid('marketplace-tenant', 'marketplace');

export function buildSaas(parts: {
  config: Config;
  storage: Storage;
  clock: Clock;
  faults: Faults;
  keys: LocalKeyStore;
  catalog: OfferCatalog;
  /** Where purchases' leads go (decision 0501). */
  leads?: PurchaseLeads;
}): Saas {
  const { config, storage, clock, faults } = parts;
  const table = new TableSubscriptionStore(
    () => storage.table(SAAS_TABLES.subscriptions),
    () => storage.table(SAAS_TABLES.index),
  );
  const starter = new DeliveryStarter({
    maxAttempts: config.saas.webhookMaxAttempts,
    retryPeriodMs: config.saas.webhookRetryPeriodMs,
  });
  // Cache for reads, then the due index (its checks read the table, never the cache), then the hand-over of new
  // outbox rows to their orchestrations right after the commit (decisions 0410, 0411).
  const indexed = withDueIndex(
    cachedStore(table, { ttlMs: config.saas.cacheTtlMs }),
    new TableDueIndex(() => storage.table(SAAS_TABLES.due)),
    table,
  );
  const store = withOutboxHandoff(indexed, starter.handoff, faults);
  const deps: SaasDeps = {
    store,
    catalog: parts.catalog,
    clock,
    faults,
    ...(parts.leads ? { leads: parts.leads } : {}),
    settings: {
      purchaseTokenTtlMs: config.saas.purchaseTokenTtlMs,
      ackWindowMs: config.saas.ackWindowMs,
      isvChangeDelayMs: config.saas.isvChangeDelayMs,
      pendingExpiryMs: config.saas.pendingExpiryMs,
    },
  };
  const core = new SaasCore(deps);
  const delivery = new WebhookDelivery({
    core,
    client: new OutboundClient(config.outbound),
    subscriptionBody: subscriptionView,
    handoff: starter.handoff,
    // Shaped as the SaaS Accelerator validates it (its ValidateJwtToken.cs): issued in the ISV's tenant (v2 issuer
    // `{authority}/{tenant}/v2.0`), audience = the ISV's app, the marketplace API as the calling app.
    bearerFor: async (isv) =>
      (
        await mintToken(
          parts.keys,
          { kind: 'app', tenantId: isv.tenantId || MARKETPLACE_TENANT, appId: MARKETPLACE_API_RESOURCE },
          {
            issuerBase: config.auth.localIssuerBase,
            audience: isv.appId,
            version: 'v2',
            now: clock.now(),
            lifetimeSeconds: 600,
            claims: { appid: MARKETPLACE_API_RESOURCE, appidacr: '1' },
          },
        )
      ).accessToken,
  });
  return { ...saasUseCases(core), delivery, starter, store };
}
