/**
 * Envelope rules of PUT (specs/publish.md 2.4, 1.12 F1–F2): ids in the body match the path, the offer type is
 * known and never changes, the alias is set at create and never changes, and a D365 CE offer's id together with
 * its publisher id stays under 40 characters (002 [L26], spec A1).
 */
import type { Violation } from '../../errors';
import { MAX_COMBINED_ID_LENGTH } from '../model/ids';
import type { EnvelopeInput } from '../model/offer';
import { isOfferTypeId, OFFER_TYPE_IDS } from '../model/offer-types';
import { violation } from './violations';

export const MAX_ALIAS_LENGTH = 100;

export interface Existing {
  offerTypeId: string;
  alias: string;
}

export function envelopeViolations(
  input: EnvelopeInput,
  publisherId: string,
  offerId: string,
  existing: Existing | undefined,
): Violation[] {
  const out: Violation[] = [];
  if (input.publisherId !== undefined && input.publisherId.toLowerCase() !== publisherId) {
    out.push(violation(['publisherId'], 'IdMismatch', 'must equal the publisherId in the path'));
  }
  if (input.id !== undefined && input.id !== offerId) {
    out.push(violation(['id'], 'IdMismatch', 'must equal the offerId in the path'));
  }
  if (!isOfferTypeId(input.offerTypeId)) {
    out.push(violation(['offerTypeId'], 'UnknownOfferType', `must be one of ${OFFER_TYPE_IDS.join(', ')}`));
  } else if (existing && input.offerTypeId !== existing.offerTypeId) {
    out.push(
      violation(
        ['offerTypeId'],
        'ImmutablePropertyChanged',
        `can't change after create (it is ${existing.offerTypeId}); a different type needs a new offer`,
      ),
    );
  }
  const alias = input.definition.displayText.trim();
  if (existing) {
    if (alias !== existing.alias)
      out.push(violation(['definition', 'displayText'], 'ImmutablePropertyChanged', "is the offer alias and can't change after create"));
  } else if (alias.length < 1 || alias.length > MAX_ALIAS_LENGTH) {
    out.push(violation(['definition', 'displayText'], 'InvalidAlias', `is the offer alias and must be 1-${MAX_ALIAS_LENGTH} characters`));
  }
  if (!existing && input.offerTypeId === 'microsoft-dynamics365-ce' && publisherId.length + offerId.length > MAX_COMBINED_ID_LENGTH) {
    out.push(
      violation(
        ['id'],
        'OfferIdTooLong',
        `together with the publisher id must be under 40 characters (${publisherId.length} + ${offerId.length})`,
      ),
    );
  }
  return out;
}
