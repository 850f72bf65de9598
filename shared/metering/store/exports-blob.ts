/**
 * Billing exports in Blob storage: container `billing-exports`, blobs `<publisherId>/<period>/<name>`. Writing
 * the same period again replaces the files (an export is a snapshot of the statements when it ran).
 */
import type { ContainerClient } from '@azure/storage-blob';
import type { ExportFile, ExportSink } from '../ports';

export class BlobExportSink implements ExportSink {
  readonly #container: () => Promise<ContainerClient>;

  constructor(container: () => Promise<ContainerClient>) {
    this.#container = container;
  }

  async write(publisherId: string, period: string, files: readonly ExportFile[]): Promise<{ name: string; blob: string }[]> {
    const container = await this.#container();
    return Promise.all(
      files.map(async (file) => {
        const blob = `${publisherId}/${period}/${file.name}`;
        const body = Buffer.from(file.body, 'utf8');
        await container.getBlockBlobClient(blob).upload(body, body.length, { blobHTTPHeaders: { blobContentType: file.contentType } });
        return { name: file.name, blob: `${container.containerName}/${blob}` };
      }),
    );
  }

  async read(publisherId: string, period: string, name: string): Promise<ExportFile | undefined> {
    const container = await this.#container();
    const client = container.getBlockBlobClient(`${publisherId}/${period}/${name}`);
    try {
      const buffer = await client.downloadToBuffer();
      const props = await client.getProperties();
      return { name, contentType: props.contentType ?? 'application/octet-stream', body: buffer.toString('utf8') };
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }
}
