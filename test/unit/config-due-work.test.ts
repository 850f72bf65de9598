/**
 * SAAS_DUE_WORK_SCHEDULE: how often renewals, grace and trial ends, pending expiry and the webhook sweeper run.
 * Locally every 2 s (tests and `npm start` see term ends at once); in Azure every 5 minutes, because each run
 * wakes the app. A bad value stops the app with a message naming the setting, at registration and at start-up.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSchedule } from '../../local/ncrontab';
import { ConfigError, dueWorkSchedule, parseConfig } from '../../shared/config';

const base = { STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };

describe('SAAS_DUE_WORK_SCHEDULE', () => {
  it('defaults to every 2 seconds, for the timer registration and the parsed configuration alike', () => {
    expect(dueWorkSchedule({})).toBe('*/2 * * * * *');
    expect(parseConfig(base).saas.dueWorkSchedule).toBe('*/2 * * * * *');
  });

  it('takes an override in both places', () => {
    const env = { ...base, SAAS_DUE_WORK_SCHEDULE: '0 */5 * * * *' };
    expect(dueWorkSchedule(env)).toBe('0 */5 * * * *');
    expect(parseConfig(env).saas.dueWorkSchedule).toBe('0 */5 * * * *');
  });

  it.each(['every 5 minutes', '*/5 * * * *', '0 */5 * * * * *'])('refuses %j, naming the setting', (value) => {
    const env = { ...base, SAAS_DUE_WORK_SCHEDULE: value };
    expect(() => dueWorkSchedule(env)).toThrow(ConfigError);
    expect(() => dueWorkSchedule(env)).toThrow('SAAS_DUE_WORK_SCHEDULE');
    expect(() => parseConfig(env)).toThrow('SAAS_DUE_WORK_SCHEDULE');
  });

  it('infra sets a schedule the host accepts that runs every 5 minutes', () => {
    const bicep = readFileSync(path.resolve(__dirname, '../../infra/app/function.bicep'), 'utf8');
    // The app setting takes the template parameter's value (its default unless the deployment overrides it).
    const parameter = /SAAS_DUE_WORK_SCHEDULE: (\w+)/.exec(bicep)?.[1] ?? '';
    const value = new RegExp(`param ${parameter} string = '([^']+)'`).exec(bicep)?.[1] ?? '';
    expect(dueWorkSchedule({ SAAS_DUE_WORK_SCHEDULE: value })).toBe(value);
    const schedule = parseSchedule(value);
    const first = schedule.next(new Date('2026-01-01T00:00:01Z'));
    expect(first.toISOString()).toBe('2026-01-01T00:05:00.000Z');
    expect(schedule.next(first).getTime() - first.getTime()).toBe(5 * 60_000);
  });
});
