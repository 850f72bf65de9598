/**
 * Dynamics 365 Customer Engagement (specs/leads.md 3.4): a token for `{uri}/.default` from Entra through
 * @azure/identity (client credentials in AzureActiveDirectory mode; the deprecated password grant in Office365 mode),
 * then `POST {uri}/api/data/v9.2/leads` with the spec's mapping. Token errors that no retry can fix (AADSTS invalid
 * secret, unknown tenant or app, bad password) are permanent `auth_failed`; a 401 from Dataverse is `auth_failed`, a
 * 403 `missing_role` (the Lead Writer role); 429 and 503 are retried after their Retry-After. The identity library's
 * requests and the Dataverse call both go through the outbound client (sdk-http.ts); the authority host is
 * configurable so tests point it at a loopback fake.
 */
import { AuthenticationError, ClientSecretCredential, UsernamePasswordCredential, type TokenCredential } from '@azure/identity';
import type { OutboundClient } from '../../../outbound/client';
import type { AttemptOutcome, DestinationConfig, Lead } from '../../model';
import type { LeadTarget } from '../../ports';
import { dataverseLead, JSON_CONTENT_TYPE } from '../../rules/payloads';
import { excerpt, secretValues } from '../../rules/scrub';
import { outcomeOf, READ_BYTES, unexpected, USER_AGENT } from './outcome';
import { outboundHttpClient, type RecordingHttpClient } from './sdk-http';

type DynamicsConfig = Extract<DestinationConfig, { type: 'Dynamics' }>;

/** Entra errors no retry fixes: bad or expired secret, unknown tenant or app, wrong password, consent missing. */
const PERMANENT_AADSTS =
  /AADSTS(7000215|7000222|7000218|90002|700016|50034|50126|50053|50055|50057|65001|50076|50079|50059|90023|700024)\b|invalid_client|unauthorized_client|invalid_grant/i;

export interface DynamicsTargetDeps {
  client: OutboundClient;
  now: () => Date;
  /** `LEADS_ENTRA_AUTHORITY_HOST`: https://login.microsoftonline.com, or a sovereign cloud's, or a test's fake. */
  authorityHost: string;
  /** The public client the Office365 (password) mode signs in with. */
  publicClientId: string;
}

export class DynamicsTarget implements LeadTarget {
  constructor(private readonly d: DynamicsTargetDeps) {}

  async deliver(lead: Lead, config: DestinationConfig, options: { timeoutMs: number }): Promise<AttemptOutcome> {
    if (config.type !== 'Dynamics') throw new Error(`the Dynamics target cannot deliver to ${config.type}`);
    const secrets = secretValues(config);
    const http = outboundHttpClient(this.d.client, options.timeoutMs);
    let token: string;
    try {
      const got = await this.#credential(config, http).getToken(`${config.uri}/.default`);
      if (!got) return { outcome: 'retryable', category: 'token_unavailable', excerpt: 'no token was issued' };
      token = got.token;
    } catch (error) {
      return this.#tokenFailure(error, http, secrets);
    }
    try {
      const { fields, truncated } = dataverseLead(lead, config.leadSourceCode);
      const result = await this.d.client.send({
        url: `${config.uri}/api/data/v9.2/leads`,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          'odata-version': '4.0',
          'odata-maxversion': '4.0',
          prefer: 'return=representation',
          'user-agent': USER_AGENT,
        },
        body: JSON.stringify(fields),
        contentType: JSON_CONTENT_TYPE,
        timeoutMs: options.timeoutMs,
        keepBodyBytes: READ_BYTES,
      });
      const outcome = outcomeOf(result, [...secrets, token], this.d.now());
      const category = outcome.httpStatus === 401 ? 'auth_failed' : outcome.httpStatus === 403 ? 'missing_role' : outcome.category;
      return { ...outcome, category, ...(truncated.length > 0 ? { truncated } : {}) };
    } catch (error) {
      return unexpected(error, [...secrets, token]);
    }
  }

  #credential(config: DynamicsConfig, http: RecordingHttpClient): TokenCredential {
    const common = {
      authorityHost: this.d.authorityHost,
      httpClient: http,
      retryOptions: { maxRetries: 0 },
      disableInstanceDiscovery: true,
    };
    if (config.authentication === 'AzureActiveDirectory')
      return new ClientSecretCredential(config.directoryId, config.applicationId, config.applicationKey, common);
    return new UsernamePasswordCredential('organizations', this.d.publicClientId, config.userName, config.password, common);
  }

  #tokenFailure(error: unknown, http: RecordingHttpClient, secrets: string[]): AttemptOutcome {
    const failure = http.failures.at(-1);
    if (failure?.kind === 'refused') return { outcome: 'permanent', category: 'ssrf_blocked', excerpt: excerpt(failure.message, secrets) };
    if (failure) return { outcome: 'retryable', category: failure.kind, excerpt: excerpt(failure.message, secrets) };
    const message = error instanceof Error ? error.message : String(error);
    const text = excerpt(message, secrets);
    const status = error instanceof AuthenticationError ? error.statusCode : undefined;
    if (PERMANENT_AADSTS.test(message) || status === 400 || status === 401)
      return { outcome: 'permanent', category: 'auth_failed', ...(status === undefined ? {} : { httpStatus: status }), excerpt: text };
    return { outcome: 'retryable', category: 'token_unavailable', ...(status === undefined ? {} : { httpStatus: status }), excerpt: text };
  }
}
