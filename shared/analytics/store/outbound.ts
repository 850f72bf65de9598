/**
 * The report callback and the download links. Callbacks go through the one outbound client (address policy,
 * time-out; decision 0905): a POST of the execution as the executions API shows it, any 2xx is an answer. Links are
 * sealed with the app's secret box (AES-GCM): a token cannot be forged or altered without the key, and carries its
 * own expiry, so no link row is stored.
 */
import type { SecretBox } from '../../crypto/secrets';
import type { OutboundClient } from '../../outbound/client';
import type { CallbackOutcome, Callbacks, LinkSigner } from '../ports';

export class OutboundCallbacks implements Callbacks {
  readonly #client: OutboundClient;

  constructor(client: OutboundClient) {
    this.#client = client;
  }

  async notify(url: string, body: unknown, executionId: string): Promise<CallbackOutcome> {
    const result = await this.#client.postJson({ url, body, headers: { 'x-ms-execution-id': executionId } });
    if (result.kind === 'response')
      return result.status >= 200 && result.status < 300
        ? { ok: true, status: result.status }
        : { ok: false, reason: `HTTP ${result.status}` };
    return { ok: false, reason: result.message };
  }
}

const CONTEXT = 'analytics-download-link';

export class SealedLinks implements LinkSigner {
  readonly #box: () => SecretBox;

  constructor(box: () => SecretBox) {
    this.#box = box;
  }

  sign(payload: { reportId: string; executionId: string; publisherId: string; expiresAt: string }): string {
    return Buffer.from(this.#box().seal(JSON.stringify(payload), CONTEXT), 'utf8').toString('base64url');
  }

  open(token: string): { reportId: string; executionId: string; publisherId: string; expiresAt: string } | undefined {
    try {
      const sealed = Buffer.from(token, 'base64url').toString('utf8');
      const value = JSON.parse(this.#box().open(sealed, CONTEXT)) as Record<string, unknown>;
      const { reportId, executionId, publisherId, expiresAt } = value;
      if ([reportId, executionId, publisherId, expiresAt].every((v) => typeof v === 'string')) {
        return { reportId, executionId, publisherId, expiresAt } as {
          reportId: string;
          executionId: string;
          publisherId: string;
          expiresAt: string;
        };
      }
      return undefined;
    } catch {
      return undefined;
    }
  }
}
