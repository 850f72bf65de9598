/**
 * docs/examples/testdrive.http.pending, run against a fresh host after foundation.http (which registers the
 * publisher), with the tokens its comments tell the reader to mint (the token command); each request is asserted to
 * get the status its `# expect` names. The file is `.pending` until it joins the README's story
 * (test/e2e/examples.test.ts); this keeps it from rotting meanwhile.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepare, readHttpFile, type NamedResponse } from '../fixtures/http-file';
import { repoRoot, startTestHost, testEnv, type TestHost } from '../fixtures/host';

let host: TestHost;
const overrides: Record<string, string> = {};

async function token(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(repoRoot, 'dist/local/token.js'), ...args], {
    cwd: repoRoot,
    env: { PATH: process.env['PATH'] ?? '', LOCAL_ISSUER_KEY_FILE: host.env['LOCAL_ISSUER_KEY_FILE'] ?? '' },
  });
  return stdout.trim();
}

beforeAll(async () => {
  host = await startTestHost(testEnv());
  const [publisher, other, operator, customer] = await Promise.all([
    token('--publisher', 'contoso'),
    token('--publisher', 'fabrikam'),
    token('--operator'),
    token('--customer', '--tenant', 'fabrikam', '--user', 'ann', '--email', 'ann@fabrikam.example'),
  ]);
  Object.assign(overrides, { base: host.url, publisherToken: publisher, otherPublisherToken: other, operatorToken: operator, customerToken: customer });
}, 60_000);

afterAll(async () => {
  await host?.stop();
});

describe('docs/examples/testdrive.http.pending', () => {
  it('every request gets the status it expects, after foundation.http', async () => {
    for (const file of ['foundation.http', 'testdrive.http.pending']) {
      const parsed = readHttpFile(path.join(repoRoot, 'docs/examples', file));
      const scope = { variables: parsed.variables, overrides, responses: new Map<string, NamedResponse>() };
      expect(parsed.requests.length).toBeGreaterThan(0);
      for (const request of parsed.requests) {
        const where = `${file}:${request.line} (${request.title})`;
        expect(request.expect, `${where} has no "# expect <status>"`).toBeDefined();
        const sent = prepare(request, parsed, scope);
        const res = await fetch(sent.url, { method: sent.method, headers: sent.headers, redirect: 'manual', ...(sent.body ? { body: sent.body } : {}) });
        const text = await res.text();
        expect(res.status, `${where}: ${sent.method} ${sent.url}\n${text.slice(0, 500)}`).toBe(request.expect);
        if (request.name) scope.responses.set(request.name, { status: res.status, headers: res.headers, text });
      }
    }
  }, 60_000);
});
