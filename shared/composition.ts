/**
 * The one composition root: settings, clock, storage clients, keys, token validation and stores are built once,
 * lazily, on first use, and shared by every function in the process. Tests build their own with fakes.
 */
import { AdjustableClock } from './clock';
import { ClockStore } from './admin/clock-store';
import { config, type Config } from './config';
import { LocalKeyStore } from './auth/keys';
import { createAuthenticator, type Authenticator } from './auth/principal';
import { TablePublisherRegistry, type PublisherRegistry } from './auth/publishers';
import { createTokenValidator, type TokenValidator } from './auth/tokens';
import { crashAt, noFaults, type Faults } from './faults';
import { createStorage, type Storage } from './storage/clients';
import { secretBoxFor, type SecretBox } from './crypto/secrets';
import { ArtifactsService } from './catalog/service/artifacts';
import { CatalogReader } from './catalog/service/catalog';
import { OffersService } from './catalog/service/offers';
import type { OfferCatalog } from './catalog/ports';
import { BlobArtifacts } from './catalog/store/blob-artifacts';
import { TableOfferStore } from './catalog/store/table-offer-store';
import { buildSaas, type Saas } from './saas/composition';

export interface Services {
  config: Config;
  clock: AdjustableClock;
  clockStore: ClockStore;
  storage: Storage;
  keys: LocalKeyStore;
  validator: TokenValidator;
  publishers: PublisherRegistry;
  authenticator: Authenticator;
  faults: Faults;
  /** Seals and opens secrets at rest; the key is loaded on first use. */
  secrets: () => SecretBox;
  /** Offers, plans, artifacts and frozen versions (shared/catalog). `reader` is the port other capabilities use. */
  catalog: { offers: OffersService; artifacts: ArtifactsService; reader: OfferCatalog };
  /** SaaS fulfillment (shared/saas): subscriptions, operations, webhook outbox; built on first use. */
  saas: () => Saas;
}

/** The process-wide clock exists before the rest, so the local host can drive timers with it. */
let sharedClock: AdjustableClock | undefined;

export function appClock(): AdjustableClock {
  sharedClock ??= new AdjustableClock({ adjustable: config().testClock });
  return sharedClock;
}

let built: Services | undefined;

export function services(): Services {
  if (built) return built;
  const cfg = config();
  const clock = appClock();
  const storage = createStorage(cfg.storage);
  const keys = new LocalKeyStore(cfg.auth.localIssuerKeyFile);
  const validator = createTokenValidator(cfg.auth, clock, keys);
  const publishers = new TablePublisherRegistry(() => storage.table('Publishers'));
  const faults = cfg.crashAt.length > 0 ? crashAt(cfg.crashAt) : noFaults;
  let secretBox: SecretBox | undefined;
  const secrets = () => (secretBox ??= secretBoxFor(cfg.secrets));
  const offerStore = new TableOfferStore(() => storage.table('Catalog'), () => storage.container('catalog'));
  const artifactBlobs = new BlobArtifacts(() => storage.container('catalog'));
  let saas: Saas | undefined;
  built = {
    saas: () => (saas ??= buildSaas({ config: cfg, storage, clock, faults, keys, catalog: services().catalog.reader })),
    config: cfg,
    clock,
    clockStore: new ClockStore(() => storage.table('Settings')),
    faults,
    secrets,
    catalog: {
      offers: new OffersService({
        store: offerStore,
        clock,
        faults,
        secrets,
        publisherKnown: async (publisherId) => (await publishers.listByPublisher(publisherId)).length > 0,
        httpsWebhooks: cfg.outbound.httpsOnly,
      }),
      artifacts: new ArtifactsService({ store: offerStore, blobs: artifactBlobs, clock, faults, maxArtifactBytes: cfg.maxArtifactBytes }),
      reader: new CatalogReader(offerStore),
    },
    storage,
    keys,
    validator,
    publishers,
    authenticator: createAuthenticator({
      validator,
      registry: publishers,
      operatorRole: cfg.auth.operatorRole,
      localMode: cfg.auth.mode === 'local',
      clock,
    }),
  };
  return built;
}
