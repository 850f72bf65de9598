/**
 * The lead target adapters, one per destination type (ports.ts `LeadTargets`), built from the outbound client and
 * the target settings. Blob is deprecated and has no adapter: its leads are held (spec 3.2).
 */
import type { OutboundClient } from '../../../outbound/client';
import type { LeadTargets } from '../../ports';
import { DynamicsTarget } from './dynamics';
import { HttpsTarget } from './https';
import { DEFAULT_MARKETO_BASE_URL, MarketoTarget } from './marketo';
import { DEFAULT_SALESFORCE_URL, SalesforceTarget } from './salesforce';
import { TableTarget } from './table';

export const DEFAULT_ENTRA_AUTHORITY_HOST = 'https://login.microsoftonline.com';
/** Microsoft's public sample client for Dataverse, used by the Office365 (password) mode unless configured. */
export const DEFAULT_DYNAMICS_PUBLIC_CLIENT_ID = '51f81489-12ee-4a9e-aaae-a2591f45987d';

export interface LeadTargetDeps {
  client: OutboundClient;
  now: () => Date;
  entraAuthorityHost?: string;
  dynamicsPublicClientId?: string;
  /** `https://app-{serverId}.marketo.com` unless set (tests: a loopback fake). */
  marketoBaseUrl?: string;
  /** The Web-to-Lead servlet unless set (tests: a loopback fake; a Salesforce sandbox). */
  salesforceUrl?: string;
}

export function leadTargets(deps: LeadTargetDeps): LeadTargets {
  const { client, now } = deps;
  return {
    AzureTable: new TableTarget({ client, now }),
    HttpsEndpoint: new HttpsTarget({ client, now }),
    Dynamics: new DynamicsTarget({
      client,
      now,
      authorityHost: deps.entraAuthorityHost ?? DEFAULT_ENTRA_AUTHORITY_HOST,
      publicClientId: deps.dynamicsPublicClientId ?? DEFAULT_DYNAMICS_PUBLIC_CLIENT_ID,
    }),
    Marketo: new MarketoTarget({ client, now, baseUrl: deps.marketoBaseUrl ?? DEFAULT_MARKETO_BASE_URL }),
    Salesforce: new SalesforceTarget({ client, now, url: deps.salesforceUrl ?? DEFAULT_SALESFORCE_URL }),
  };
}
