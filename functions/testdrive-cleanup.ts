/**
 * The operators' test drive cleanup on the project clock (decision 0703; schedule `TESTDRIVE_CLEANUP_SCHEDULE`,
 * every minute by default): ends expired drives, fails stuck provisions, finishes deletes, deletes orphaned
 * resource groups and reconciles every pool; logs and stores its report (`GET /api/admin/testdrive/cleanup`).
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { services } from '../shared/composition';
import { testDriveCleanupSchedule } from '../shared/config';

export const TESTDRIVE_CLEANUP_SCHEDULE = testDriveCleanupSchedule();

export async function testDriveCleanup(_timer: Timer, context: InvocationContext): Promise<void> {
  const r = await services().testdrive().cleanup.run();
  const c = r.counts;
  const changed = c.expiredDrives + c.failedDrives + c.stuckInstances + c.orphanGroups + r.created + r.drained;
  if (changed > 0 || c.errors > 0) {
    context.log(
      `test drive cleanup: ${c.expiredDrives} expired drives ended, ${c.failedDrives} failed, ${c.stuckInstances} stuck instances, ` +
        `${c.orphanGroups} orphan groups deleted, ${r.created} instances created, ${r.drained} drained, ${c.errors} errors`,
    );
  }
}

app.timer('testdrive-cleanup', { schedule: TESTDRIVE_CLEANUP_SCHEDULE, handler: testDriveCleanup });
