import { describe, expect, it } from 'vitest';
import { noFaults } from '../../../../shared/faults';
import { serviceIdOf, skuIdOf } from '../../../../shared/licensing/rules/sku';
import { LinkSubscription } from '../../../../shared/licensing/service/link-subscription';
import { UpdateLicenses } from '../../../../shared/licensing/service/license-update';
import { LicenseReport } from '../../../../shared/licensing/service/report';
import { admin, FakeSources, MemoryLicenseStore, plans, TENANT, user } from './fakes';

const SKU = skuIdOf(serviceIdOf('contoso', 'teamsapp', 'std'));

async function setup() {
  let now = new Date('2026-01-05T10:00:00Z');
  const clock = () => now;
  const store = new MemoryLicenseStore();
  const sources = new FakeSources();
  sources.add({ id: 'sub-1', quantity: 10 });
  await new LinkSubscription({ store, sources, plans: plans(), now: clock }).link(admin, TENANT, 'sub-1', {
    customerName: 'Tailspin',
    countryCode: 'de',
  });
  const update = new UpdateLicenses({ store, sources, faults: noFaults, now: clock, blockedTenants: [] });
  const assign = (n: number) => update.apply(admin, TENANT, user(n), { LicensesToAssign: [{ SkuId: SKU }] });
  const report = new LicenseReport({ store, sources, plans: plans(), now: clock });
  return { store, sources, assign, report, at: (iso: string) => (now = new Date(iso)) };
}

describe('the license report', () => {
  it('gives one row per tenant, plan and month: the month’s last value, the current month live (C.18-145)', async () => {
    const t = await setup();
    for (const n of [1, 2, 3]) await t.assign(n);
    t.at('2026-02-10T00:00:00Z');
    for (const n of [4, 5]) await t.assign(n);
    t.at('2026-04-02T00:00:00Z');
    t.sources.add({ id: 'sub-1', quantity: 12 });
    const out = await t.report.licenses({ kind: 'publisher', publisherId: 'contoso' }, {});
    expect(out.months).toEqual(['2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04']);
    expect(out.rows.map((r) => [r.month, r['Licenses Provisioned'], r['Licenses Assigned']])).toEqual([
      ['2026-01', 10, 3],
      ['2026-02', 10, 5],
      ['2026-03', 10, 5],
      ['2026-04', 12, 5],
    ]);
    expect(out.rows[0]).toEqual({
      month: '2026-01',
      'Customer Country': 'Germany',
      'Customer Country Code': 'DE',
      'Customer Name': 'Tailspin',
      'Activation Date': '2026-01-05',
      'Product Display Name': 'teamsapp',
      'Product ID': 'teamsapp',
      'Licenses Provisioned': 10,
      'Licenses Assigned': 3,
      'SKU Name': 'std',
      'Tenant ID': TENANT,
      'License State': 'Active',
      'Service ID': 'contoso.teamsapp.std',
    });
    expect(out.totals).toContainEqual({ month: '2026-02', planId: 'std', countryCode: 'DE', provisioned: 10, assigned: 5 });
  });

  it('filters by plan, offer and tenant, and checks the range and the caller (C.18-146/147)', async () => {
    const t = await setup();
    const publisher = { kind: 'publisher' as const, publisherId: 'contoso' };
    expect((await t.report.licenses(publisher, { planId: 'pro' })).rows).toEqual([]);
    expect((await t.report.licenses(publisher, { offerId: 'other' })).rows).toEqual([]);
    expect((await t.report.licenses(publisher, { tenantId: TENANT.toUpperCase(), from: '2026-01', to: '2026-01' })).rows).toHaveLength(1);
    expect((await t.report.licenses(publisher, { tenantId: user(3) })).rows).toEqual([]);
    await expect(t.report.licenses(publisher, { from: '2025-01', to: '2026-01' })).rejects.toMatchObject({
      kind: 'invalid',
      code: 'InvalidRange',
    });
    await expect(t.report.licenses(publisher, { from: '2026-02', to: '2026-01' })).rejects.toMatchObject({ kind: 'invalid' });
    await expect(t.report.licenses(admin, {})).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(t.report.licenses(publisher, { publisherId: 'fabrikam' })).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(t.report.licenses({ kind: 'operator' }, {})).rejects.toMatchObject({ kind: 'invalid' });
    expect((await t.report.licenses({ kind: 'operator' }, { publisherId: 'contoso' })).rows).toHaveLength(1);
    expect((await t.report.licenses({ kind: 'publisher', publisherId: 'fabrikam' }, {})).rows).toEqual([]);
  });
});
