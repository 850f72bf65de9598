/** Builds the catalog capability from the composition root's parts (asked for by `services()`; never imports it). */
import type { Clock } from '../clock';
import type { Faults } from '../faults';
import type { SecretBox } from '../crypto/secrets';
import type { Storage } from '../storage/clients';
import type { OfferCatalog } from './ports';
import { ArtifactsService } from './service/artifacts';
import { CatalogReader } from './service/catalog';
import { OffersService } from './service/offers';
import { CatalogPublishing } from './service/publishing';
import { StorefrontListing } from './service/storefront-listing';
import { BlobArtifacts } from './store/blob-artifacts';
import { TableOfferStore } from './store/table-offer-store';

export interface Catalog {
  offers: OffersService;
  artifacts: ArtifactsService;
  /** The frozen versions, the port other capabilities read (shared/catalog/ports.ts). */
  reader: OfferCatalog;
  /** Freezing a submission, checking a frozen version's artifacts and the go-live step (the publish pipeline's port). */
  publishing: CatalogPublishing;
  /** The live offers a customer's tenant can buy, every publisher's (decision 1003). */
  storefront: StorefrontListing;
}

export function buildCatalog(parts: {
  storage: Storage;
  clock: Clock;
  faults: Faults;
  secrets: () => SecretBox;
  publisherKnown: (publisherId: string) => Promise<boolean>;
  httpsWebhooks: boolean;
  maxArtifactBytes: number;
}): Catalog {
  const { storage, clock, faults } = parts;
  const store = new TableOfferStore(() => storage.table('Catalog'), () => storage.container('catalog'));
  const blobs = new BlobArtifacts(() => storage.container('catalog'));
  const reader = new CatalogReader(store);
  return {
    offers: new OffersService({
      store,
      clock,
      faults,
      secrets: parts.secrets,
      publisherKnown: parts.publisherKnown,
      httpsWebhooks: parts.httpsWebhooks,
    }),
    artifacts: new ArtifactsService({ store, blobs, clock, faults, maxArtifactBytes: parts.maxArtifactBytes }),
    reader,
    publishing: new CatalogPublishing({ store, blobs, clock }),
    storefront: new StorefrontListing({ store, catalog: reader }),
  };
}
