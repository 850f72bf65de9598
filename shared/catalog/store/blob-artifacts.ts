/**
 * Artifact bytes in Blob storage. Uploads stream into a staging blob (the SHA-256 is only known at the end), are
 * checked from there with ranged reads and one sequential read, and are then copied to their content-addressed
 * name `…/artifacts/{sha256}`. The copy streams through this process rather than using a server-side Copy Blob,
 * which with managed identity needs the source authorized separately; for the sizes a direct upload allows that
 * costs one more transfer and no secrets.
 */
import type { Readable } from 'node:stream';
import type { ContainerClient } from '@azure/storage-blob';
import type { ByteSource } from '../rules/packages/bytes';
import type { ArtifactBlobs } from '../ports';

const BLOCK_SIZE = 4 * 1024 * 1024;
const CONCURRENCY = 2;

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

export class BlobArtifacts implements ArtifactBlobs {
  readonly #container: () => Promise<ContainerClient>;

  constructor(container: () => Promise<ContainerClient>) {
    this.#container = container;
  }

  async upload(name: string, data: Readable, contentType: string): Promise<void> {
    const container = await this.#container();
    await container
      .getBlockBlobClient(name)
      .uploadStream(data, BLOCK_SIZE, CONCURRENCY, { blobHTTPHeaders: { blobContentType: contentType } });
  }

  source(name: string, size: number): ByteSource {
    const blob = async () => (await this.#container()).getBlockBlobClient(name);
    return {
      size,
      async read(offset, length) {
        const count = Math.max(0, Math.min(length, size - offset));
        if (count === 0) return Buffer.alloc(0);
        return (await blob()).downloadToBuffer(offset, count);
      },
      async *stream(offset) {
        if (offset >= size) return;
        const response = await (await blob()).download(offset, size - offset);
        const body = response.readableStreamBody;
        if (!body) return;
        for await (const chunk of body) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      },
    };
  }

  async promote(from: string, to: string, contentType: string): Promise<void> {
    const container = await this.#container();
    const target = container.getBlockBlobClient(to);
    if (await target.exists()) return; // same name, same bytes
    const source = await container.getBlockBlobClient(from).download();
    if (!source.readableStreamBody) throw new Error(`The staged blob ${from} has no body.`);
    try {
      await target.uploadStream(source.readableStreamBody as Readable, BLOCK_SIZE, CONCURRENCY, {
        blobHTTPHeaders: { blobContentType: contentType },
        conditions: { ifNoneMatch: '*' },
      });
    } catch (error) {
      // A concurrent upload of the same bytes created it first: content-addressed, so it holds what we would write.
      if (statusOf(error) !== 409 && statusOf(error) !== 412) throw error;
    }
  }

  async download(name: string): Promise<{ body: NodeJS.ReadableStream; size: number } | undefined> {
    const container = await this.#container();
    try {
      const response = await container.getBlockBlobClient(name).download();
      if (!response.readableStreamBody) return undefined;
      return { body: response.readableStreamBody, size: response.contentLength ?? 0 };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async delete(name: string): Promise<void> {
    const container = await this.#container();
    await container.deleteBlob(name).catch((error: unknown) => {
      if (statusOf(error) !== 404) throw error;
    });
  }
}
