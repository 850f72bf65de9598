/**
 * Storage down at capture (specs/leads.md 2.5 (1)): nothing was stored, so the client is told to retry, with
 * Retry-After. Only storage and network failures qualify; any other error stays an opaque 500.
 */
import type { HttpResponseInit } from '@azure/functions';
import { problem } from '../../http/surfaces';

export const RETRY_AFTER_SECONDS = 5;

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'REQUEST_SEND_ERROR']);

/** Whether an error says the storage service could not be reached or failed on its side (5xx, 408, 429). */
export function isStorageUnavailable(error: unknown): boolean {
  const e = error as { name?: string; statusCode?: number; code?: string; cause?: { code?: string } } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.name !== 'RestError' && !NETWORK_CODES.has(e.code ?? '')) return false;
  const status = e.statusCode;
  if (status === undefined) return NETWORK_CODES.has(e.code ?? '') || NETWORK_CODES.has(e.cause?.code ?? '') || e.name === 'RestError';
  return status >= 500 || status === 408 || status === 429;
}

export function storageUnavailable(): HttpResponseInit {
  const response = problem(503, 'The lead could not be stored right now; nothing was stored. Retry the same request.', {
    code: 'storage_unavailable',
  });
  return { ...response, headers: { ...(response.headers as Record<string, string>), 'retry-after': String(RETRY_AFTER_SECONDS) } };
}
