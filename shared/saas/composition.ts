/** Builds the SaaS capability from the composition root's parts (called lazily by `services().saas()`). */
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Faults } from '../faults';
import type { LocalKeyStore } from '../auth/keys';
import { mintToken, nameGuid } from '../auth/tokens';
import type { OfferCatalog } from '../catalog/ports';
import { OutboundClient } from '../http/outbound';
import type { Storage } from '../storage/clients';
import { WebhookDispatcher } from './outbox';
import { SaasService } from './service';
import { cachedStore } from './cache';
import type { SubscriptionStore } from './ports';
import { TableSubscriptionStore } from './store';

export interface Saas {
  service: SaasService;
  dispatcher: WebhookDispatcher;
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
  const { config, storage, clock } = parts;
  const store = cachedStore(
    new TableSubscriptionStore(
      () => storage.table('SaasSubscriptions'),
      () => storage.table('SaasIndex'),
    ),
    { ttlMs: config.saas.cacheTtlMs },
  );
  const service = new SaasService({
    store,
    catalog: parts.catalog,
    clock,
    faults: parts.faults,
    settings: { purchaseTokenTtlMs: config.saas.purchaseTokenTtlMs, ackWindowMs: config.saas.ackWindowMs },
  });
  const dispatcher = new WebhookDispatcher({
    store,
    service,
    catalog: parts.catalog,
    client: new OutboundClient(config.outbound),
    clock,
    bearerFor: async (audience) =>
      (
        await mintToken(
          parts.keys,
          { kind: 'app', ...MARKETPLACE_CALLER },
          { issuerBase: config.auth.localIssuerBase, audience, now: clock.now(), lifetimeSeconds: 600 },
        )
      ).accessToken,
    retryPeriodMs: config.saas.webhookRetryPeriodMs,
    maxAttempts: config.saas.webhookMaxAttempts,
  });
  return { service, dispatcher, store };
}
