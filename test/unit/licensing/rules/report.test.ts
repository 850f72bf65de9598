import { describe, expect, it } from 'vitest';
import { DEFAULT_MONTHS, MAX_MONTHS, monthOf, reportMonths, snapshotFor } from '../../../../shared/licensing/rules/report';

const NOW = new Date('2026-03-15T12:00:00Z');

describe('report months', () => {
  it('defaults to the last 6 months including the current one', () => {
    expect(DEFAULT_MONTHS).toBe(6);
    expect(reportMonths(NOW)).toEqual({ ok: true, months: ['2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03'] });
    expect(reportMonths(NOW, undefined, '2026-01')).toEqual({
      ok: true,
      months: ['2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01'],
    });
    expect(reportMonths(NOW, '2026-02')).toEqual({ ok: true, months: ['2026-02', '2026-03'] });
  });

  it('accepts one month and at most 12', () => {
    expect(MAX_MONTHS).toBe(12);
    expect(reportMonths(NOW, '2026-01', '2026-01')).toEqual({ ok: true, months: ['2026-01'] });
    const twelve = reportMonths(NOW, '2025-01', '2025-12');
    expect(twelve.ok && twelve.months).toHaveLength(12);
    expect(reportMonths(NOW, '2025-01', '2026-01')).toEqual({ ok: false, problem: 'A report covers at most 12 months.' });
  });

  it('refuses from after to and badly written months', () => {
    expect(reportMonths(NOW, '2026-02', '2026-01')).toEqual({ ok: false, problem: 'from must not be after to.' });
    for (const bad of ['2026-13', '2026-00', '2026-1', '26-01', '2026-01-01', 'x']) {
      expect(reportMonths(NOW, bad, '2026-03')).toEqual({ ok: false, problem: 'from and to must be months written YYYY-MM.' });
      expect(reportMonths(NOW, '2026-01', bad)).toEqual({ ok: false, problem: 'from and to must be months written YYYY-MM.' });
    }
  });

  it('names months across a year end with two digits', () => {
    expect(reportMonths(NOW, '2025-11', '2026-02')).toEqual({ ok: true, months: ['2025-11', '2025-12', '2026-01', '2026-02'] });
    expect(reportMonths(new Date('0999-01-05T00:00:00Z'), '0998-12')).toEqual({ ok: true, months: ['0998-12', '0999-01'] });
  });

  it('takes the month of a timestamp', () => {
    expect(monthOf('2026-03-15T12:00:00.000Z')).toBe('2026-03');
  });

  it('carries the latest snapshot in or before a month forward', () => {
    const snaps = [
      { month: '2026-03', v: 3 },
      { month: '2026-01', v: 1 },
      { month: '2026-02', v: 2 },
    ];
    expect(snapshotFor('2026-02', snaps)).toEqual({ month: '2026-02', v: 2 });
    expect(snapshotFor('2026-05', snaps)).toEqual({ month: '2026-03', v: 3 });
    expect(snapshotFor('2026-01', snaps)).toEqual({ month: '2026-01', v: 1 });
    expect(snapshotFor('2025-12', snaps)).toBeUndefined();
    expect(
      snapshotFor('2026-02', [
        { month: '2026-01', v: 1 },
        { month: '2026-01', v: 2 },
      ]),
    ).toEqual({ month: '2026-01', v: 1 });
    expect(
      snapshotFor('2026-02', [
        { month: '2026-01', v: 1 },
        { month: '2025-11', v: 0 },
      ]),
    ).toEqual({ month: '2026-01', v: 1 });
  });
});
