/**
 * The one token credential for storage without keys (decision 0015): DefaultAzureCredential, pinned to the
 * user-assigned identity when its client id is configured (AzureWebJobsStorage__clientId or AZURE_CLIENT_ID), so the
 * app's tables, blobs and queues and the local durable runtime's task hub ask for tokens as the same identity the
 * Functions host uses for AzureWebJobsStorage. One instance per client id per process: its token cache is shared.
 */
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';

const credentials = new Map<string, TokenCredential>();

export function storageCredential(clientId?: string): TokenCredential {
  const key = clientId ?? '';
  let credential = credentials.get(key);
  if (!credential) {
    credential = clientId ? new DefaultAzureCredential({ managedIdentityClientId: clientId }) : new DefaultAzureCredential();
    credentials.set(key, credential);
  }
  return credential;
}
