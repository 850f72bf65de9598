/**
 * The publisher's license report (B1.6; DEC-L18; decision 0805): one row per (tenant, plan, month) with the license
 * dashboard's download columns [004:19809-19823], provisioned against assigned seats; a month's value is its last
 * snapshot (carried forward when nothing changed), the current month the live value. Totals per month, plan and
 * customer country.
 */
import { ForbiddenError, ValidationError } from '../../errors';
import type { LicenseCaller, LicensePool, PoolSnapshot } from '../model';
import type { LicensePlans, LicenseStore, SeatSources } from '../ports';
import { monthOf, reportMonths, snapshotFor } from '../rules/report';
import { poolStatus } from './pool-status';

export interface ReportQuery {
  publisherId?: string;
  from?: string;
  to?: string;
  offerId?: string;
  planId?: string;
  tenantId?: string;
}

export interface ReportRow {
  month: string;
  'Customer Country': string;
  'Customer Country Code': string;
  'Customer Name': string;
  'Activation Date': string;
  'Product Display Name': string;
  'Product ID': string;
  'Licenses Provisioned': number;
  'Licenses Assigned': number;
  'SKU Name': string;
  'Tenant ID': string;
  'License State': string;
  'Service ID': string;
}

export interface ReportTotal {
  month: string;
  planId: string;
  countryCode: string;
  provisioned: number;
  assigned: number;
}

const COUNTRY_NAMES = new Intl.DisplayNames(['en'], { type: 'region' });

function countryName(code: string | undefined): string {
  if (!code) return 'Unknown';
  try {
    return COUNTRY_NAMES.of(code) ?? code;
  } catch {
    return code;
  }
}

export class LicenseReport {
  constructor(private readonly deps: { store: LicenseStore; sources: SeatSources; plans: LicensePlans; now: () => Date }) {}

  async licenses(caller: LicenseCaller, query: ReportQuery): Promise<{ months: string[]; rows: ReportRow[]; totals: ReportTotal[] }> {
    const publisherId = caller.kind === 'publisher' ? caller.publisherId : caller.kind === 'operator' ? query.publisherId : undefined;
    if (caller.kind === 'customer') throw new ForbiddenError("The license report is the publisher's.");
    if (!publisherId)
      throw new ValidationError('An operator names the publisher (publisherId).', [{ path: 'publisherId', message: 'is required' }]);
    if (caller.kind === 'publisher' && query.publisherId !== undefined && query.publisherId !== caller.publisherId) {
      throw new ForbiddenError('A publisher reads only its own license report.');
    }
    const range = reportMonths(this.deps.now(), query.from, query.to);
    if (!range.ok) throw new ValidationError(range.problem, [{ path: 'from', message: range.problem }], 'InvalidRange');
    const current = monthOf(this.deps.now().toISOString());
    const pools = (await this.deps.store.listPoolsOf(publisherId)).filter(
      (p) =>
        (query.offerId === undefined || p.offerId === query.offerId) &&
        (query.planId === undefined || p.planId === query.planId) &&
        (query.tenantId === undefined || p.tenantId === query.tenantId.toLowerCase()),
    );
    const snapshots = await this.deps.store.listSnapshotsOf(publisherId);
    const rows: ReportRow[] = [];
    for (const pool of pools) {
      const mine = snapshots.filter((s) => s.tenantId === pool.tenantId && s.skuId === pool.skuId);
      const names = await this.deps.plans.plan(pool.publisherId, pool.offerId, pool.planId);
      const live = range.months.includes(current) ? await poolStatus(pool, this.deps.sources) : undefined;
      for (const month of range.months) {
        if (month < monthOf(pool.firstActivatedAt)) continue;
        const value: Pick<PoolSnapshot, 'provisioned' | 'assigned' | 'state'> | undefined =
          month === current && live
            ? { provisioned: live.provisioned, assigned: pool.assigned, state: live.state }
            : snapshotFor(month, mine);
        if (value) rows.push(this.#row(pool, month, value, names?.offerTitle, names?.planName));
      }
    }
    return { months: range.months, rows, totals: totalsOf(rows, pools) };
  }

  #row(
    pool: LicensePool,
    month: string,
    value: Pick<PoolSnapshot, 'provisioned' | 'assigned' | 'state'>,
    offerTitle?: string,
    planName?: string,
  ): ReportRow {
    return {
      month,
      'Customer Country': countryName(pool.countryCode),
      'Customer Country Code': pool.countryCode ?? '',
      'Customer Name': pool.customerName ?? '',
      'Activation Date': pool.firstActivatedAt.slice(0, 10),
      'Product Display Name': offerTitle ?? pool.offerId,
      'Product ID': pool.offerId,
      'Licenses Provisioned': value.provisioned,
      'Licenses Assigned': value.assigned,
      'SKU Name': planName ?? pool.planId,
      'Tenant ID': pool.tenantId,
      'License State': value.state,
      'Service ID': pool.serviceId,
    };
  }
}

function totalsOf(rows: ReportRow[], pools: LicensePool[]): ReportTotal[] {
  const planOf = new Map(pools.map((p) => [p.serviceId, p.planId]));
  const totals = new Map<string, ReportTotal>();
  for (const row of rows) {
    const planId = planOf.get(row['Service ID']) ?? row['SKU Name'];
    const countryCode = row['Customer Country Code'];
    const key = `${row.month}|${row['Service ID']}|${countryCode}`;
    const total = totals.get(key) ?? { month: row.month, planId, countryCode, provisioned: 0, assigned: 0 };
    total.provisioned += row['Licenses Provisioned'];
    total.assigned += row['Licenses Assigned'];
    totals.set(key, total);
  }
  return [...totals.values()];
}
