/**
 * The catalog as lead capture and delivery see an offer (ports.ts `LeadOffers`): the production version, or the
 * draft of an offer never made live (capture answers 409 for it); its title; the triggers its listing options
 * enable (specs/leads.md 2.1, the listing-option gate; decision 0500); and its lead destination with the settings
 * object's secrets opened (sealed by the catalog at rest, shared/catalog/rules/secrets.ts).
 */
import { LEAD_DESTINATIONS, MP, TESTDRIVE } from '../../catalog/model/fields/listing';
import type { Json, JsonObject, OfferDocument } from '../../catalog/model/offer';
import type { LiveOffer, OfferCatalog } from '../../catalog/ports';
import { isSealedValue, openSecret } from '../../catalog/rules/secrets';
import type { DestinationType, Trigger } from '../model';
import type { LeadOffer, LeadOffers } from '../ports';
import { CONFIGURATION_KEYS } from '../rules/destinations';

/** Offer types a customer deploys or buys from Azure Marketplace (Get it now, and Create in the Azure portal). */
const AZURE_DEPLOYABLE = new Set([
  'microsoft-azure-applications',
  'microsoft-azure-virtualmachines',
  'microsoft-azure-containers',
  'microsoft-azure-iotedge',
  'microsoft-azure-managedservices',
]);

/** The current draft of an offer and where its versions stand (wired by the root to the catalog's offers). */
export type DraftReader = (
  publisherId: string,
  offerId: string,
) => Promise<{ document: OfferDocument; internalId: string; liveVersion: number } | undefined>;

function obj(value: Json | undefined): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

/**
 * The triggers an offer's listing enables: its listing option (SaaS and Dynamics 365 CE `listingOption`; other
 * types by their nature: consulting services are Contact me, Azure deployables Get it now), a free trial on any plan,
 * a transactable SaaS offer's purchase (Get it now), test drive when enabled. Create in the Azure portal needs a
 * Get-it-now offer Azure customers deploy or buy (Azure types and transactable SaaS). A cross-listed partner's
 * contact request (DNC) is a notification any listed offer can get.
 */
export function triggersOf(offerTypeId: string, offer: JsonObject, plans: readonly JsonObject[]): Set<Trigger> {
  const out = new Set<Trigger>(['CrossListed']);
  const option = offer[`${offerTypeId}.listingOption`];
  if (option === 'contactMe') out.add('ContactMe');
  if (option === 'freeTrial') out.add('FreeTrial');
  if (option === 'getItNowFree' || option === 'appLicenseManagement' || option === 'getItNow') out.add('GetItNow');
  const transactable = offerTypeId === 'microsoft-saas' && offer[`${offerTypeId}.sellThroughMicrosoft`] === true;
  if (transactable) out.add('GetItNow');
  if (offerTypeId === 'microsoft-consultingservices') out.add('ContactMe');
  if (AZURE_DEPLOYABLE.has(offerTypeId) || offerTypeId === 'microsoft-powerbi-apps') out.add('GetItNow');
  if (option === undefined && !transactable && offerTypeId.startsWith('microsoft-dynamics365-') && offerTypeId !== 'microsoft-dynamics365-ce') {
    out.add('GetItNow');
  }
  const trialPlan = plans.some(
    (p) =>
      obj(p[`${offerTypeId}.freeTrial`])?.['enabled'] === true ||
      (typeof obj(p['virtualMachinePricing'])?.['freeTrialDurationInMonths'] === 'number' &&
        (obj(p['virtualMachinePricing'])?.['freeTrialDurationInMonths'] as number) > 0),
  );
  if (trialPlan) out.add('FreeTrial');
  if ((AZURE_DEPLOYABLE.has(offerTypeId) || transactable) && out.has('GetItNow')) out.add('PortalCreate');
  if (offer[`${TESTDRIVE}.enabled`] === true) out.add('TestDrive');
  return out;
}

/** The destination type the definition names; None when absent or unknown. */
export function destinationTypeOf(offer: JsonObject): DestinationType {
  const value = offer[`${MP}.leadDestination`];
  return typeof value === 'string' && (LEAD_DESTINATIONS as readonly string[]).includes(value) ? (value as DestinationType) : 'None';
}

export class CatalogLeadOffers implements LeadOffers {
  readonly #reader: OfferCatalog;
  readonly #draft: DraftReader;
  readonly #open: () => (sealed: string, context: string) => string;

  constructor(reader: OfferCatalog, draft: DraftReader, open: () => (sealed: string, context: string) => string) {
    this.#reader = reader;
    this.#draft = draft;
    this.#open = open;
  }

  async live(publisherId: string, offerId: string): Promise<LeadOffer | undefined> {
    const live = await this.#reader.getLiveOffer(publisherId, offerId);
    if (live) return this.#fromLive(live);
    const draft = await this.#draft(publisherId, offerId);
    return draft ? this.#fromDocument(draft.document, draft.internalId, draft.liveVersion > 0 ? 'live' : 'draft') : undefined;
  }

  async draft(publisherId: string, offerId: string): Promise<LeadOffer | undefined> {
    const draft = await this.#draft(publisherId, offerId);
    return draft ? this.#fromDocument(draft.document, draft.internalId, draft.liveVersion > 0 ? 'live' : 'draft') : undefined;
  }

  #fromLive(live: LiveOffer): LeadOffer {
    return this.#offer(live.publisherId, live.offerId, live.offerTypeId, live.internalId, live.definition.offer, live.definition.plans, live.title ?? live.alias, 'live');
  }

  #fromDocument(document: OfferDocument, internalId: string, state: 'live' | 'draft'): LeadOffer {
    const { definition } = document;
    const title = definition.offer[`${MP}.title`];
    return this.#offer(
      document.publisherId,
      document.offerId,
      document.offerTypeId,
      internalId,
      definition.offer,
      definition.plans,
      typeof title === 'string' && title !== '' ? title : definition.displayText,
      state,
    );
  }

  #offer(
    publisherId: string,
    offerId: string,
    offerTypeId: string,
    internalId: string,
    offer: JsonObject,
    plans: readonly JsonObject[],
    title: string,
    state: 'live' | 'draft',
  ): LeadOffer {
    const type = destinationTypeOf(offer);
    return {
      publisherId,
      offerId,
      offerTypeId,
      state,
      title,
      triggers: triggersOf(offerTypeId, offer, plans),
      destination: { type, settings: this.#settings(offer, type, `${publisherId}/${offerId}/${internalId}`) },
    };
  }

  /** The destination's settings with each sealed secret opened; a secret that does not open is left out. */
  #settings(offer: JsonObject, type: DestinationType, context: string): Record<string, unknown> {
    const key = type === 'None' ? undefined : CONFIGURATION_KEYS[type];
    const raw = key ? obj(offer[key]) : undefined;
    if (!key || !raw) return {};
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(raw)) {
      if (!isSealedValue(value)) {
        out[name] = value;
        continue;
      }
      try {
        const plain = openSecret(offer, [key, name], this.#open(), context);
        if (plain !== undefined) out[name] = plain;
      } catch {
        // A value sealed under another key or context: the delivery reports the missing secret.
      }
    }
    return out;
  }
}
