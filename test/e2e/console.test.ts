/**
 * The web console in a real browser (issue 21): Playwright (playwright-core) drives Debian's Chromium, headless,
 * against the built host on embedded storage. A loopback server stands in for the ISV: its landing page resolves
 * the `?token=` and activates, it takes the webhooks, and it is the offer's lead destination (refusing leads with
 * 400 until told otherwise, so the purchase's lead is dead-lettered). The story, as a user clicks it:
 * sign-in refuses a bad tenant with the API's message next to the field; a customer buys a plan and lands on the
 * ISV's page with a token the ISV resolves; the customer changes plan and the webhook appears in the publisher's
 * deliveries; usage sent by the API shows in the chart's table and the statement; a dead-lettered lead is
 * replayed from the console and delivered; an operator advances the clock and the renewal appears in the ledger.
 * Every wait is on a UI state (Playwright's auto-waiting locators), never a timed sleep. Screenshots of each page
 * go to test-results/console/.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useConsoleBrowser, WAIT } from '../fixtures/console';
import { MP, SAAS, saasOffer, withField } from '../fixtures/offers';
import { publishFrozen, startSaasHarness, V, type Received, type SaasHarness } from '../fixtures/saas-harness';

const OFFER = 'console-cns';

let h: SaasHarness;
let isv: Server;
let isvUrl = '';
/** The browser, a tab per test, the step log, axe, screenshots and sign-in: test/fixtures/console.ts. */
const b = useConsoleBrowser({ url: () => h.host.url, artefacts: 'console', fullPage: true });
let page: Page;
const step = (name: string): void => b.step(name);
const shot = (name: string): Promise<void> => b.shot(name);
const signIn = (kind: 'customer' | 'publisher' | 'operator'): Promise<void> => b.signIn(kind);
const webhooks: Received[] = [];
const leads: { status: number; body: Record<string, unknown> }[] = [];
let leadAnswer = 400;
const resolved: Record<string, unknown>[] = [];

/** The ISV: landing page (resolve + activate with its own publisher token, as a real one does), webhooks, leads. */
function startIsv(): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://isv');
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      void (async () => {
        if (url.pathname === '/landing') {
          const token = url.searchParams.get('token') ?? '';
          const r = await h.call('POST', `/api/saas/subscriptions/resolve?${V}`, 'contoso', { headers: { 'x-ms-marketplace-token': token } });
          resolved.push(r.json);
          const id = String(r.json['id'] ?? '');
          const planId = String(r.json['planId'] ?? '');
          const a = r.status === 200 ? await h.call('POST', `/api/saas/subscriptions/${id}/activate?${V}`, 'contoso', { body: { planId } }) : r;
          res.setHeader('content-type', 'text/html; charset=utf-8');
          res.end(
            `<!doctype html><html lang="en"><title>Contoso sign-up</title><h1>Contoso sign-up</h1>` +
              `<p id="result">Subscription <code>${id}</code> on plan ${planId}: resolve ${r.status}, activate ${a.status}</p></html>`,
          );
          return;
        }
        const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        if (url.pathname === '/webhook') {
          webhooks.push({ headers: req.headers, body, status: 200 });
          res.end('{}');
          return;
        }
        leads.push({ status: leadAnswer, body });
        res.statusCode = leadAnswer;
        res.end(leadAnswer === 200 ? '{}' : '{"error":"unknown campaign"}');
      })();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  isv = await startIsv();
  isvUrl = `http://127.0.0.1:${(isv.address() as AddressInfo).port}`;
  h = await startSaasHarness(
    { STORAGE_PREFIX: `con${Date.now().toString(36)}`, CONSOLE_POLL_MS: '500', SAAS_ACK_WINDOW_MS: '1000' },
    { url: `${isvUrl}/webhook`, received: webhooks },
  );
  const base = saasOffer(OFFER);
  const basic = base.definition.plans[0] as Record<string, unknown>;
  let offer = withField(base, ['definition', 'plans'], [basic, { ...structuredClone(basic), planId: 'standard', [`${SAAS}.planName`]: 'Standard plan' }] as never);
  offer = withField(offer, ['definition', 'offer', `${SAAS}.landingPageUrl`], `${isvUrl}/landing`);
  offer = withField(offer, ['definition', 'offer', `${SAAS}.connectionWebhook`], `${isvUrl}/webhook`);
  offer = withField(offer, ['definition', 'offer', `${MP}.httpsEndpointLeadConfiguration`], {
    httpsEndpointUrl: `${isvUrl}/leads`,
    contactEmail: 'leads@contoso.test',
  });
  await publishFrozen(h, [offer]);
}, 120_000);

// The fixture's beforeEach (registered first) opened this test's tab.
beforeEach(() => {
  page = b.page;
});

afterAll(async () => {
  await h?.stop();
  await new Promise((resolve) => (isv ? isv.close(resolve) : resolve(undefined)));
});

describe('the web console in Chromium', { timeout: 90_000 }, () => {
  let subscriptionId = '';

  it('sign-in shows the API message next to a bad tenant; a customer buys a plan and lands on the ISV page with a token the ISV resolves', async () => {
    step('sign in with a bad tenant');
    await page.goto(`${h.host.url}/console/`);
    await page.getByLabel('Tenant').fill('not a tenant!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const tenant = page.getByLabel('Tenant');
    await page.getByText('Use letters, digits, ".", "_", "@" or "-".').waitFor(WAIT);
    expect(await tenant.getAttribute('aria-invalid')).toBe('true');
    await shot('01-sign-in-error');

    step('sign in as fabrikam and open the offer');
    await tenant.fill('fabrikam');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as customer').waitFor(WAIT);
    step('the storefront lists the live offer');
    const listed = page.getByRole('table', { name: 'Live offers you can buy' }).getByRole('row').filter({ hasText: 'Basic plan' });
    await listed.getByRole('link', { name: 'Contoso Notification Services' }).waitFor(WAIT);
    await shot('02-storefront');
    await listed.getByRole('link', { name: 'Contoso Notification Services' }).click();
    await page.getByRole('heading', { name: 'Contoso Notification Services' }).waitFor(WAIT);
    await shot('02-storefront-offer');

    step('buy the basic plan');
    await page.getByRole('button', { name: 'Buy Basic plan' }).click();
    await page.waitForURL(/\/landing\?token=/, WAIT);
    expect(new URL(page.url()).origin).toBe(isvUrl);
    step('the ISV landing page resolves and activates');
    await page.getByText('resolve 200, activate 200').waitFor(WAIT);
    subscriptionId = String(resolved.at(-1)?.['id']);
    expect(resolved.at(-1)).toMatchObject({ id: subscriptionId, offerId: OFFER, planId: 'basic' });
    await shot('03-isv-landing-page');
  });

  it('a customer lists the live offers and its own subscriptions with the public API; another tenant sees none of them', async () => {
    step('GET /api/storefront/offers and /api/storefront/subscriptions');
    const fabrikam = { customer: ['fabrikam', 'ann'] as [string, string] };
    const offers = await h.call('GET', '/api/storefront/offers', fabrikam);
    expect(offers.status).toBe(200);
    const listed = (offers.json['offers'] as Record<string, unknown>[]).find((o) => o['offerId'] === OFFER);
    expect(listed).toMatchObject({ publisherId: 'contoso', offerId: OFFER, title: 'Contoso Notification Services' });
    expect((listed?.['plans'] as { planId: string }[]).map((p) => p.planId)).toEqual(['basic', 'standard']);
    expect(JSON.stringify(listed)).not.toContain('landing');
    const bad = await h.call('GET', '/api/storefront/offers?continuationToken=nope', fabrikam);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('The continuation token is not valid');
    expect((await h.call('GET', '/api/storefront/offers', 'contoso')).status).toBe(403);

    const mine = await h.call('GET', '/api/storefront/subscriptions', fabrikam);
    expect(mine.status).toBe(200);
    expect(mine.json['subscriptions']).toEqual([expect.objectContaining({ id: subscriptionId, offerId: OFFER, planId: 'basic', saasSubscriptionStatus: 'Subscribed' })]);
    expect(mine.json['@nextLink']).toBeUndefined();
    const theirs = await h.call('GET', '/api/storefront/subscriptions', { customer: ['northwind', 'bob'] });
    expect(theirs).toMatchObject({ status: 200, json: { subscriptions: [] } });
    expect((await h.call('GET', '/api/storefront/subscriptions?continuationToken=nope', fabrikam)).status).toBe(400);
  });

  it('a bad plan change shows the API message; a plan change sends a webhook that appears in the publisher deliveries', async () => {
    await signIn('customer');
    step('a bad plan change');
    await page.goto(`${h.host.url}/console/my/subscriptions`);
    const sub = page.getByRole('article', { name: `Subscription ${subscriptionId}` });
    await sub.getByText('Subscribed', { exact: true }).waitFor(WAIT);
    await sub.getByLabel('New plan').fill('no-such-plan');
    await sub.getByRole('button', { name: 'Change plan' }).click();
    await sub.getByRole('alert').waitFor(WAIT);
    expect(await sub.getByRole('alert').textContent()).toMatch(/no-such-plan/);
    step('change the plan');
    await sub.getByLabel('New plan').fill('standard');
    await sub.getByRole('button', { name: 'Change plan' }).click();
    await sub.getByRole('status').filter({ hasText: 'ChangePlan' }).waitFor(WAIT);
    await shot('04-customer-subscriptions');

    await signIn('publisher');
    step('the webhook shows delivered');
    await page.goto(`${h.host.url}/console/publisher/webhooks`);
    const row = page.getByRole('row').filter({ hasText: 'ChangePlan' }).filter({ hasText: subscriptionId });
    await row.filter({ hasText: 'delivered' }).waitFor(WAIT);
    expect(webhooks.some((w) => w.body['action'] === 'ChangePlan' && w.body['subscriptionId'] === subscriptionId)).toBe(true);
    await shot('05-publisher-webhooks');
  });

  it('usage sent by the API shows in the chart table and in the statement', async () => {
    const hour = new Date();
    hour.setUTCMinutes(0, 0, 0);
    await signIn('publisher');
    step('send usage with the API');
    const sent = await h.call('POST', `/api/usageEvent?${V}`, 'contoso', {
      body: { resourceId: subscriptionId, quantity: 42, dimension: 'email', effectiveStartTime: hour.toISOString(), planId: 'basic' },
    });
    expect(sent.status, JSON.stringify(sent.json)).toBe(200);
    step('the usage shows in the chart table and the statement');
    await page.goto(`${h.host.url}/console/publisher/usage?subscription=${subscriptionId}`);
    await page.getByRole('table', { name: 'Accepted usage per day and dimension' }).getByRole('row').filter({ hasText: 'email' }).filter({ hasText: '42' }).waitFor(WAIT);
    await page.locator('.chart canvas').first().waitFor(WAIT);
    // The subscription chosen in the URL is the one the dropdown shows (it showed "all").
    await expect.poll(() => page.getByLabel('Subscription', { exact: true }).inputValue(), WAIT).toBe(subscriptionId);
    await page.getByRole('table', { name: 'Charges per dimension' }).getByRole('row').filter({ hasText: '42' }).waitFor(WAIT);
    await shot('06-publisher-usage');
  });

  it('a dead-lettered lead is replayed from the console and delivered', async () => {
    await signIn('publisher');
    step('the dead-lettered lead shows');
    await page.goto(`${h.host.url}/console/publisher/leads?offer=${OFFER}`);
    const replay = page.getByRole('button', { name: 'Replay' }).first();
    await replay.waitFor(WAIT);
    expect(leads.length).toBeGreaterThan(0);
    expect(leads.every((l) => l.status === 400)).toBe(true);
    await shot('07-publisher-leads-dead-letter');
    leadAnswer = 200;
    step('replay the lead');
    await replay.click();
    await page.getByRole('row').filter({ hasText: 'delivered' }).first().waitFor(WAIT);
    expect(leads.at(-1)?.status).toBe(200);
    await shot('08-publisher-leads-replayed');
  });

  it('an operator advances the clock past the term and the renewal appears in the ledger', async () => {
    await signIn('operator');
    step('the ledger shows the activation');
    await page.goto(`${h.host.url}/console/operator?subscription=${subscriptionId}`);
    const ledger = page.getByRole('table', { name: 'Billing ledger' });
    await ledger.getByRole('row').filter({ hasText: 'Activated' }).first().waitFor(WAIT);
    step('advance the clock; the renewal shows');
    await page.getByLabel('Advance by (ISO 8601 duration)').fill('P32D');
    await page.getByRole('button', { name: 'Advance the clock' }).click();
    await ledger.getByRole('row').filter({ hasText: 'Renewed' }).first().waitFor(WAIT);
    await shot('09-operator-renewal');
  });
  it('an operator runs the test-drive cleanup from the console and sees what it did', async () => {
    await signIn('operator');
    step('run the cleanup');
    await page.goto(`${h.host.url}/console/operator`);
    const report = page.getByRole('region', { name: 'Last cleanup report' });
    // The run this click starts: an earlier report (the cleanup timer runs when the clock moves) may already show.
    const [ran] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/admin/testdrive/cleanup') && r.request().method() === 'POST', WAIT),
      page.getByRole('button', { name: 'Run the cleanup now' }).click(),
    ]);
    const ranAt = String(((await ran.json()) as { ranAt?: string }).ranAt);
    await report.filter({ hasText: ranAt }).waitFor(WAIT);
    const shown = JSON.parse((await report.textContent()) ?? '{}') as Record<string, unknown>;
    // The API's own report, read with the console's operator token (the clock has moved past the harness's tokens).
    const stored = await page.evaluate(async () => {
      const storage = (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }).sessionStorage;
      const session = JSON.parse(storage.getItem('marketplace-console.session') ?? '{}') as { token?: string };
      const res = await fetch('/api/admin/testdrive/cleanup', { headers: { authorization: `Bearer ${session.token ?? ''}` } });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    });
    expect(stored.status).toBe(200);
    expect(typeof shown['ranAt']).toBe('string');
    expect(shown).toEqual(stored.json);
    await shot('10-operator-testdrive-cleanup');
  });
});
