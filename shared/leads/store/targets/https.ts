/**
 * HTTPS endpoint / Power Automate (specs/leads.md 3.3; decision 0511): POST of the spec 1.5 JSON to the URL exactly
 * as configured, with the lead id as `Idempotency-Key` and, when a signing secret is set, `X-Marketplace-Signature`
 * over the exact bytes sent. Any 2xx is delivered; the answer's body is only kept (scrubbed) as the excerpt.
 */
import type { OutboundClient } from '../../../outbound/client';
import type { AttemptOutcome, DestinationConfig, Lead } from '../../model';
import type { LeadTarget } from '../../ports';
import { httpsBody, JSON_CONTENT_TYPE } from '../../rules/payloads';
import { secretValues } from '../../rules/scrub';
import { SIGNATURE_HEADER, signLeadBody } from '../../rules/signature';
import { outcomeOf, READ_BYTES, unexpected, USER_AGENT } from './outcome';

export class HttpsTarget implements LeadTarget {
  constructor(private readonly d: { client: OutboundClient; now: () => Date }) {}

  async deliver(lead: Lead, config: DestinationConfig, options: { timeoutMs: number }): Promise<AttemptOutcome> {
    if (config.type !== 'HttpsEndpoint') throw new Error(`the HTTPS target cannot deliver to ${config.type}`);
    const secrets = secretValues(config);
    try {
      const body = JSON.stringify(httpsBody(lead));
      const headers: Record<string, string> = {
        accept: 'application/json, */*;q=0.5',
        'user-agent': USER_AGENT,
        'idempotency-key': lead.leadId,
        'x-marketplace-lead-id': lead.leadId,
        'x-marketplace-lead-test': String(lead.isTest),
      };
      if (config.signingSecret)
        headers[SIGNATURE_HEADER.toLowerCase()] = signLeadBody(config.signingSecret, body, Math.floor(this.d.now().getTime() / 1000));
      const result = await this.d.client.send({
        url: config.httpsEndpointUri,
        headers,
        body,
        contentType: JSON_CONTENT_TYPE,
        timeoutMs: options.timeoutMs,
        keepBodyBytes: READ_BYTES,
      });
      return outcomeOf(result, secrets, this.d.now());
    } catch (error) {
      return unexpected(error, secrets);
    }
  }
}
