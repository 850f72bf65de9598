import { LocalKeyStore } from '../shared/auth/keys';
import { mintToken, nameGuid } from '../shared/auth/tokens';
import { MARKETPLACE_API_RESOURCE } from '../shared/config';

/** A publisher token signed with the bench host's key file, as `npm run token -- --publisher <id>` would print. */
export async function publisherToken(keyFile: string, publisherId: string): Promise<string> {
  const minted = await mintToken(
    new LocalKeyStore(keyFile),
    { kind: 'app', tenantId: nameGuid('publisher-tenant', publisherId), appId: nameGuid('publisher-app', publisherId), publisherId },
    { issuerBase: 'https://login.marketplace.local', audience: MARKETPLACE_API_RESOURCE, now: new Date(), lifetimeSeconds: 6 * 3600 },
  );
  return minted.accessToken;
}
