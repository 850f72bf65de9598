/** Builds the SaaS capability from the composition root's parts (called lazily by `services().saas()`). */
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Faults } from '../faults';
import type { LocalKeyStore } from '../auth/keys';
import { mintToken, nameGuid } from '../auth/tokens';
import type { OfferCatalog } from '../catalog/ports';
import { OutboundClient } from '../outbound/client';
import type { Storage } from '../storage/clients';
import { DeliveryStarter } from './delivery-starter';
import { TableDueIndex, withDueIndex } from './due';
import { WebhookDelivery, withOutboxHandoff } from './outbox';
import { SaasService } from './service';
import { cachedStore } from './cache';
import type { SubscriptionStore } from './ports';
import { TableSubscriptionStore } from './store';

export interface Saas {
  service: SaasService;
  /** What the delivery orchestration's activities do (shared/saas/outbox.ts). */
  delivery: WebhookDelivery;
  /** Starts delivery orchestrations (after a commit, on redelivery, from the sweeper). */
  starter: DeliveryStarter;
  store: SubscriptionStore;
}

/** The marketplace's own identity when it calls ISVs (webhooks). */
export const MARKETPLACE_CALLER = {
  tenantId: nameGuid('marketplace-tenant', 'marketplace'),
  appId: nameGuid('marketplace-app', 'marketplace'),
};

export function buildSaas(parts: {
  config: Config;
  storage: Storage;
  clock: Clock;
  faults: Faults;
  keys: LocalKeyStore;
  catalog: OfferCatalog;
}): Saas {
  const { config, storage, clock, faults } = parts;
  const table = new TableSubscriptionStore(
    () => storage.table('SaasSubscriptions'),
    () => storage.table('SaasIndex'),
  );
  const starter = new DeliveryStarter({
    maxAttempts: config.saas.webhookMaxAttempts,
    retryPeriodMs: config.saas.webhookRetryPeriodMs,
  });
  // Cache for reads, then the due index (its checks read the table, never the cache), then the hand-over of new
  // outbox rows to their orchestrations right after the commit (decisions 0410, 0411).
  const indexed = withDueIndex(
    cachedStore(table, { ttlMs: config.saas.cacheTtlMs }),
    new TableDueIndex(() => storage.table('SaasDue')),
    table,
  );
  const store = withOutboxHandoff(indexed, starter.handoff, faults);
  const service = new SaasService({
    store,
    catalog: parts.catalog,
    clock,
    faults,
    settings: {
      purchaseTokenTtlMs: config.saas.purchaseTokenTtlMs,
      ackWindowMs: config.saas.ackWindowMs,
      pendingExpiryMs: config.saas.pendingExpiryMs,
    },
  });
  const delivery = new WebhookDelivery({
    store,
    service,
    catalog: parts.catalog,
    client: new OutboundClient(config.outbound),
    clock,
    faults,
    bearerFor: async (audience) =>
      (
        await mintToken(
          parts.keys,
          { kind: 'app', ...MARKETPLACE_CALLER },
          { issuerBase: config.auth.localIssuerBase, audience, now: clock.now(), lifetimeSeconds: 600 },
        )
      ).accessToken,
  });
  return { service, delivery, starter, store };
}
