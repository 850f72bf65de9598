/**
 * Metering's settings (shared/config.ts METERING_*): the lookup caches' staleness bound (architecture.md,
 * Caches: at most 5 s by default), the pre-cancellation exception (specs/metering.md A7, T54) and the future
 * skew (A4), and how they reach ingestion. Also the batch-size precedence (T69).
 */
import { describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../../shared/clock';
import { ConfigError, parseConfig } from '../../../shared/config';
import { noFaults } from '../../../shared/faults';
import { LOOKUP_CACHE_TTL_MS, meteringSettings } from '../../../shared/metering/composition';
import { BatchTooLargeError, parseBatch, parseUsageEvent } from '../../../shared/metering/http/request';
import { UsageIngestion } from '../../../shared/metering/service/ingest';
import { event, InMemoryPlans, InMemoryResources, InMemoryUsage, NOW, P1, seedMetering } from '../../fixtures/metering';

const base = { STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };

describe('METERING_* settings', () => {
  it('defaults to a 5-second cache, the pre-cancellation exception on, and no future skew', () => {
    expect(parseConfig(base).metering).toEqual({ cacheTtlMs: 5_000, acceptUsageBeforeCancellation: true, futureSkewMs: 0 });
    expect(LOOKUP_CACHE_TTL_MS).toBe(5_000);
  });

  it('reads overrides', () => {
    const config = parseConfig({
      ...base,
      METERING_CACHE_TTL_MS: '0',
      METERING_ACCEPT_USAGE_BEFORE_CANCELLATION: 'false',
      METERING_FUTURE_SKEW_MS: '30000',
    });
    expect(meteringSettings(config)).toEqual({ cacheTtlMs: 0, ingestion: { acceptBeforeCancellation: false, futureSkewMs: 30_000 } });
  });

  it.each([
    ['METERING_CACHE_TTL_MS', '-1'],
    ['METERING_CACHE_TTL_MS', 'soon'],
    ['METERING_ACCEPT_USAGE_BEFORE_CANCELLATION', 'maybe'],
    ['METERING_FUTURE_SKEW_MS', '3600001'],
  ])('refuses %s=%s at start-up, naming the setting', (name, value) => {
    expect(() => parseConfig({ ...base, [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ ...base, [name]: value })).toThrow(name);
  });
});

describe('the settings drive ingestion', () => {
  async function ingestionWith(env: Record<string, string>) {
    const clock = new AdjustableClock({ adjustable: true, realNow: () => 0 });
    clock.set(new Date(NOW));
    const resources = new InMemoryResources();
    const plans = new InMemoryPlans();
    const f = await seedMetering(resources, plans);
    const { ingestion: options } = meteringSettings(parseConfig({ ...base, ...env }));
    const ingestion = new UsageIngestion({
      resources,
      plans,
      usage: new InMemoryUsage(),
      clock,
      faults: noFaults,
      ...(options ? { options } : {}),
    });
    const status = async (body: Record<string, unknown>) => {
      const parsed = parseUsageEvent(body);
      if (!parsed.ok) throw new Error('fixture event is invalid');
      return (await ingestion.submit(P1, parsed.input)).status;
    };
    return { f, status };
  }

  it.each([
    ['on by default: accepted (E2)', {}, 'Accepted'],
    ['off: the strict seed reading', { METERING_ACCEPT_USAGE_BEFORE_CANCELLATION: 'false' }, 'ResourceNotActive'],
  ])('usage of S5 for an hour before its cancellation, exception %s (T54)', async (_name, env, expected) => {
    const { f, status } = await ingestionWith(env);
    expect(await status(event(f.S5, { effectiveStartTime: '2024-03-10T10:15:00Z' }))).toBe(expected);
  });

  it('lets an effective time lie up to METERING_FUTURE_SKEW_MS ahead (A4)', async () => {
    const { f, status } = await ingestionWith({ METERING_FUTURE_SKEW_MS: '60000' });
    expect(await status(event(f.S1, { effectiveStartTime: '2024-03-10T12:31:00Z' }))).toBe('Accepted');
    expect(await status(event(f.S1, { effectiveStartTime: '2024-03-10T12:31:01Z', dimension: 'text' }))).toBe('BadArgument');
  });
});

describe('batch size before items (A12 step 3, T69)', () => {
  it('refuses 26 events as a whole even when some of them are invalid', () => {
    const items = Array.from({ length: 26 }, (_, i) => (i % 2 === 0 ? { quantity: 'x' } : event('not-a-guid')));
    expect(() => parseBatch({ request: items })).toThrow(BatchTooLargeError);
  });
});
