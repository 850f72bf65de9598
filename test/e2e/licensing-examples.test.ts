/**
 * docs/examples/licensing.http.pending, run against a fresh host with the tokens its comments tell the reader to
 * mint (the token command), each request asserted to get the status its `# expect` names. The file is `.pending`
 * until it joins the README's story (test/e2e/examples.test.ts); this keeps it from rotting meanwhile.
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
  const [publisher, operator, customer, licenseAdmin] = await Promise.all([
    token('--publisher', 'contoso'),
    token('--operator'),
    token('--customer', '--tenant', 'fabrikam', '--user', 'ann', '--email', 'ann@fabrikam.example'),
    token('--customer', '--tenant', 'fabrikam', '--user', 'lic-admin', '--role', 'License Administrator'),
  ]);
  Object.assign(overrides, {
    base: host.url,
    publisherToken: publisher,
    operatorToken: operator,
    customerToken: customer,
    licenseAdminToken: licenseAdmin,
  });
}, 60_000);

afterAll(async () => {
  await host?.stop();
});

describe('docs/examples/licensing.http.pending', () => {
  it('every request gets the status it expects', async () => {
    const parsed = readHttpFile(path.join(repoRoot, 'docs/examples/licensing.http.pending'));
    for (const [name, value] of parsed.variables) if (value.startsWith('paste-')) expect(overrides).toHaveProperty(name);
    const scope = { variables: parsed.variables, overrides, responses: new Map<string, NamedResponse>() };
    expect(parsed.requests.length).toBe(16);
    for (const request of parsed.requests) {
      const where = `licensing.http:${request.line} (${request.title})`;
      expect(request.expect, `${where} has no "# expect <status>"`).toBeDefined();
      const sent = prepare(request, parsed, scope);
      const res = await fetch(sent.url, {
        method: sent.method,
        headers: sent.headers,
        redirect: 'manual',
        ...(sent.body ? { body: sent.body } : {}),
      });
      const text = await res.text();
      expect(res.status, `${where}: ${sent.method} ${sent.url}\n${text.slice(0, 500)}`).toBe(request.expect);
      if (request.name) scope.responses.set(request.name, { status: res.status, headers: res.headers, text });
      if (request.title.startsWith('7.'))
        expect(JSON.parse(text)).toMatchObject({ licenseWarnings: [], attributes: { objectType: 'LicenseUpdate' } });
      if (request.title.startsWith('9.')) expect(JSON.parse(text)).toMatchObject({ code: 60012, source: 'PartnerFD' });
      if (request.title.startsWith('11.')) expect(JSON.parse(text)).toMatchObject({ hasLicense: true, state: 'Active' });
    }
  }, 60_000);
});
