/**
 * The catalog as the test drive sees an offer (ports.ts `TestDriveOffers`): the production version's
 * `microsoft-azure-marketplace-testdrive.enabled` and `.configuration`, validated by rules/config.ts. The
 * configuration's sealed `aadAppSecret` is never opened: instances are deployed with this backend's own identity
 * (G28).
 */
import { TESTDRIVE } from '../../catalog/model/fields/listing';
import type { LiveOffer, OfferCatalog } from '../../catalog/ports';
import type { OfferTestDrive, TestDriveConfig } from '../model';
import type { TestDriveOffers } from '../ports';
import { parseConfig } from '../rules/config';

function testDriveOf(offer: LiveOffer): OfferTestDrive {
  const definition = offer.definition.offer;
  if (definition[`${TESTDRIVE}.enabled`] !== true) return { state: 'disabled' };
  const parsed = parseConfig(definition[`${TESTDRIVE}.configuration`]);
  if ('violations' in parsed) {
    return { state: 'invalid', violations: parsed.violations.map((v) => ({ path: `${TESTDRIVE}.configuration${v.path ? `.${v.path}` : ''}`, message: v.message })) };
  }
  return { state: 'enabled', publisherId: offer.publisherId, offerId: offer.offerId, version: offer.version, title: offer.title ?? offer.alias, config: parsed.config };
}

export class CatalogTestDriveOffers implements TestDriveOffers {
  readonly #catalog: OfferCatalog;

  constructor(catalog: OfferCatalog) {
    this.#catalog = catalog;
  }

  async live(publisherId: string, offerId: string): Promise<OfferTestDrive> {
    const offer = await this.#catalog.getLiveOffer(publisherId, offerId);
    return offer ? testDriveOf(offer) : { state: 'not-found' };
  }

  async configAt(publisherId: string, offerId: string, version: number): Promise<TestDriveConfig | undefined> {
    const offer = await this.#catalog.getOfferVersion(publisherId, offerId, version);
    const drive = offer ? testDriveOf(offer) : undefined;
    return drive?.state === 'enabled' ? drive.config : undefined;
  }
}
