/**
 * URLs the marketplace itself calls (decision 0006). Outside local mode they must be https, as Microsoft requires:
 * checked when the draft is saved, so the publisher learns it from the 400 naming the field, not from deliveries
 * refused later. Under AUTH_MODE=local http is accepted (an ISV's first webhook sink runs on http://localhost).
 * Managed applications' `notificationEndpointUrl` is https in every mode already (its field schema).
 */
import type { Violation } from '../../errors';
import type { OfferDefinition } from '../model/offer';
import type { OfferTypeId, OfferTypeSpec } from '../model/offer-types';
import { violation } from './violations';

/** Offer-level fields (without the type's namespace) holding a URL the marketplace posts to. */
export const WEBHOOK_URL_FIELDS: Partial<Record<OfferTypeId, readonly string[]>> = {
  'microsoft-saas': ['connectionWebhook'],
};

/** A violation per webhook URL field that is set to a plain-http URL. */
export function httpsWebhookViolations(spec: OfferTypeSpec, definition: OfferDefinition): Violation[] {
  return (WEBHOOK_URL_FIELDS[spec.id] ?? []).flatMap((field) => {
    const key = `${spec.namespace}.${field}`;
    const value = definition.offer[key];
    if (typeof value !== 'string' || !/^http:/i.test(value.trim())) return [];
    return [
      violation(
        ['definition', 'offer', key],
        'HttpsRequired',
        'must be an https URL: the marketplace calls webhooks over https only (http is accepted under AUTH_MODE=local)',
      ),
    ];
  });
}
