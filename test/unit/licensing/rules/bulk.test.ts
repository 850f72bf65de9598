import { describe, expect, it } from 'vitest';
import {
  assignStep,
  batchItem,
  BATCH_CHUNK,
  chunks,
  live,
  MAX_BATCH_USERS,
  planAssign,
  planUnassign,
  ROWS_PER_TRANSACTION,
  unassignStep,
} from '../../../../shared/licensing/rules/bulk';
import type { AssignmentState } from '../../../../shared/licensing/model';

const row = (state: AssignmentState, epoch = 0, batchId?: string) => ({ state, epoch, ...(batchId ? { batchId } : {}) });

describe('bulk rules', () => {
  it('has the documented limits', () => {
    expect(BATCH_CHUNK).toBe(500);
    // A chunk row's JSON must fit one Table string property (32,768 UTF-16 characters).
    const row = JSON.stringify({ batchId: crypto.randomUUID(), chunk: 99, userIds: Array.from({ length: BATCH_CHUNK }, () => crypto.randomUUID()) });
    expect(row.length).toBeLessThan(32_768);
    expect(MAX_BATCH_USERS).toBe(20_000);
    expect(ROWS_PER_TRANSACTION).toBe(98);
  });

  it('cuts lists into chunks of the given size', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([1, 2], 2)).toEqual([[1, 2]]);
    expect(chunks([], 3)).toEqual([]);
  });

  it('ignores rows of an older epoch', () => {
    expect(live(row('Active', 1), 1)).toEqual(row('Active', 1));
    expect(live(row('Active', 0), 1)).toBeUndefined();
    expect(live(undefined, 0)).toBeUndefined();
  });

  it('queues users without a row, requeues failed ones, skips the others, once each', () => {
    const rows = new Map([
      ['a', row('Active')],
      ['b', row('PendingAssign')],
      ['c', row('FailedAssign')],
      ['d', row('PendingRemoval')],
      ['e', row('FailedRemoval')],
      ['f', row('Active', 0)],
    ]);
    expect(planAssign(['a', 'b', 'c', 'd', 'e', 'g', 'g', 'f'], rows, 0)).toEqual({
      queue: ['g'],
      requeue: ['c'],
      skipped: ['a', 'b', 'd', 'e', 'f'],
    });
    expect(planAssign(['a', 'c'], rows, 1)).toEqual({ queue: ['a', 'c'], requeue: [], skipped: [] });
  });

  it('removes only held seats; the rest are skipped', () => {
    const rows = new Map([
      ['a', row('Active')],
      ['b', row('PendingAssign')],
      ['c', row('FailedAssign')],
      ['d', row('PendingRemoval')],
      ['e', row('FailedRemoval')],
    ]);
    expect(planUnassign(['a', 'b', 'c', 'd', 'e', 'x', 'a'], rows, 0)).toEqual({ remove: ['a', 'e'], skipped: ['b', 'c', 'd', 'x'] });
    expect(planUnassign(['a'], rows, 1)).toEqual({ remove: [], skipped: ['a'] });
  });

  it('settles one user of an assign batch', () => {
    expect(assignStep(undefined, 0, 'B', true)).toBe('create-active');
    expect(assignStep(undefined, 0, 'B', false)).toBe('create-failed');
    expect(assignStep(row('Active', 0, 'OLD'), 1, 'B', true)).toBe('create-active');
    expect(assignStep(row('PendingAssign', 0, 'B'), 0, 'B', true)).toBe('activate');
    expect(assignStep(row('PendingAssign', 0, 'B'), 0, 'B', false)).toBe('fail');
    expect(assignStep(row('Active', 0, 'B'), 0, 'B', true)).toBe('skip');
    expect(assignStep(row('FailedAssign', 0, 'B'), 0, 'B', true)).toBe('skip');
    expect(assignStep(row('Active', 0), 0, 'B', true)).toBe('release');
    expect(assignStep(row('PendingAssign', 0, 'OTHER'), 0, 'B', false)).toBe('release');
  });

  it('settles one user of an unassign batch', () => {
    expect(unassignStep(row('PendingRemoval', 0, 'B'), 0, 'B', true)).toBe('remove');
    expect(unassignStep(row('PendingRemoval', 0, 'B'), 0, 'B', false)).toBe('fail');
    expect(unassignStep(row('PendingRemoval', 0, 'OTHER'), 0, 'B', true)).toBe('skip');
    expect(unassignStep(row('Active', 0, 'B'), 0, 'B', true)).toBe('skip');
    expect(unassignStep(row('PendingRemoval', 0, 'B'), 1, 'B', true)).toBe('skip');
    expect(unassignStep(undefined, 0, 'B', true)).toBe('skip');
  });

  it('shows each user’s item', () => {
    expect(batchItem('u', row('PendingAssign', 0, 'X'), 0, 'assign')).toEqual({
      userId: 'u',
      state: 'PendingAssign',
      displayStatus: 'Pending',
      retryable: false,
    });
    expect(batchItem('u', row('PendingRemoval', 0, 'B'), 0, 'unassign')).toEqual({
      userId: 'u',
      state: 'PendingRemoval',
      displayStatus: 'Pending',
      retryable: false,
    });
    expect(batchItem('u', row('PendingAssign', 0, 'B'), 0, 'assign')).toEqual({
      userId: 'u',
      state: 'PendingAssign',
      displayStatus: 'Pending',
      retryable: false,
    });
    expect(batchItem('u', row('FailedAssign', 0, 'B'), 0, 'assign')).toEqual({
      userId: 'u',
      state: 'FailedAssign',
      displayStatus: 'Pending',
      retryable: true,
    });
    expect(batchItem('u', row('Active', 0, 'B'), 0, 'assign')).toEqual({
      userId: 'u',
      state: 'Active',
      displayStatus: 'Assigned',
      retryable: false,
    });
    expect(batchItem('u', undefined, 0, 'assign')).toEqual({ userId: 'u', state: 'None', displayStatus: 'None', retryable: false });
    expect(batchItem('u', row('Active', 0, 'B'), 1, 'assign')).toEqual({
      userId: 'u',
      state: 'None',
      displayStatus: 'None',
      retryable: false,
    });
    expect(batchItem('u', undefined, 0, 'unassign')).toEqual({
      userId: 'u',
      state: 'Removed',
      displayStatus: 'Removed',
      retryable: false,
    });
    expect(batchItem('u', row('FailedRemoval', 0, 'B'), 0, 'unassign')).toEqual({
      userId: 'u',
      state: 'FailedRemoval',
      displayStatus: 'Pending',
      retryable: true,
    });
    expect(batchItem('u', row('PendingAssign', 0, 'X'), 0, 'unassign')).toEqual({
      userId: 'u',
      state: 'Removed',
      displayStatus: 'Removed',
      retryable: false,
    });
    expect(batchItem('u', row('Active', 0, 'X'), 0, 'unassign')).toEqual({
      userId: 'u',
      state: 'Active',
      displayStatus: 'Assigned',
      retryable: false,
    });
  });
});
