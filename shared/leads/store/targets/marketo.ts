/**
 * Marketo (specs/leads.md 3.5; decision 0512): the Forms 2.0 `leadCapture/save2` post of the spec's fields to
 * `https://app-{serverId}.marketo.com`. Marketo answers 2xx whether or not its form accepted the lead, so a delivered
 * attempt is marked unverifiable.
 */
import type { OutboundClient } from '../../../outbound/client';
import type { AttemptOutcome, DestinationConfig, Lead } from '../../model';
import type { LeadTarget } from '../../ports';
import { FORM_CONTENT_TYPE, formBody, marketoFields } from '../../rules/payloads';
import { outcomeOf, READ_BYTES, unexpected, USER_AGENT } from './outcome';

export const DEFAULT_MARKETO_BASE_URL = 'https://app-{serverId}.marketo.com';

export class MarketoTarget implements LeadTarget {
  constructor(private readonly d: { client: OutboundClient; now: () => Date; baseUrl: string }) {}

  async deliver(lead: Lead, config: DestinationConfig, options: { timeoutMs: number }): Promise<AttemptOutcome> {
    if (config.type !== 'Marketo') throw new Error(`the Marketo target cannot deliver to ${config.type}`);
    try {
      const base = this.d.baseUrl.replace('{serverId}', config.serverId).replace(/\/$/, '');
      const result = await this.d.client.send({
        url: `${base}/index.php/leadCapture/save2`,
        headers: { 'user-agent': USER_AGENT, accept: '*/*' },
        body: formBody(marketoFields(lead, config)),
        contentType: FORM_CONTENT_TYPE,
        timeoutMs: options.timeoutMs,
        keepBodyBytes: READ_BYTES,
      });
      const outcome = outcomeOf(result, [], this.d.now());
      return outcome.outcome === 'success' ? { ...outcome, unverifiable: true } : outcome;
    } catch (error) {
      return unexpected(error, []);
    }
  }
}
