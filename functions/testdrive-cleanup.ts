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
  const changed = r.expiredDrives.length + r.failedDrives.length + r.stuckInstances.length + r.orphanGroups.length + r.created + r.drained;
  if (changed > 0 || r.errors.length > 0) {
    context.log(
      `test drive cleanup: ${r.expiredDrives.length} expired drives ended, ${r.failedDrives.length} failed, ${r.stuckInstances.length} stuck instances, ` +
        `${r.orphanGroups.length} orphan groups deleted, ${r.created} instances created, ${r.drained} drained, ${r.errors.length} errors`,
    );
  }
}

app.timer('testdrive-cleanup', { schedule: TESTDRIVE_CLEANUP_SCHEDULE, handler: testDriveCleanup });
