/**
 * Salesforce Web-to-Lead (specs/leads.md 3.6; decision 0512): the form post of the spec's fields, cut to Salesforce's
 * lengths (the cut fields are recorded in `truncated`), no `retURL`, redirects not followed. Web-to-Lead answers 200
 * even when it drops the lead, so a delivered attempt is marked unverifiable.
 */
import type { OutboundClient } from '../../../outbound/client';
import type { AttemptOutcome, DestinationConfig, Lead } from '../../model';
import type { LeadTarget } from '../../ports';
import { FORM_CONTENT_TYPE, formBody, salesforceFields } from '../../rules/payloads';
import { outcomeOf, READ_BYTES, unexpected, USER_AGENT } from './outcome';

export const DEFAULT_SALESFORCE_URL = 'https://webto.salesforce.com/servlet/servlet.WebToLead?encoding=UTF-8';

export class SalesforceTarget implements LeadTarget {
  constructor(private readonly d: { client: OutboundClient; now: () => Date; url: string }) {}

  async deliver(lead: Lead, config: DestinationConfig, options: { timeoutMs: number }): Promise<AttemptOutcome> {
    if (config.type !== 'Salesforce') throw new Error(`the Salesforce target cannot deliver to ${config.type}`);
    try {
      const { fields, truncated } = salesforceFields(lead, config);
      const result = await this.d.client.send({
        url: this.d.url,
        headers: { 'user-agent': USER_AGENT, accept: '*/*' },
        body: formBody(fields),
        contentType: FORM_CONTENT_TYPE,
        timeoutMs: options.timeoutMs,
        keepBodyBytes: READ_BYTES,
      });
      const outcome = outcomeOf(result, [], this.d.now());
      return {
        ...outcome,
        ...(outcome.outcome === 'success' ? { unverifiable: true } : {}),
        ...(truncated.length > 0 ? { truncated } : {}),
      };
    } catch (error) {
      return unexpected(error, []);
    }
  }
}
