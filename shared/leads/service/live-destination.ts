/**
 * The live offer's lead destination as delivery sees it at dispatch (spec 2.5 (3), (7); decision 0520): parsed by
 * the destination rules with their secrets opened; `None` and a legacy Blob destination hold the lead, settings that
 * do not parse dead-letter it (replayable once the offer is fixed and republished).
 */
import type { LeadOffer } from '../ports';
import { parseDestination, type DestinationRuleOptions } from '../rules/destinations';
import type { ResolvedDestination } from './deliver';

export function liveDestination(options: DestinationRuleOptions): (offer: LeadOffer) => ResolvedDestination {
  return (offer) => {
    const parsed = parseDestination(offer.destination.type, offer.destination.settings, options);
    if (parsed.kind === 'valid') return { kind: 'deliverable', config: parsed.config };
    if (parsed.kind === 'none') return { kind: 'held', reason: 'no_destination' };
    if (parsed.kind === 'deprecated') return { kind: 'held', reason: 'destination_deprecated' };
    return { kind: 'invalid', reason: 'invalid_destination' };
  };
}
