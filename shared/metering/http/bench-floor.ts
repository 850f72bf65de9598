/**
 * The metering benchmark's floor (decision 0315): what one authenticated request that stores a usage-sized row and
 * does nothing else inserts. The host's bench-only route (`POST /api/bench/floor?as=usage`, functions/bench-floor.ts)
 * and the bench's bare `node:http` server (bench/bare-floor.ts) insert exactly this entity, so the two differ only
 * in the HTTP stack around the same token check and the same insert. No checks: the body's fields are copied as
 * they come, with the properties an accepted usage row carries (shared/metering/store/usage-table.ts).
 */

export const BENCH_FLOOR_USAGE_TABLE = 'BenchFloorUsage';

export interface FloorUsageEntity {
  partitionKey: string;
  rowKey: string;
  usageEventId: string;
  messageTime: string;
  resourceId: string;
  quantity: number;
  dimension: string;
  effectiveStartTime: string;
  planId: string;
  publisherId: string;
  resourceKey: string;
  offerId: string;
  effectiveAt: string;
  resourceKind: 'saas';
}

function field(event: Record<string, unknown>, name: string): string {
  const value = event[name];
  return typeof value === 'string' ? value : '';
}

/** The row for one request body (a usage event's JSON; anything else stores empty fields). */
export function floorUsageEntity(body: string, publisherId: string, id: string, now: Date): FloorUsageEntity {
  let event: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === 'object') event = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: the row keeps its shape with empty fields.
  }
  const resourceId = field(event, 'resourceId');
  const effectiveStartTime = field(event, 'effectiveStartTime');
  return {
    partitionKey: `${publisherId}|${id.slice(0, 2)}`,
    rowKey: id,
    usageEventId: id,
    messageTime: now.toISOString(),
    resourceId,
    quantity: typeof event['quantity'] === 'number' ? event['quantity'] : 0,
    dimension: field(event, 'dimension'),
    effectiveStartTime,
    planId: field(event, 'planId'),
    publisherId,
    resourceKey: resourceId,
    offerId: 'bench-floor',
    effectiveAt: effectiveStartTime,
    resourceKind: 'saas',
  };
}

/** The answer's body: the stored event as the usage API echoes it (about the size of its 200). */
export function floorUsageView(entity: FloorUsageEntity) {
  return {
    usageEventId: entity.usageEventId,
    status: 'Accepted',
    messageTime: entity.messageTime,
    resourceId: entity.resourceId,
    quantity: entity.quantity,
    dimension: entity.dimension,
    effectiveStartTime: entity.effectiveStartTime,
    planId: entity.planId,
  };
}
