/**
 * The `saas-due-work` timer on the project clock (decisions 0410, 0411): the SaaS timers found through the due index
 * (ACK windows, term ends, suspension grace, pending expiry) and the sweeper that starts delivery orchestrations a
 * crash left unstarted.
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { durableClientInput, services } from '../shared/composition';
import { dueWorkSchedule } from '../shared/config';

/**
 * `SAAS_DUE_WORK_SCHEDULE` (default every 2 s on the project clock; a clock jump fires it at once). Each run wakes
 * the app, so infra/ sets every 5 minutes in Azure: renewals and grace ends are then up to 5 minutes late, and a
 * webhook whose hand-over a crash lost waits as long for the sweeper.
 */
export const SAAS_DUE_WORK_SCHEDULE = dueWorkSchedule();

/** The durable client is bound (durableClientInput) and handed to the starter by functions/hooks.ts. */
export async function saasDueWork(_timer: Timer, context: InvocationContext): Promise<void> {
  const { saas, clock } = services();
  const { dueWork, starter, store } = saas();
  const started = await starter.sweep(store, clock);
  const timers = await dueWork.runDueTimers();
  if (started + timers > 0) context.log(`saas due work: ${started} deliveries started by the sweeper, ${timers} timers`);
}

app.timer('saas-due-work', { schedule: SAAS_DUE_WORK_SCHEDULE, extraInputs: [durableClientInput], handler: saasDueWork });
