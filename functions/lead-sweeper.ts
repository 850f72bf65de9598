/**
 * The `lead-sweeper` timer on the project clock (decision 0521): starts the delivery orchestration of every lead
 * whose attempt is overdue by more than the grace (a crash between capture and hand-over, a host that died with
 * its orchestration), releases held leads whose offer now has a deliverable destination, and resumes replay batches
 * (decision 0526) their requesting process did not finish; then the dead-letter digest (0528) and the new-lead
 * notices (0534).
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { durableClientInput, services } from '../shared/composition';
import { leadSweepSchedule } from '../shared/config';

/** `LEADS_SWEEP_SCHEDULE` (default every minute on the project clock; a clock jump fires it at once). */
export const LEADS_SWEEP_SCHEDULE = leadSweepSchedule();

/** The durable client is bound (durableClientInput) and handed to the starter by functions/hooks.ts. */
export async function leadSweeper(_timer: Timer, context: InvocationContext): Promise<void> {
  const delivery = services().leads().delivery;
  if (!delivery) return;
  const { started, released, expired = 0 } = await delivery.sweep.run();
  const replayed = await delivery.replay.resume();
  const digests = (await delivery.digest?.run()) ?? 0;
  if (digests > 0) context.log(`lead sweeper: ${digests} dead-letter digests written`);
  const newLeadNotices = (await delivery.newLeads?.run()) ?? 0;
  if (newLeadNotices > 0) context.log(`lead sweeper: ${newLeadNotices} new-lead notices written`);
  if (started + released + expired + replayed > 0) {
    context.log(
      `lead sweeper: ${started} deliveries started again, ${released} held leads released, ${expired} held leads expired, ${replayed} leads replayed by open batches`,
    );
  }
}

app.timer('lead-sweeper', { schedule: LEADS_SWEEP_SCHEDULE, extraInputs: [durableClientInput], handler: leadSweeper });
