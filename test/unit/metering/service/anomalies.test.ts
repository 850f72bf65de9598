import { beforeEach, describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../../../shared/clock';
import { ConflictError, NotFoundError, ValidationError } from '../../../../shared/errors';
import type { StoredUsage } from '../../../../shared/metering/model';
import { checkDecision, judgeDay, type Anomaly } from '../../../../shared/metering/rules/anomaly';
import { DAY_MS, isoDate } from '../../../../shared/metering/rules/time';
import { Anomalies } from '../../../../shared/metering/service/anomalies';
import {
  type Fixture,
  InMemoryAnomalies,
  InMemoryPlans,
  InMemoryResources,
  InMemoryUsage,
  OFFER,
  P1,
  seedMetering,
  usageRow,
} from '../../../fixtures/metering';

const day = (base: string, offset: number) => isoDate(new Date(Date.parse(`${base}T00:00:00Z`) + offset * DAY_MS));
/** ~100 a day with a little deterministic noise (95–105). */
const around100 = (i: number) => 100 + ((i * 7) % 11) - 5;

describe('judgeDay (specs/metering.md 2.10)', () => {
  const series = (values: [number, number][]) => new Map(values.map(([offset, v]) => [day('2024-02-01', offset), v]));

  it('flags a spike against 28 days of history and gives the median as expected usage', () => {
    const s = series([...Array.from({ length: 28 }, (_, i) => [i, around100(i)] as [number, number]), [28, 1000]]);
    const verdict = judgeDay(s, day('2024-02-01', 28));
    expect(verdict?.anomalous).toBe(true);
    expect(verdict?.expected).toBeCloseTo(100, 0);
    expect(judgeDay(s, day('2024-02-01', 27))?.anomalous).toBe(false);
  });

  it('does not flag a flat series, nor judge without 14 days of history', () => {
    const flat = series(Array.from({ length: 29 }, (_, i) => [i, 100] as [number, number]));
    expect(judgeDay(flat, day('2024-02-01', 28))?.anomalous).toBe(false);
    const short = series([...Array.from({ length: 13 }, (_, i) => [i, 100] as [number, number]), [13, 1000]]);
    expect(judgeDay(short, day('2024-02-01', 13))).toBeUndefined();
  });

  it('treats missing days as gaps, not dips (T128)', () => {
    const s = series([...Array.from({ length: 18 }, (_, i) => [i, around100(i)] as [number, number]), [28, 101], [29, 99]]);
    expect(judgeDay(s, day('2024-02-01', 20))).toBeUndefined(); // a gap day is never judged
    expect(judgeDay(s, day('2024-02-01', 28))?.anomalous).toBe(false);
  });
});

const AN: Anomaly = {
  anomalyId: 'an1',
  publisherId: P1,
  offerId: OFFER,
  planId: 'premium',
  resourceKey: 's2',
  meterId: 'email',
  usageDate: '2024-03-04',
  reportedUsage: 1000,
  expectedUsage: 100,
  pricePerUnitUSD: 0.5,
  flaggedAt: '2024-03-11T02:00:00.000Z',
};
const F = Date.parse(AN.flaggedAt);
const at = (ms: number) => new Date(F + ms);

describe('checkDecision (T118–T124, T129)', () => {
  it.each([
    ['1200 > reported (T119)', 1200],
    ['= reported (T120)', 1000],
    ['negative (T120)', -1],
    ['missing', undefined],
  ])('refuses a corrected usage %s', (_name, value) => {
    expect(checkDecision(AN, 'MarkedAsAnomaly', at(0), value)).toMatchObject({ kind: 'invalid', field: 'newReportedUsage' });
  });

  it.each([
    ['0, a full credit (T120)', 0],
    ['150 (T118)', 150],
  ])('accepts a corrected usage of %s', (_name, value) => {
    expect(checkDecision(AN, 'MarkedAsAnomaly', at(0), value)).toBeUndefined();
  });

  it.each([
    ['F + 29 d', 29 * DAY_MS, undefined],
    ['F + 30 d exactly', 30 * DAY_MS, undefined],
    ['F + 30 d + 1 s', 30 * DAY_MS + 1000, 'ActionWindowExpired'],
  ])('acting at %s (T124)', (_name, offset, code) => {
    const problem = checkDecision(AN, 'NotAnAnomaly', at(offset));
    expect(problem === undefined ? undefined : problem.kind === 'conflict' ? problem.code : problem.kind).toBe(code);
  });

  it.each([
    ['marked → not an anomaly is locked (T122)', 'MarkedAsAnomaly', 'NotAnAnomaly', 'DecisionLocked'],
    ['not an anomaly → marked is allowed (T123)', 'NotAnAnomaly', 'MarkedAsAnomaly', undefined],
    ['the same decision twice (T129)', 'NotAnAnomaly', 'NotAnAnomaly', 'AlreadyDecided'],
    ['marked twice (T129)', 'MarkedAsAnomaly', 'MarkedAsAnomaly', 'AlreadyDecided'],
  ] as const)('%s', (_name, first, second, code) => {
    const problem = checkDecision({ ...AN, decision: first, newReportedUsage: 150 }, second, at(0), 150);
    expect(problem?.kind === 'conflict' ? problem.code : problem).toBe(code);
  });
});

describe('Anomalies service (specs/metering.md 3.13)', () => {
  let f: Fixture;
  let usage: InMemoryUsage;
  let service: Anomalies;
  const clock = new AdjustableClock({ adjustable: true, realNow: () => 0 });
  const START = '2024-02-05'; // 28 days of history from here, the spike on day 28 = 2024-03-04

  const row = (resourceKey: string, planId: string, dimension: string, date: string, quantity: number): StoredUsage =>
    usageRow(resourceKey, planId, dimension, `${date}T10:00:00.000Z`, quantity);

  beforeEach(async () => {
    const resources = new InMemoryResources();
    const plans = new InMemoryPlans();
    usage = new InMemoryUsage();
    f = await seedMetering(resources, plans);
    for (let i = 0; i < 28; i += 1) {
      await usage.insert(row(f.S2, 'premium', 'email', day(START, i), around100(i)));
      await usage.insert(row(f.S1, 'basic', 'email', day(START, i), 100));
      await usage.insert(row(f.S2, 'premium', 'text', day(START, i), 50));
    }
    await usage.insert(row(f.S2, 'premium', 'email', day(START, 28), 1000));
    await usage.insert(row(f.S1, 'basic', 'email', day(START, 28), 100));
    await usage.insert(row(f.S2, 'premium', 'text', day(START, 28), 50));
    clock.set(new Date('2024-03-11T02:00:00Z')); // the Monday run after the spike
    service = new Anomalies({ usage, plans, resources, anomalies: new InMemoryAnomalies(), clock });
  });

  it('flags only the spiking customer and meter, with the seed columns (T115)', async () => {
    const summary = await service.run();
    expect(summary.flagged).toBe(1);
    const [an1, ...others] = await service.list(P1, { periodDays: 30, impact: 'all' });
    expect(others).toEqual([]);
    expect(an1).toMatchObject({
      subscriptionId: f.S2,
      meterId: 'email',
      usageDate: '2024-03-04',
      reportedUsage: 1000,
      pricePerUnitUSD: 0.5,
      state: 'unacknowledged',
      partnerCenterDetectedAnomaly: 1,
      publisherMarkedAnomaly: null,
      actionExpiryDate: '2024-04-10',
      customerCompanyName: 'Woodgrove',
    });
    expect(an1?.expectedUsage).toBeCloseTo(100, 0);
    expect(an1?.estimatedFinancialImpactUSD).toBeCloseTo(450, 0);
  });

  it('judges a day only once it is closed, 24 hours after its end', async () => {
    clock.set(new Date('2024-03-05T23:59:59Z')); // the spike day (03-04) can still receive usage until now
    const early = await service.run();
    expect([early.judgedDays.at(-1), early.flagged]).toEqual(['2024-03-03', 0]);
    clock.set(new Date('2024-03-06T00:00:00Z'));
    expect((await service.run()).flagged).toBe(1);
  });

  it('catches up on the days of missed weeks, at most 35', async () => {
    clock.set(new Date('2024-03-01T02:00:00Z'));
    expect((await service.run()).judgedDays).toHaveLength(7);
    clock.set(new Date('2024-03-22T02:00:00Z')); // two weekly runs missed
    const summary = await service.run();
    expect([summary.judgedDays[0], summary.judgedDays.at(-1), summary.flagged]).toEqual(['2024-02-29', '2024-03-20', 1]);
    clock.set(new Date('2024-09-01T02:00:00Z'));
    expect((await service.run()).judgedDays).toHaveLength(35);
  });

  it('is idempotent: a second run flags nothing new', async () => {
    await service.run();
    expect((await service.run()).flagged).toBe(0);
  });

  it('hides impacts of 100 USD or less by default (T117)', async () => {
    await usage.insert(row(f.S1, 'basic', 'text', day(START, 28), 9999)); // no history: never judged
    const s1Spike = row(f.S1, 'basic', 'email', day(START, 29), 140); // impact (140 − 100) × 1 = 40
    await usage.insert(s1Spike);
    clock.set(new Date('2024-03-11T02:00:00Z'));
    await service.run();
    const all = await service.list(P1, { periodDays: 30, impact: 'all' });
    const byDefault = await service.list(P1, { periodDays: 30, impact: 'gt100' });
    expect(all.map((a) => a.estimatedFinancialImpactUSD).sort((a, b) => a - b)).toEqual([40, expect.closeTo(450, 0)]);
    expect(byDefault.map((a) => a.subscriptionId)).toEqual([f.S2]);
  });

  it('records "Mark as anomaly" and moves it to the action log (T118), then locks it (T122)', async () => {
    await service.run();
    const [an1] = await service.list(P1, { periodDays: 30, impact: 'all' });
    const id = an1?.anomalyId as string;
    const marked = await service.decide(P1, id, 'MarkedAsAnomaly', { newReportedUsage: 150 }, 'app-1');
    expect(marked).toMatchObject({
      anomalyDecision: 'Marked as Anomaly',
      publisherMarkedAnomaly: 1,
      newReportedUsage: 150,
      actionTakenBy: 'app-1',
      actionTakenAt: '2024-03-11T02:00:00.000Z',
      state: 'acted',
    });
    expect(await service.list(P1, { periodDays: 30, impact: 'all', state: 'unacknowledged' })).toEqual([]);
    expect((await service.list(P1, { periodDays: 30, impact: 'all', state: 'acted' })).map((a) => a.anomalyId)).toEqual([id]);
    await expect(service.decide(P1, id, 'NotAnAnomaly', { reason: 'x' }, 'app-1')).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses an under-reported correction and changes nothing (T119)', async () => {
    await service.run();
    const [an1] = await service.list(P1, { periodDays: 30, impact: 'all' });
    await expect(
      service.decide(P1, an1?.anomalyId as string, 'MarkedAsAnomaly', { newReportedUsage: 1200 }, 'app-1'),
    ).rejects.toBeInstanceOf(ValidationError);
    expect((await service.get(P1, an1?.anomalyId as string)).state).toBe('unacknowledged');
  });

  it('answers 404 for an unknown or foreign anomaly (T129)', async () => {
    await service.run();
    const [an1] = await service.list(P1, { periodDays: 30, impact: 'all' });
    await expect(service.decide('fabrikam', an1?.anomalyId as string, 'NotAnAnomaly', { reason: 'x' }, 'a')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(service.get(P1, '00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists by usage-date period, offer and meter (T125, T126)', async () => {
    await service.run();
    clock.set(new Date(Date.parse('2024-03-04T00:00:00Z') + 45 * DAY_MS));
    expect(await service.list(P1, { periodDays: 30, impact: 'all' })).toHaveLength(0);
    expect(await service.list(P1, { periodDays: 60, impact: 'all' })).toHaveLength(1);
    expect(await service.list(P1, { periodDays: 90, impact: 'all', meterId: 'text' })).toHaveLength(0);
    expect(await service.list(P1, { periodDays: 90, impact: 'all', offerId: 'contoso-coa' })).toHaveLength(0);
  });
});
