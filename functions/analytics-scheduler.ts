/**
 * The `analytics-scheduler` timer on the project clock (decision 0903): turns due report occurrences into
 * executions (insert-only, so a restart never runs one twice), runs them into report files, and calls the
 * reports' callback URLs. A clock jump on the test clock fires it at once.
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { services } from '../shared/composition';
import { analyticsSchedule } from '../shared/config';

/** `ANALYTICS_SCHEDULE` (default every minute on the project clock). */
export const ANALYTICS_SCHEDULE = analyticsSchedule();

export async function analyticsScheduler(_timer: Timer, context: InvocationContext): Promise<void> {
  const result = await services().analytics().scheduler.tick();
  if (result.created + result.completed + result.failed + result.callbacks > 0) {
    context.log(
      `analytics scheduler: ${result.created} executions created, ${result.completed} completed, ${result.failed} failed, ${result.callbacks} callbacks answered`,
    );
  }
}

app.timer('analytics-scheduler', { schedule: ANALYTICS_SCHEDULE, handler: analyticsScheduler });
