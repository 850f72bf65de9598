/**
 * The `LicenseUpdate` request body of seed 003 (B1.7; DEC-L19, DEC-L20): property names matched case-insensitively
 * (the sample is PascalCase, the response camelCase); `LicensesToAssign` items `{SkuId, ExcludedPlans}` with
 * `ExcludedPlans` null or empty (ISV plans have no inner service plans); `LicensesToRemove` SKU ids; at least one
 * non-empty list; no SKU in both. Returns the request or the problems found, never throws.
 */
import { isGuid } from './sku';

export interface LicenseUpdateRequest {
  assign: string[];
  remove: string[];
}

export type Parsed = { ok: true; request: LicenseUpdateRequest } | { ok: false; problems: string[] };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value of `name` in `object`, whatever its casing (undefined when absent). */
export function member(object: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : object[key];
}

function skuList(value: unknown, label: string, problems: string[], read: (item: unknown, index: number) => unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push(`${label} must be an array or null.`);
    return [];
  }
  const skus: string[] = [];
  value.forEach((item, index) => {
    const sku = read(item, index);
    if (typeof sku !== 'string' || !isGuid(sku)) problems.push(`${label}[${index}] must be a SKU id (a GUID).`);
    else if (!skus.includes(sku.toLowerCase())) skus.push(sku.toLowerCase());
  });
  return skus;
}

export function parseLicenseUpdate(body: unknown): Parsed {
  if (!isObject(body)) return { ok: false, problems: ['The body must be a LicenseUpdate object.'] };
  const problems: string[] = [];
  const assign = skuList(member(body, 'LicensesToAssign'), 'LicensesToAssign', problems, (item, index) => {
    if (!isObject(item)) return undefined;
    const excluded = member(item, 'ExcludedPlans');
    if (excluded !== undefined && excluded !== null && !(Array.isArray(excluded) && excluded.length === 0)) {
      problems.push(`LicensesToAssign[${index}].ExcludedPlans must be null or empty: the plan has no service plans to exclude.`);
    }
    return member(item, 'SkuId');
  });
  const remove = skuList(member(body, 'LicensesToRemove'), 'LicensesToRemove', problems, (item) => item);
  if (problems.length > 0) return { ok: false, problems };
  if (assign.length === 0 && remove.length === 0) {
    return { ok: false, problems: ['LicensesToAssign or LicensesToRemove must list at least one SKU.'] };
  }
  const both = assign.filter((sku) => remove.includes(sku));
  if (both.length > 0) return { ok: false, problems: [`SKU ${both.join(', ')} is both assigned and removed.`] };
  return { ok: true, request: { assign, remove } };
}
