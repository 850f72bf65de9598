/**
 * Azure Blob lead destinations are deprecated (specs/leads.md 3.2, seed [L17442]–[L17444]: "you will no longer receive
 * customer leads"): a draft that newly chooses `AzureBlob` is refused with `destination_deprecated`, naming the
 * field. A draft whose previous revision already had Blob (an imported legacy offer) keeps it, so it can still be
 * saved while the publisher moves to another destination; its leads are held (decision 0510). The destination's
 * settings themselves are checked by Validate and at delivery, not here: drafts may be saved incomplete (spec A16).
 */
import type { Violation } from '../../errors';
import type { JsonObject } from '../model/offer';
import { MP } from '../model/fields/listing';
import { violation } from './violations';

export const LEAD_DESTINATION_KEY = `${MP}.leadDestination`;

export function deprecatedLeadDestination(offer: JsonObject, previous: JsonObject | undefined): Violation[] {
  if (offer[LEAD_DESTINATION_KEY] !== 'AzureBlob' || previous?.[LEAD_DESTINATION_KEY] === 'AzureBlob') return [];
  return [
    violation(
      ['definition', 'offer', LEAD_DESTINATION_KEY],
      'destination_deprecated',
      'Azure Blob lead destinations are deprecated and no longer receive leads; choose AzureTable, HttpsEndpoint, Dynamics, Marketo or Salesforce',
    ),
  ];
}
