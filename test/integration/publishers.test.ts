import { describe, expect, it } from 'vitest';
import { TablePublisherRegistry, hashSecret, secretMatches } from '../../shared/auth/publishers';
import { testStorage } from '../fixtures/storage';

const app = (publisherId: string) => ({
  publisherId,
  tenantId: '11111111-1111-1111-1111-111111111111',
  appId: 'AAAAAAAA-1111-1111-1111-111111111111',
  registeredAt: '2026-01-01T00:00:00.000Z',
  source: 'admin' as const,
});

describe('TablePublisherRegistry', () => {
  it('finds a registered app case-insensitively', async () => {
    const storage = testStorage();
    const registry = new TablePublisherRegistry(() => storage.table('Publishers'));
    await registry.register(app('contoso'));
    expect((await registry.findApp('11111111-1111-1111-1111-111111111111', 'aaaaaaaa-1111-1111-1111-111111111111'))?.publisherId).toBe(
      'contoso',
    );
    expect(await registry.findApp('11111111-1111-1111-1111-111111111111', 'bbbbbbbb-1111-1111-1111-111111111111')).toBeUndefined();
  });

  it('lets exactly one of several concurrent publishers claim the same app (insert-only row)', async () => {
    const storage = testStorage();
    const registries = Array.from({ length: 8 }, () => new TablePublisherRegistry(() => storage.table('Publishers')));
    const results = await Promise.all(registries.map((r, i) => r.register(app(`publisher-${i}`))));
    const winners = results.filter((r) => r.created);
    expect(winners).toHaveLength(1);
    const owner = winners[0]?.app.publisherId;
    expect(results.every((r) => r.app.publisherId === owner)).toBe(true);
  });

  it('lists the apps of one publisher', async () => {
    const storage = testStorage();
    const registry = new TablePublisherRegistry(() => storage.table('Publishers'));
    await registry.register(app('contoso'));
    await registry.register({ ...app('fabrikam'), appId: 'cccccccc-1111-1111-1111-111111111111' });
    expect((await registry.listByPublisher('contoso')).map((a) => a.appId)).toEqual(['aaaaaaaa-1111-1111-1111-111111111111']);
  });
});

describe('client secrets', () => {
  it('accepts the registered secret only', () => {
    const registered = { ...app('contoso'), secretHash: hashSecret('correct horse battery') };
    expect(secretMatches(registered, 'correct horse battery')).toBe(true);
    expect(secretMatches(registered, 'wrong')).toBe(false);
    expect(secretMatches(app('contoso'), 'anything')).toBe(true);
  });
});
