/**
 * Pure rules of plans and seats (specs/saas-licensing.md A1.3, [DEC-A5], [DEC-A11]): quantity parsing, seat ranges
 * of per-user plans, and who buys as a test purchaser [DEC-A34].
 */
import { MP } from '../../catalog/model/fields/listing';
import type { LiveOffer, LivePlan } from '../../catalog/ports';

/** Upper bound for a per-user plan without a max [DEC-A11]. */
export const MAX_QUANTITY = 1_000_000;

export function isPerUser(plan: LivePlan): boolean {
  return plan.pricing?.model === 'perUser';
}

export function seatRange(plan: LivePlan): { min: number; max: number } {
  return { min: plan.pricing?.minUsers ?? 1, max: plan.pricing?.maxUsers ?? MAX_QUANTITY };
}

/**
 * Whether `email` is in the offer's preview audience (specs/publish.md 1.8: SaaS preview audiences are AAD/MSA
 * e-mail addresses, `microsoft-azure-marketplace.previewAudience`): such purchases are test purchases [DEC-A34].
 */
export function inPreviewAudience(offer: LiveOffer, email: string | undefined): boolean {
  if (!email) return false;
  const raw = offer.definition.offer[`${MP}.previewAudience`];
  if (!Array.isArray(raw)) return false;
  const wanted = email.trim().toLowerCase();
  return raw.some((entry) => {
    // Stryker disable next-line ConditionalExpression: a string, number or boolean entry has no 'id' either, so `typeof entry === 'object'` → true changes nothing (a null entry is tested)
    const id = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? entry['id'] : undefined;
    return typeof id === 'string' && id.trim().toLowerCase() === wanted;
  });
}

export type QuantityInput = { kind: 'absent' } | { kind: 'value'; value: number } | { kind: 'invalid' };

/** Integer or numeric string; `""`/`null`/absent = no quantity; anything else is invalid [DEC-A5]. */
export function parseQuantity(raw: unknown): QuantityInput {
  if (raw === undefined || raw === null || raw === '') return { kind: 'absent' };
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0) return { kind: 'invalid' };
  return { kind: 'value', value: n };
}
