/**
 * The metering floor's row (decision 0315): the host's bench-only route and the bare node:http server insert this
 * entity, so its shape is what makes the floor "usage-sized" — the properties of an accepted usage row.
 */
import { describe, expect, it } from 'vitest';
import { floorUsageEntity, floorUsageView } from '../../../../shared/metering/http/bench-floor';

const ID = 'ab12cd34-0000-4000-8000-000000000001';
const NOW = new Date('2025-03-10T12:00:00.000Z');

describe('the metering floor row', () => {
  it('copies a usage event body into the properties of an accepted usage row, keyed by the id', () => {
    const body = JSON.stringify({
      resourceId: 'r-1',
      quantity: 1.5,
      dimension: 'calls',
      effectiveStartTime: '2025-03-10T11:00:00.000Z',
      planId: 'standard',
    });
    expect(floorUsageEntity(body, 'contoso', ID, NOW)).toEqual({
      partitionKey: 'contoso|ab',
      rowKey: ID,
      usageEventId: ID,
      messageTime: '2025-03-10T12:00:00.000Z',
      resourceId: 'r-1',
      quantity: 1.5,
      dimension: 'calls',
      effectiveStartTime: '2025-03-10T11:00:00.000Z',
      planId: 'standard',
      publisherId: 'contoso',
      resourceKey: 'r-1',
      offerId: 'bench-floor',
      effectiveAt: '2025-03-10T11:00:00.000Z',
      resourceKind: 'saas',
    });
  });

  it.each(['not json', 'null', '[1]', '{"quantity":"2","dimension":3}'])('keeps the shape with empty fields for %s', (body) => {
    const entity = floorUsageEntity(body, 'contoso', ID, NOW);
    expect(entity).toMatchObject({ resourceId: '', quantity: 0, dimension: '', planId: '', effectiveStartTime: '', resourceKey: '' });
    expect(Object.keys(entity)).toHaveLength(14);
  });

  it('answers with the echo the usage API gives an accepted event', () => {
    const entity = floorUsageEntity(
      '{"resourceId":"r-2","quantity":3,"dimension":"d","planId":"p","effectiveStartTime":"t"}',
      'p1',
      ID,
      NOW,
    );
    expect(floorUsageView(entity)).toEqual({
      usageEventId: ID,
      status: 'Accepted',
      messageTime: '2025-03-10T12:00:00.000Z',
      resourceId: 'r-2',
      quantity: 3,
      dimension: 'd',
      effectiveStartTime: 't',
      planId: 'p',
    });
  });
});
