/**
 * The example requests of docs/examples, run as the story they tell against a fresh host, so they cannot rot: every
 * request of every .http file in story order, each asserted to get the status its `# expect` comment names. Tokens
 * come from the token command the files tell the reader to run; the webhook sink is a localhost server, reached
 * with no outbound setting (local mode allows loopback, decision 0006).
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepare, readHttpFile, type NamedResponse } from '../fixtures/http-file';
import { repoRoot, startTestHost, testEnv, type TestHost } from '../fixtures/host';
import { until } from '../fixtures/saas-harness';

const EXAMPLES = path.join(repoRoot, 'docs/examples');
/** The story: the order in which the files are meant to be run (README, "Example requests"). */
const STORY = ['foundation.http', 'catalog.http', 'saas.http', 'metering.http', 'managed-app.http', 'webhooks.http', 'publish.http', 'testdrive.http', 'licensing.http', 'analytics.http'];

let host: TestHost;
let sink: Server;
const webhooks: { action: string; authorization: string | undefined }[] = [];
const overrides: Record<string, string> = {};
/** The managed application managed-app.http deploys; its identity's token comes from `--managed-app <this id>`. */
const MANAGED_APP =
  '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-coa/providers/Microsoft.Solutions/applications/coa';

/** The token command exactly as the files' comments give it, against the test host's key file. */
async function token(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(repoRoot, 'dist/local/token.js'), ...args], {
    cwd: repoRoot,
    env: { PATH: process.env['PATH'] ?? '', LOCAL_ISSUER_KEY_FILE: host.env['LOCAL_ISSUER_KEY_FILE'] ?? '' },
  });
  return stdout.trim();
}

beforeAll(async () => {
  sink = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      webhooks.push({ action: String((JSON.parse(text) as { action?: string }).action), authorization: req.headers.authorization });
      res.end();
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const env = testEnv();
  expect(env['OUTBOUND_ALLOW_LOOPBACK']).toBeUndefined();
  host = await startTestHost(env);
  const [contoso, fabrikam, operator, customer, licenseAdmin, managedIdentity] = await Promise.all([
    token('--publisher', 'contoso'),
    token('--publisher', 'fabrikam'),
    token('--operator'),
    token('--customer', '--tenant', 'fabrikam', '--user', 'ann', '--email', 'ann@fabrikam.example'),
    token('--customer', '--tenant', 'fabrikam', '--user', 'lic-admin', '--role', 'License Administrator'),
    token('--managed-app', MANAGED_APP),
  ]);
  Object.assign(overrides, {
    base: host.url,
    publisherToken: contoso,
    otherPublisherToken: fabrikam,
    operatorToken: operator,
    customerToken: customer,
    licenseAdminToken: licenseAdmin,
    managedIdentityToken: managedIdentity,
    webhookUrl: `http://localhost:${(sink.address() as AddressInfo).port}/webhook`,
  });
}, 60_000);

afterAll(async () => {
  await host?.stop();
  await new Promise((resolve) => sink?.close(resolve));
});

describe('docs/examples', () => {
  it("the customer token the files use has Entra-shaped GUID tenant and object ids, the readable name beside them (issue 23)", () => {
    const payload = JSON.parse(Buffer.from(String(overrides['customerToken']).split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(payload).toMatchObject({ tid: expect.stringMatching(guid), oid: expect.stringMatching(guid), name: 'ann', email: 'ann@fabrikam.example' });
  });

  it('tells one story of every .http file, each listed in the README', () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.http'));
    expect([...files].sort()).toEqual([...STORY].sort());
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const section = /## Example requests\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
    for (const file of STORY) expect(section).toContain(`docs/examples/${file}`);
  });

  it.each(STORY)('%s: every request gets the status it expects', async (file) => {
    const parsed = readHttpFile(path.join(EXAMPLES, file));
    for (const [name, value] of parsed.variables) {
      if (value.startsWith('paste-')) expect(overrides, `${file}: @${name} is a placeholder the test must fill`).toHaveProperty(name);
    }
    const scope = { variables: parsed.variables, overrides, responses: new Map<string, NamedResponse>() };
    expect(parsed.requests.length).toBeGreaterThan(0);
    for (const request of parsed.requests) {
      const where = `${file}:${request.line} (${request.title})`;
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
    }
  });

  it('delivered the story webhooks to the localhost sink, signed', async () => {
    const actions = await until('ChangePlan, Suspend, Reinstate, Renew and Unsubscribe webhooks', async () => {
      const seen = new Set(webhooks.map((w) => w.action));
      return ['ChangePlan', 'Suspend', 'Reinstate', 'Renew', 'Unsubscribe'].every((a) => seen.has(a)) ? seen : undefined;
    });
    expect(actions.size).toBeGreaterThanOrEqual(5);
    expect(webhooks.every((w) => /^Bearer ey/.test(w.authorization ?? ''))).toBe(true);
  });
});
