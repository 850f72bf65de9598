import { describe, expect, it } from 'vitest';
import { checkQuery, convert, resolveName } from '../../../../shared/analytics/rules/query-check';
import { DATASETS, findDataset, SYSTEM_QUERIES } from '../../../../shared/analytics/rules/datasets';

function plan(text: string) {
  const result = checkQuery(text);
  if (!result.ok) throw new Error(result.error.message);
  return result.plan;
}

function refusal(text: string) {
  const result = checkQuery(text);
  if (result.ok) throw new Error('accepted');
  return { message: result.error.message, at: result.error.token.text, offset: result.error.token.offset };
}

describe('checkQuery', () => {
  it('plans the seed’s usage example with canonical names, its metrics, its filter and its time span', () => {
    const p = plan(
      "select usagedate, NORMALIZEDUSAGE, EstimatedExtendedChargePC from isvusage where SKUBillingType = 'Paid' order by UsageDate timespan last_month",
    );
    expect(p.dataset.datasetName).toBe('ISVUsage');
    expect(p.select).toEqual(['UsageDate', 'NormalizedUsage', 'EstimatedExtendedChargePC']);
    expect(p.metrics).toEqual(['NormalizedUsage', 'EstimatedExtendedChargePC']);
    expect(p.filters).toEqual([{ name: 'SKUBillingType', on: 'column', type: 'string', operator: '=', values: ['paid'] }]);
    expect(p.orderBy).toEqual([{ name: 'UsageDate', direction: 'DESC' }]);
    expect(p.timespan).toBe('LAST_MONTH');
    expect(p.distinct).toBe(false);
    expect('limit' in p).toBe(false);
  });

  it('defaults the time span to six months and keeps DISTINCT and LIMIT', () => {
    const p = plan('SELECT DISTINCT OrderId FROM ISVOrder LIMIT 5');
    expect(p.timespan).toBe('LAST_6_MONTHS');
    expect(p.distinct).toBe(true);
    expect(p.limit).toBe(5);
    expect(p.metrics).toEqual([]);
  });

  it('converts literals to the column’s type and marks filters on metrics', () => {
    const p = plan(
      "SELECT OrderId FROM ISVOrder WHERE OrderQuantity = '100' AND OrderPurchaseDate <= '2020-06-30' AND OrderId IN ('A', 'b')",
    );
    expect(p.filters.map((f) => [f.type, f.values])).toEqual([
      ['number', [100]],
      ['date', ['2020-06-30']],
      ['string', ['a', 'b']],
    ]);
    const usage = plan('SELECT CustomerId, NormalizedUsage FROM ISVUsage WHERE NormalizedUsage > 100000');
    expect(usage.filters[0]).toEqual({ name: 'NormalizedUsage', on: 'metric', type: 'number', operator: '>', values: [100000] });
  });

  it('passes every system query it ships', () => {
    for (const q of SYSTEM_QUERIES) expect(checkQuery(q.query).ok, q.query).toBe(true);
  });

  it.each([
    ['SELECT OrderId FROM Nope', "Unknown dataset 'Nope'. The Get all datasets API lists the datasets.", 'Nope'],
    ['SELECT Nope FROM ISVOrder', "Unknown column or metric 'Nope' in ISVOrder.", 'Nope'],
    ['SELECT OrderId, orderid FROM ISVOrder', "'orderid' is selected twice.", 'orderid'],
    ["SELECT OrderId FROM ISVOrder WHERE Nope = 'x'", "Unknown column or metric 'Nope' in ISVOrder.", 'Nope'],
    ["SELECT OrderId FROM ISVOrder WHERE OrderId = ('a')", '= takes one value; a list is only for IN and NOT IN.', '('],
    ["SELECT OrderId FROM ISVOrder WHERE OrderId IN 'a'", 'IN takes a list of values in parentheses.', "'a'"],
    ["SELECT OrderId FROM ISVOrder WHERE OrderId NOT IN 'a'", 'NOT IN takes a list of values in parentheses.', "'a'"],
    ["SELECT OrderId FROM ISVOrder WHERE OrderQuantity LIKE '1%'", 'LIKE compares text; OrderQuantity is a number.', 'OrderQuantity'],
    [
      "SELECT OrderId FROM ISVOrder WHERE OrderPurchaseDate NOT LIKE '2020%'",
      'NOT LIKE compares text; OrderPurchaseDate is a date.',
      'OrderPurchaseDate',
    ],
    ["SELECT OrderId FROM ISVOrder WHERE OrderQuantity = 'many'", 'OrderQuantity compares with a number.', "'many'"],
    [
      "SELECT OrderId FROM ISVOrder WHERE OrderPurchaseDate > '2020-13-45'",
      'OrderPurchaseDate compares with a date written yyyy-MM-dd.',
      "'2020-13-45'",
    ],
    ['SELECT OrderId FROM ISVOrder WHERE OrderPurchaseDate > 2020', 'OrderPurchaseDate compares with a date written yyyy-MM-dd.', '2020'],
    ['SELECT OrderId FROM ISVOrder ORDER BY Nope', "Unknown column or metric 'Nope' in ISVOrder.", 'Nope'],
    [
      'SELECT OrderId FROM ISVOrder ORDER BY OfferName',
      'ORDER BY OfferName: only selected columns and metrics can order the rows.',
      'OfferName',
    ],
    ['SELECT OrderId FROM ISVOrder LIMIT 0', 'LIMIT takes a positive whole number.', '0'],
    ['SELECT OrderId FROM ISVOrder LIMIT 2.5', 'LIMIT takes a positive whole number.', '2.5'],
    ['SELECT OrderId FROM ISVOrder LIMIT -1', 'LIMIT takes a positive whole number.', '-1'],
    [
      'SELECT OrderId FROM ISVOrder TIMESPAN LAST_2_DAYS',
      "Unknown time span 'LAST_2_DAYS'. Allowed: TODAY, YESTERDAY, LAST_7_DAYS, LAST_14_DAYS, LAST_30_DAYS, LAST_90_DAYS, LAST_180_DAYS, LAST_365_DAYS, LAST_MONTH, LAST_3_MONTHS, LAST_6_MONTHS, LAST_1_YEAR, LIFETIME.",
      'LAST_2_DAYS',
    ],
    ['SELECT OrderId FROM', 'The query ends too early: a clause is incomplete.', ''],
  ])('refuses %s', (text, message, at) => {
    const found = refusal(text);
    expect(found.message).toBe(message);
    expect(found.at).toBe(at);
  });

  it('accepts LIKE and NOT LIKE on text columns', () => {
    expect(
      plan("SELECT OrderId FROM ISVOrder WHERE OfferName LIKE '%x%' AND CustomerName NOT LIKE 'a%'").filters.map((f) => f.operator),
    ).toEqual(['LIKE', 'NOT LIKE']);
  });

  it('accepts LIMIT 1, the smallest', () => {
    expect(plan('SELECT OrderId FROM ISVOrder LIMIT 1').limit).toBe(1);
  });

  it('refuses a time span the dataset does not offer', () => {
    const order = DATASETS[0] as { availableDateRanges: readonly string[] };
    const saved = order.availableDateRanges;
    order.availableDateRanges = ['LIFETIME', 'LAST_MONTH'];
    try {
      expect(refusal('SELECT OrderId FROM ISVOrder TIMESPAN TODAY')).toEqual({
        message: 'ISVOrder has no time span TODAY. Allowed: LIFETIME, LAST_MONTH.',
        at: 'TODAY',
        offset: 38,
      });
    } finally {
      order.availableDateRanges = saved;
    }
  });
});

describe('convert', () => {
  it.each([
    [{ kind: 'number', value: 7 }, 'number', 7],
    [{ kind: 'string', value: ' 12.5 ' }, 'number', 12.5],
    [{ kind: 'string', value: '-3' }, 'number', -3],
    [{ kind: 'string', value: '12.55' }, 'number', 12.55],
    [{ kind: 'string', value: '1e3' }, 'number', undefined],
    [{ kind: 'string', value: '12.' }, 'number', undefined],
    [{ kind: 'string', value: 'x12' }, 'number', undefined],
    [{ kind: 'string', value: '2020-02-29' }, 'date', '2020-02-29'],
    [{ kind: 'string', value: '2020-2-29' }, 'date', undefined],
    [{ kind: 'string', value: 'x2020-02-29' }, 'date', undefined],
    [{ kind: 'string', value: '2020-02-29x' }, 'date', undefined],
    [{ kind: 'string', value: '2020-99-01' }, 'date', undefined],
    [{ kind: 'string', value: 'MiXeD' }, 'string', 'mixed'],
    [{ kind: 'number', value: 5 }, 'string', '5'],
  ] as const)('%j as %s is %j', (literal, type, expected) => {
    expect(convert(literal, type)).toBe(expected);
  });
});

describe('resolveName', () => {
  it('finds columns and metrics case-insensitively, undefined otherwise', () => {
    const usage = findDataset('isvusage');
    if (!usage) throw new Error('no ISVUsage');
    expect(resolveName(usage, 'meterid')).toBe('MeterId');
    expect(resolveName(usage, 'RAWUSAGE')).toBe('RawUsage');
    expect(resolveName(usage, 'Raw')).toBeUndefined();
  });
});
