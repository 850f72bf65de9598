/**
 * Bulk and group assignments (B1.4; DEC-L9–DEC-L12; decision 0804): which users a request queues, skips or refuses,
 * and what processing does with each user's assignment row. Pure functions over the rows read.
 */
import type { AssignmentState } from '../model';
import { displayStatus, holdsSeat, retryable } from './seats';

/**
 * Users per chunk row of a batch. A Table string property holds 64 KiB of UTF-16, 32,768 characters; a GUID in a
 * JSON array takes 39, so 500 (19,500 with the row's other fields) fit and 1,000 did not (PropertyValueTooLarge).
 */
export const BATCH_CHUNK = 500;
/** Users per request (the chunk rows and the header fit in one entity-group transaction of at most 100 rows). */
export const MAX_BATCH_USERS = 20_000;
/** Users per transaction when processing: with the pool row and the month's snapshot, at most 100 rows. */
export const ROWS_PER_TRANSACTION = 98;

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type Row = { state: AssignmentState; epoch: number; batchId?: string } | undefined;

/** A row of the pool's current epoch, or undefined (an older epoch's row grants and reserves nothing). */
export function live(row: Row, epoch: number): Row {
  return row && row.epoch === epoch ? row : undefined;
}

export interface AssignPlan {
  /** Users who need a new seat (reserved by the request). */
  queue: string[];
  /** Users whose failed assignment is queued again (their seat is already reserved). */
  requeue: string[];
  /** Users who already hold or have queued the license (DEC-L12, DEC-L13). */
  skipped: string[];
}

export function planAssign(users: readonly string[], rows: ReadonlyMap<string, Row>, epoch: number): AssignPlan {
  const plan: AssignPlan = { queue: [], requeue: [], skipped: [] };
  for (const user of new Set(users)) {
    const row = live(rows.get(user), epoch);
    if (!row) plan.queue.push(user);
    else if (row.state === 'FailedAssign') plan.requeue.push(user);
    else plan.skipped.push(user);
  }
  return plan;
}

export interface UnassignPlan {
  /** Users holding a seat whose removal is queued. */
  remove: string[];
  /** Users holding no seat (LicenseNotAssigned, DEC-L14) or whose assignment is still queued or failed. */
  skipped: string[];
}

export function planUnassign(users: readonly string[], rows: ReadonlyMap<string, Row>, epoch: number): UnassignPlan {
  const plan: UnassignPlan = { remove: [], skipped: [] };
  for (const user of new Set(users)) {
    const row = live(rows.get(user), epoch);
    if (row && (row.state === 'Active' || row.state === 'FailedRemoval')) plan.remove.push(user);
    else plan.skipped.push(user);
  }
  return plan;
}

/**
 * What processing does with one user of an assign batch:
 * - `activate`: the queued row becomes Active (a reserved seat becomes a held one);
 * - `fail`: approval failed, the row becomes FailedAssign and keeps its reserved seat (DEC-L9);
 * - `create-active` / `create-failed`: the queued row was never written (the request stopped before): write it;
 * - `release`: the user's row belongs to someone else (a single-user assignment, another batch): the reservation
 *   this batch made for the user is returned;
 * - `skip`: already processed by this batch (an activity run again after a crash).
 */
export type AssignStep = 'activate' | 'fail' | 'create-active' | 'create-failed' | 'release' | 'skip';

export function assignStep(row: Row, epoch: number, batchId: string, approved: boolean): AssignStep {
  const current = live(row, epoch);
  if (!current) return approved ? 'create-active' : 'create-failed';
  if (current.batchId !== batchId) return 'release';
  if (current.state === 'PendingAssign') return approved ? 'activate' : 'fail';
  return 'skip';
}

/** What processing does with one user of an unassign batch: remove the row, mark the removal failed, or nothing. */
export type UnassignStep = 'remove' | 'fail' | 'skip';

export function unassignStep(row: Row, epoch: number, batchId: string, approved: boolean): UnassignStep {
  const current = live(row, epoch);
  if (!current || current.batchId !== batchId || current.state !== 'PendingRemoval') return 'skip';
  return approved ? 'remove' : 'fail';
}

export interface BatchItem {
  userId: string;
  state: AssignmentState | 'Removed' | 'None';
  displayStatus: 'Assigned' | 'Pending' | 'Removed' | 'None';
  retryable: boolean;
}

/**
 * A user's item in a batch view: their row's state, or Removed (an unassign batch's user whose row is gone or no
 * longer holds a seat) / None (an assign batch's user without a row of the pool's epoch).
 */
export function batchItem(userId: string, row: Row, epoch: number, kind: 'assign' | 'unassign'): BatchItem {
  const current = live(row, epoch);
  if (!current || (kind === 'unassign' && !holdsSeat(current.state))) {
    return kind === 'unassign'
      ? { userId, state: 'Removed', displayStatus: 'Removed', retryable: false }
      : { userId, state: 'None', displayStatus: 'None', retryable: false };
  }
  return { userId, state: current.state, displayStatus: displayStatus(current.state), retryable: retryable(current.state) };
}
