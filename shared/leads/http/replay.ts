/** The replay routes' bodies and headers (decisions 0522, 0526): the lead owed again, or a replay batch. */
import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { ValidationError } from '../../errors';
import type { Delivery, ReplayBatch } from '../model';
import { isIdempotencyKey } from '../rules/dedupe';

export function replayedView(delivery: Delivery): { leadId: string; state: string; generation: number; windowStartedAt: string; nextAttemptAt: string | null } {
  return {
    leadId: delivery.leadId,
    state: delivery.state,
    generation: delivery.generation,
    windowStartedAt: delivery.windowStartedAt,
    nextAttemptAt: delivery.nextAttemptAt ?? null,
  };
}

export const batchParams = z.object({
  publisherId: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/i, 'is not a valid id'),
  offerId: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/i, 'is not a valid id'),
  batchId: z.string().regex(/^[0-9A-Za-z]{1,40}$/, 'must be a replay batch id'),
});

export function replayBatchView(batch: ReplayBatch): {
  batchId: string;
  state: 'queued' | 'done';
  requestedAt: string;
  replayed: number;
  finishedAt: string | null;
} {
  return { batchId: batch.batchId, state: batch.state, requestedAt: batch.requestedAt, replayed: batch.replayed, finishedAt: batch.finishedAt ?? null };
}

export function replayBatchLocation(batch: ReplayBatch): string {
  return `/api/publishers/${encodeURIComponent(batch.publisherId)}/offers/${encodeURIComponent(batch.offerId)}/leads/replay-batches/${batch.batchId}`;
}

/** The optional Idempotency-Key of a replay-all request (the same key: the same batch); 400 when malformed. */
export function replayIdempotencyKey(request: HttpRequest): string | undefined {
  const key = request.headers.get('idempotency-key');
  if (key === null) return undefined;
  if (!isIdempotencyKey(key)) {
    throw new ValidationError(
      'The Idempotency-Key header is not valid.',
      [{ path: 'Idempotency-Key', code: 'invalid_idempotency_key', message: 'must be 1-128 characters of A-Z a-z 0-9 . _ : -' }],
      'invalid_idempotency_key',
    );
  }
  return key;
}
