/**
 * Direct links to report files (decision 0907): a read-only SAS for one blob, signed the way the storage client
 * can. With an account key (Azurite's connection string, or a keyed account) it is a service SAS; with Entra
 * credentials (the managed identity in Azure; the account has no shared keys, decisions 0015/0016) it is a
 * user-delegation SAS, signed with a delegation key storage issues to the identity for the link's window (the
 * identity needs `generateUserDelegationKey`, which Storage Blob Data Owner includes). The links of one executions
 * answer share their window, so they share one delegation key: one request to storage per answer, not per link.
 */
import {
  BlobSASPermissions,
  generateBlobSASQueryParameters,
  SASProtocol,
  StorageSharedKeyCredential,
  type BlobSASSignatureValues,
  type BlobServiceClient,
  type ContainerClient,
  type UserDelegationKey,
} from '@azure/storage-blob';
import type { DirectLinkTerms } from '../model';
import type { DirectLinks } from '../ports';

export class BlobSasLinks implements DirectLinks {
  readonly #service: BlobServiceClient;
  readonly #container: () => Promise<ContainerClient>;
  #key: { window: string; key: Promise<UserDelegationKey> } | undefined;

  constructor(service: BlobServiceClient, container: () => Promise<ContainerClient>) {
    this.#service = service;
    this.#container = container;
  }

  async url(name: string, terms: DirectLinkTerms): Promise<string> {
    const container = await this.#container();
    const values: BlobSASSignatureValues = {
      containerName: container.containerName,
      blobName: name,
      permissions: BlobSASPermissions.parse(terms.permissions),
      startsOn: terms.startsOn,
      expiresOn: terms.expiresOn,
      protocol: terms.protocol === 'https' ? SASProtocol.Https : SASProtocol.HttpsAndHttp,
      contentDisposition: terms.contentDisposition,
    };
    const credential = this.#service.credential;
    const query =
      credential instanceof StorageSharedKeyCredential
        ? generateBlobSASQueryParameters(values, credential)
        : generateBlobSASQueryParameters(values, await this.#delegationKey(terms.startsOn, terms.expiresOn), this.#service.accountName);
    return `${container.getBlobClient(name).url}?${query.toString()}`;
  }

  /** The delegation key for exactly this window, asked for once; a failed request is not kept. */
  #delegationKey(startsOn: Date, expiresOn: Date): Promise<UserDelegationKey> {
    const window = `${startsOn.toISOString()}/${expiresOn.toISOString()}`;
    if (this.#key?.window !== window) {
      const key = this.#service.getUserDelegationKey(startsOn, expiresOn);
      key.catch(() => {
        if (this.#key?.key === key) this.#key = undefined;
      });
      this.#key = { window, key };
    }
    return this.#key.key;
  }
}
