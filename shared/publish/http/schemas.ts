/** Request shapes of the publish routes (specs/publish.md 2.6–2.9, 2.11.7), checked with zod. */
import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { ValidationError } from '../../errors';
import { MalformedJsonError } from '../../http/errors';
import { violationsFrom } from '../../http/request';
import { parseEmails } from '../rules/outcomes';

export const publisherParams = z.object({ publisherId: z.string().transform((v) => v.toLowerCase()) });
export const offerParams = publisherParams.extend({ offerId: z.string() });
export const operationParams = offerParams.extend({ operationId: z.string().min(1).max(100) });

const metadata = z
  .object({
    'notification-emails': z.string().max(2_000).optional(),
    'notes-for-certification': z.string().max(3_000, 'must be at most 3000 characters').optional(),
  })
  .loose();

export const publishBody = z.object({ metadata: metadata.optional() }).loose();
export const cancelBody = publishBody;

export const decisionBody = z.strictObject({
  decision: z.enum(['approve', 'reject'], { error: 'must be approve or reject' }),
  messages: z
    .array(
      z.strictObject({
        messageHtml: z.string().min(1).max(3_000),
        level: z.enum(['information', 'warning', 'error']).default('error'),
        policy: z.string().max(100).optional(),
        target: z.string().max(500).optional(),
      }),
    )
    .max(100)
    .default([]),
  reviewNotes: z.string().max(3_000).optional(),
});

export const operationsQuery = z.object({ status: z.string().optional() });
export const notificationsQuery = z.object({ offerId: z.string().optional() });

/**
 * An optional JSON body (the publish, go-live and cancel POSTs may send none): empty → `{}`; otherwise it must be
 * JSON of the schema (400 naming the field).
 */
export async function readOptionalJson<S extends z.ZodType>(request: HttpRequest, schema: S, maxBytes: number): Promise<z.output<S>> {
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > maxBytes) throw new ValidationError(`The request body is larger than ${maxBytes} bytes.`);
  const text = bytes.toString('utf8').trim();
  let value: unknown = {};
  if (text !== '') {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new MalformedJsonError(`The request body is not valid JSON: ${(error as Error).message}`);
    }
  }
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError('The request body is not valid.', violationsFrom(result.error));
  return result.data;
}

/** The `notification-emails` metadata as a list; 400 InvalidEmail naming the bad address. */
export function emailsOf(value: string | undefined): string[] {
  const { emails, invalid } = parseEmails(value);
  if (invalid.length > 0) {
    throw new ValidationError(`The notification email ${JSON.stringify(invalid[0])} is not a valid address.`, [
      { path: "$.metadata['notification-emails']", message: 'must be comma-separated email addresses', code: 'InvalidEmail' },
    ], 'InvalidEmail', "metadata['notification-emails']");
  }
  return emails;
}
