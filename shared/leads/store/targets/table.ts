/**
 * Azure Table in the ISV's own storage account (specs/leads.md 3.1): one row per lead in `MarketplaceLeads`,
 * PK `publisher.offer`, RK the lead id, written with Upsert (Replace), so a second delivery of the same lead leaves one
 * row. A missing table is created and the write retried once. A refused key (403) is permanent `auth_failed`; busy
 * and failing services are retried. Every request goes through the outbound client (sdk-http.ts).
 */
import { RestError, TableClient } from '@azure/data-tables';
import type { OutboundClient } from '../../../outbound/client';
import type { AttemptOutcome, DestinationConfig, Lead } from '../../model';
import type { LeadTarget } from '../../ports';
import { TABLE_NAME, tableEntity } from '../../rules/payloads';
import { classifyStatus, parseRetryAfter } from '../../rules/retry';
import { excerpt, secretValues } from '../../rules/scrub';
import { unexpected } from './outcome';
import { outboundHttpClient, type RecordingHttpClient } from './sdk-http';

/** Development storage (Azurite) speaks http; the destination rules admit it only with LEADS_ALLOW_DEV_STORAGE. */
function insecure(connectionString: string): boolean {
  return /(^|;)\s*(UseDevelopmentStorage\s*=\s*true|DefaultEndpointsProtocol\s*=\s*http\s*(;|$)|TableEndpoint\s*=\s*http:)/i.test(
    connectionString,
  );
}

export class TableTarget implements LeadTarget {
  constructor(private readonly d: { client: OutboundClient; now: () => Date }) {}

  async deliver(lead: Lead, config: DestinationConfig, options: { timeoutMs: number }): Promise<AttemptOutcome> {
    if (config.type !== 'AzureTable') throw new Error(`the Table target cannot deliver to ${config.type}`);
    const secrets = secretValues(config);
    const http = outboundHttpClient(this.d.client, options.timeoutMs);
    try {
      const table = TableClient.fromConnectionString(config.connectionString, TABLE_NAME, {
        httpClient: http,
        retryOptions: { maxRetries: 0 },
        allowInsecureConnection: insecure(config.connectionString),
      });
      const entity = tableEntity(lead);
      try {
        await table.upsertEntity(entity, 'Replace');
      } catch (error) {
        if (!(error instanceof RestError) || error.statusCode !== 404 || !/TableNotFound/i.test(String(error.code ?? error.message)))
          throw error;
        await table.createTable();
        await table.upsertEntity(entity, 'Replace');
      }
      return { outcome: 'success', category: 'delivered', httpStatus: 204 };
    } catch (error) {
      return this.#failure(error, http, secrets);
    }
  }

  #failure(error: unknown, http: RecordingHttpClient, secrets: string[]): AttemptOutcome {
    const failure = http.failures.at(-1);
    if (failure?.kind === 'refused') return { outcome: 'permanent', category: 'ssrf_blocked', excerpt: excerpt(failure.message, secrets) };
    if (failure) return { outcome: 'retryable', category: failure.kind, excerpt: excerpt(failure.message, secrets) };
    if (!(error instanceof RestError) || error.statusCode === undefined) return unexpected(error, secrets);
    const status = error.statusCode;
    const text = excerpt(`${error.code ?? ''} ${error.message}`.trim(), secrets);
    const retryAfterMs = parseRetryAfter(error.response?.headers.get('retry-after'), this.d.now());
    const after = retryAfterMs === undefined ? {} : { retryAfterMs };
    if (status === 401 || status === 403) return { outcome: 'permanent', category: 'auth_failed', httpStatus: status, excerpt: text };
    if (status === 409 && /TableBeingDeleted/i.test(String(error.code)))
      return { outcome: 'retryable', category: 'table_being_deleted', httpStatus: status, excerpt: text, ...after };
    const outcome = classifyStatus(status);
    return {
      outcome: outcome === 'success' ? 'retryable' : outcome,
      category: `http_${status}`,
      httpStatus: status,
      excerpt: text,
      ...after,
    };
  }
}
