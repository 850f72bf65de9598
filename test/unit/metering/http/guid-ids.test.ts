/**
 * Issue 17: metering's GUID fields accept any 8-4-4-4-12 hex GUID (shared/guid.ts), such as the test id
 * 11111111-1111-1111-1111-111111111111 that zod's z.uuid() refused; strings that are not GUIDs stay BadArgument.
 */
import { describe, expect, it } from 'vitest';
import { anomalyParams, statementParams, usageQuery } from '../../../../shared/metering/http/params';
import { parseUsageEvent } from '../../../../shared/metering/http/request';

const TEST_ID = '11111111-1111-1111-1111-111111111111';
const event = (resourceId: unknown) => ({
  resourceId,
  quantity: 1,
  dimension: 'email',
  effectiveStartTime: '2024-03-10T11:15:00Z',
  planId: 'basic',
});

describe('metering GUID fields (issue 17)', () => {
  it('a usage event for such a resourceId parses, and the echo keeps it', () => {
    const parsed = parseUsageEvent(event(TEST_ID));
    expect(parsed).toMatchObject({ ok: true, input: { resource: { kind: 'resourceId', resourceId: TEST_ID } } });
  });

  it.each(['not-a-guid', '11111111-1111-1111-1111-11111111111', '{11111111-1111-1111-1111-111111111111}'])(
    'refuses resourceId %s with BadArgument / ResourceId',
    (resourceId) => {
      const parsed = parseUsageEvent(event(resourceId));
      expect(parsed.ok).toBe(false);
      expect(parsed.ok === false && parsed.violations).toEqual([
        { path: '$.resourceId', message: 'The resourceId must be a GUID.', code: 'BadArgument' },
      ]);
      expect(parsed.ok === false && parsed.echo.resourceId).toBeUndefined();
    },
  );

  it('statements, anomalies and the usage query take such ids and refuse words', () => {
    expect(statementParams.safeParse({ subscriptionId: TEST_ID }).success).toBe(true);
    expect(anomalyParams.safeParse({ anomalyId: TEST_ID.toUpperCase() }).success).toBe(true);
    expect(usageQuery.safeParse({ usageStartDate: '2024-03-10', azureSubscriptionId: TEST_ID }).success).toBe(true);
    expect(statementParams.safeParse({ subscriptionId: 'x' }).error?.issues[0]?.message).toBe('must be a GUID');
    expect(usageQuery.safeParse({ usageStartDate: '2024-03-10', azureSubscriptionId: 'nope' }).error?.issues[0]?.message).toBe(
      'The azureSubscriptionId must be a GUID.',
    );
  });
});
