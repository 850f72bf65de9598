/**
 * Decision 0008: the local host logs a timer run only when it failed or when the function logged something, so a
 * 2-second schedule that finds nothing to do leaves the console alone. Runs the built host's scheduler in-process
 * with two timers of the real programming model (loaded through the host's functions-core shim).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as FunctionsApi from '@azure/functions';
import type * as FunctionsCore from '../../../local/functions-core';
import type * as InstallCore from '../../../local/install-core';
import type * as Timers from '../../../local/timers';
import { repoRoot } from '../../fixtures/host';

const requireFromRoot = createRequire(path.join(repoRoot, 'package.json'));
const dist = <T>(modulePath: string) => requireFromRoot(path.join(repoRoot, 'dist', `${modulePath}.js`)) as T;

describe('timer log lines', () => {
  it('are written for runs that logged or failed, not for quiet runs', async () => {
    dist<typeof InstallCore>('local/install-core').installFunctionsCore();
    const { app } = requireFromRoot('@azure/functions') as typeof FunctionsApi;
    // A schedule far away; runOnStartup fires each timer once at start().
    const once = { schedule: '0 0 0 1 1 *', runOnStartup: true };
    app.timer('quiet-timer', { ...once, handler: () => undefined });
    app.timer('busy-timer', { ...once, handler: (_timer, context) => context.log('did 3 things') });
    app.timer('failing-timer', {
      ...once,
      handler: () => {
        throw new Error('boom');
      },
    });
    const { registry } = dist<typeof FunctionsCore>('local/functions-core');
    const userLines: string[] = [];
    registry.logSink = (_level, category, message) => {
      if (category === 'user') userLines.push(message);
    };
    const lines: string[] = [];
    const { TimerScheduler } = dist<typeof Timers>('local/timers');
    const scheduler = new TimerScheduler([...registry.functions.values()], { now: () => new Date() }, (line) => lines.push(line));
    scheduler.start();
    await scheduler.stop();

    expect(userLines).toEqual([expect.stringMatching(/^busy-timer \(.+\): did 3 things$/)]);
    expect(lines).toHaveLength(2);
    expect(lines).toContainEqual(expect.stringMatching(/^timer busy-timer \(.+\) ran$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\[error\] timer failing-timer \(.+\) failed: Error: boom/));
    expect(lines.join('\n')).not.toMatch(/quiet-timer/);
  });
});
