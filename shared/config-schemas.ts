/**
 * The value types of settings shared by several of them (shared/config.ts parses the environment once with these):
 * booleans, comma-separated lists, the timers' NCRONTAB schedules, the simulated test-drive faults.
 */
import { z } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const booleanSetting = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/**
 * A timer's NCRONTAB schedule (six fields, seconds first). Read when the functions are registered, so it is
 * checked here only for its shape; the host parses the fields (local/ncrontab.ts, or the Functions host in Azure).
 */
export const schedule = z
  .string()
  .trim()
  .regex(/^\S+( \S+){5}$/, 'must be a six-field NCRONTAB schedule (second minute hour day month weekday), for example `0 */5 * * * *`');

/** How often the SaaS due work runs (renewals, grace and trial ends, pending expiry, the webhook sweeper). */
export const SAAS_DUE_WORK_SCHEDULE = schedule.default('*/2 * * * * *');

/** How often the lead sweeper runs (overdue and held lead deliveries; decision 0521): every minute. */
export const LEADS_SWEEP_SCHEDULE = schedule.default('0 * * * * *');

/** How often the test drive cleanup runs (expired drives, stuck instances, orphans, the pools' reconcile; decision 0703): every minute. */
export const TESTDRIVE_CLEANUP_SCHEDULE = schedule.default('0 * * * * *');

/** How often the analytics scheduler runs (due report executions and callbacks; decision 0903): every minute. */
export const ANALYTICS_SCHEDULE = schedule.default('0 * * * * *');

/** `deploy:2,delete:1`: the simulated provider fails the next 2 deploys and the next delete (decision 0702). */
export const simulatedFaults = list.pipe(
  z.array(z.string().regex(/^(deploy|stop|start|delete):\d{1,4}$/, 'must be a list of <deploy|stop|start|delete>:<count>')),
);

const SCHEDULES = { SAAS_DUE_WORK_SCHEDULE, LEADS_SWEEP_SCHEDULE, TESTDRIVE_CLEANUP_SCHEDULE, ANALYTICS_SCHEDULE } as const;

/**
 * One timer's schedule on its own, for its registration: trigger metadata is fixed when the app is loaded, before
 * the rest of the configuration is parsed (at app start), so a bad value in another setting still fails there,
 * naming that setting. Callers pass the environment (shared/config.ts's wrappers pass `process.env`).
 */
export function timerSchedule(name: keyof typeof SCHEDULES, env: Record<string, string | undefined>): string {
  const value = env[name];
  const result = SCHEDULES[name].safeParse(value === '' ? undefined : value);
  if (!result.success) throw new ConfigError(`Invalid configuration: ${name}: ${result.error.issues[0]?.message ?? 'invalid'}`);
  return result.data;
}
