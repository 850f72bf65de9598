/**
 * The deployment package `npm run build` writes (dist/deploy, scripts/build-deploy.mjs) is the app that runs: the
 * local host serves it from that folder alone (LOCAL_APP_ROOT), with the same functions and routes as the
 * repository's build, its own production node_modules, and nothing of the local host, tests or dev tools.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startTestHost, testEnv, type TestHost } from '../fixtures/host';
import { publisherRequest, tokenFor } from '../fixtures/tokens';

const deploy = path.join(repoRoot, 'dist/deploy');
let host: TestHost;

function describeApp(env: Record<string, string>): { entries: string[]; functions: unknown[]; routes: string[] } {
  const run = spawnSync(process.execPath, [path.join(repoRoot, 'dist/local/describe-app.js')], { cwd: repoRoot, env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as { entries: string[]; functions: unknown[]; routes: string[] };
}

beforeAll(async () => {
  host = await startTestHost(testEnv({ LOCAL_APP_ROOT: 'dist/deploy' }));
}, 60_000);

afterAll(async () => {
  await host?.stop();
});

describe('the deployment package in dist/deploy', () => {
  it('holds the compiled app, host.json, package.json and production dependencies only', () => {
    const pkg = JSON.parse(readFileSync(path.join(deploy, 'package.json'), 'utf8')) as Record<string, unknown>;
    const root = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg['main']).toBe('dist/functions/*.js');
    expect(pkg['dependencies']).toEqual(root['dependencies']);
    expect(pkg['scripts']).toBeUndefined();
    expect(pkg['devDependencies']).toBeUndefined();
    expect(readFileSync(path.join(deploy, 'host.json'), 'utf8')).toBe(readFileSync(path.join(repoRoot, 'host.json'), 'utf8'));
    for (const dependency of Object.keys(root['dependencies'] as object)) expect(existsSync(path.join(deploy, 'node_modules', dependency)), dependency).toBe(true);
    for (const devOnly of ['azurite', 'vitest', 'typescript', 'node-forge', '@stryker-mutator/core']) expect(existsSync(path.join(deploy, 'node_modules', devOnly)), devOnly).toBe(false);
    for (const absent of ['dist/local', 'dist/bench', 'dist/test']) expect(existsSync(path.join(deploy, absent)), absent).toBe(false);
  });

  it('registers the same functions and routes as the repository build', () => {
    const fromRepo = describeApp({});
    const fromPackage = describeApp({ LOCAL_APP_ROOT: 'dist/deploy' });
    expect(fromPackage.routes).toEqual(fromRepo.routes);
    expect(fromPackage.functions).toEqual(fromRepo.functions);
    expect(fromPackage.entries).toEqual(fromRepo.entries);
  });

  it('starts under the local host and serves its routes', async () => {
    expect((await fetch(`${host.url}/api/health`)).status).toBe(200);
    const me = await fetch(`${host.url}/api/me`, { headers: { authorization: `Bearer ${await tokenFor(host.env['LOCAL_ISSUER_KEY_FILE'] as string, publisherRequest('contoso'))}` } });
    expect(me.status).toBe(200);
    const offers = await fetch(`${host.url}/api/publishers/contoso/offers?api-version=2017-10-31`, {
      headers: { authorization: `Bearer ${await tokenFor(host.env['LOCAL_ISSUER_KEY_FILE'] as string, publisherRequest('contoso'))}` },
    });
    expect(offers.status).toBe(200);
  });
});
