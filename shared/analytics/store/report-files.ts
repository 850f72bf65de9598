/**
 * Report files in Blob storage: container `analytics-reports`, blobs `<publisherId>/<reportId>/<executionId>.<csv|tsv>`.
 * Written as a stream (block uploads of 4 MiB, two in flight), so a report of a million rows never sits in memory;
 * read as a stream for the download route. A re-run of an execution (a runner that crashed) replaces its file.
 */
import { Readable } from 'node:stream';
import type { ContainerClient } from '@azure/storage-blob';
import type { ReportFiles } from '../ports';

const BLOCK_BYTES = 4 * 1024 * 1024;

export class BlobReportFiles implements ReportFiles {
  readonly #container: () => Promise<ContainerClient>;

  constructor(container: () => Promise<ContainerClient>) {
    this.#container = container;
  }

  async write(name: string, contentType: string, lines: AsyncIterable<string>): Promise<void> {
    const container = await this.#container();
    const stream = Readable.from(batched(lines));
    await container.getBlockBlobClient(name).uploadStream(stream, BLOCK_BYTES, 2, { blobHTTPHeaders: { blobContentType: contentType } });
  }

  async read(name: string): Promise<{ stream: NodeJS.ReadableStream; contentType: string; length: number } | undefined> {
    const container = await this.#container();
    try {
      const answer = await container.getBlockBlobClient(name).download();
      if (!answer.readableStreamBody) return undefined;
      return { stream: answer.readableStreamBody, contentType: answer.contentType ?? 'text/csv', length: answer.contentLength ?? 0 };
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  async deleteAll(prefix: string): Promise<void> {
    const container = await this.#container();
    for await (const blob of container.listBlobsFlat({ prefix })) await container.deleteBlob(blob.name, { deleteSnapshots: 'include' });
  }
}

/** Lines joined into chunks of about 64 KiB: one stream chunk per line would cost more than the lines. */
async function* batched(lines: AsyncIterable<string>): AsyncIterable<Buffer> {
  let parts: string[] = [];
  let size = 0;
  for await (const line of lines) {
    parts.push(line);
    size += line.length;
    if (size >= 65_536) {
      yield Buffer.from(parts.join(''), 'utf8');
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) yield Buffer.from(parts.join(''), 'utf8');
}
