/**
 * The console's remaining flows in a real browser (issue 21, third round), against the built host on embedded
 * storage, on the project clock (PUBLISH_TIME_SCALE=1: the pipeline's steps take their documented durations of the
 * test clock, which the test moves; simulated test-drive instances are ready at once):
 * - a customer takes a test drive of an offer that has one (after saying no to the consent, the API's message shows
 *   by the box), sees it Active with its sign-in, which another customer cannot see, and ends it;
 * - a publisher publishes from the console (a bad e-mail shows the API's message by the field), watches the steps
 *   and messages move without a reload while the clock moves, opens the preview link, goes live; and cancels a
 *   running submission of another offer;
 * - the publisher's Reports page: a grammar error shows the API's message by the query field, a query's rows,
 *   saving it, the system and own scheduled queries, a report run now with its execution's download link, and pause
 *   and resume of a scheduled one.
 * Every wait is on a UI state or an API state, never a timed sleep. Screenshots go to test-results/console-flows/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useConsoleBrowser, WAIT } from '../fixtures/console';
import { MP, saasOffer, withField } from '../fixtures/offers';
import { publishFrozen, startSaasHarness, until, V, type SaasHarness } from '../fixtures/saas-harness';
import { offer1 } from '../integration/saas/fixture';

const TD = 'microsoft-azure-marketplace-testdrive';
const LAB = 'flows-lab';
const OFFERS_V = 'api-version=2017-10-31';
const USERS = ['6f0d8a52-0c37-4d7e-9a55-3c2b6d1e0a01', '6f0d8a52-0c37-4d7e-9a55-3c2b6d1e0a02', '6f0d8a52-0c37-4d7e-9a55-3c2b6d1e0a03'] as const;
let h: SaasHarness;
let subscriptionId = '';

const b = useConsoleBrowser({ url: () => h.host.url, artefacts: 'console-flows' });

const lab = () => {
  let o = saasOffer(LAB);
  o = withField(o, ['definition', 'offer', `${MP}.leadDestination`], 'None');
  o = withField(o, ['definition', 'offer', `${TD}.enabled`], true);
  return withField(o, ['definition', 'offer', `${TD}.configuration`], {
    regions: ['westus2'],
    instances: { hot: 1, warm: 0, cold: 0 },
    durationHours: 2,
    template: {
      parameters: { adminUser: { type: 'string', metadata: { type: 'username' } }, adminPassword: { type: 'securestring', metadata: { type: 'password' } } },
      outputs: { user: { type: 'string', value: "[parameters('adminUser')]" } },
    },
    azureSubscriptionId: '6a2b9a49-2d1e-4c8f-8d1e-0a1b2c3d4e5f',
    description: 'Your lab is being prepared.',
    accessInformation: 'Sign in with the user name and password below.',
    aadAppSecret: 'no-secret',
  });
};

/** A draft the publisher will publish from the console (no lead destination, so no test lead is sent). */
async function draft(id: string): Promise<void> {
  const put = await h.call('PUT', `/api/publishers/contoso/offers/${id}?${OFFERS_V}`, 'contoso', {
    body: withField(saasOffer(id), ['definition', 'offer', `${MP}.leadDestination`], 'None'),
  });
  expect(put.status, JSON.stringify(put.json)).toBe(201);
}

const offerStatus = async (id: string) => String((await h.call('GET', `/api/publishers/contoso/offers/${id}/status?${OFFERS_V}`, 'contoso')).json['status']);

/** Moves the project clock two hours at a time until the offer's publish status is `wanted`. */
async function advanceUntil(id: string, wanted: string): Promise<void> {
  await until(`${id} ${wanted}`, async () => {
    if ((await offerStatus(id)) === wanted) return true;
    await h.advance('PT2H');
    return undefined;
  }, 90_000);
}

/** A marker in the page's JavaScript realm: still there later means the page was never reloaded meanwhile. */
const mark = () => b.page.evaluate(() => void ((globalThis as unknown as { consoleMark: number }).consoleMark = 1));
const marked = () => b.page.evaluate(() => (globalThis as unknown as { consoleMark?: number }).consoleMark === 1);

beforeAll(async () => {
  h = await startSaasHarness({
    STORAGE_PREFIX: `cfl${Date.now().toString(36)}`,
    CONSOLE_POLL_MS: '300',
    PUBLISH_TIME_SCALE: '1',
    TESTDRIVE_SIM_DEPLOY_SECONDS: '0',
    TESTDRIVE_SIM_STOP_SECONDS: '0',
    TESTDRIVE_SIM_START_SECONDS: '0',
    TESTDRIVE_SIM_DELETE_SECONDS: '0',
    TESTDRIVE_CLEANUP_SCHEDULE: '0 0 0 1 1 *',
  });
  await publishFrozen(h, [lab()]);
  await until('the hot instance ready', async () => {
    await h.call('POST', `/api/admin/testdrive/pools/contoso/${LAB}/reconcile`, 'operator');
    const pool = await h.call('GET', `/api/admin/testdrive/pools/contoso/${LAB}`, 'operator');
    return (pool.json['instanceStates'] as Record<string, number> | undefined)?.['ReadyHot'] === 1 ? true : undefined;
  });
  // An order for the Reports page: bought and activated by the API.
  const bought = await h.call('POST', '/api/storefront/purchases', { customer: ['fabrikam', 'ann'] }, { body: { publisherId: 'contoso', offerId: LAB, planId: 'basic', termUnit: 'P1M' } });
  expect(bought.status, JSON.stringify(bought.json)).toBe(201);
  subscriptionId = String(bought.json['subscriptionId']);
  expect((await h.call('POST', `/api/saas/subscriptions/${subscriptionId}/activate?${V}`, 'contoso', { body: { planId: 'basic' } })).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('the console flows in Chromium', { timeout: 120_000 }, () => {
  it('a customer takes a test drive, sees its sign-in (which another customer cannot), and ends it', async () => {
    const { page, step } = b;
    await b.signIn('customer', { tenant: 'fabrikam', user: 'ann' });
    step('open the offer and ask without consent');
    await page.goto(`${h.host.url}/console/store/contoso/${LAB}`);
    const form = page.getByRole('form', { name: 'Take a test drive' });
    await form.getByRole('button', { name: 'Take a test drive' }).click();
    await form.getByText('must be true: the customer agrees to share their details with the publisher').waitFor(WAIT);
    expect(await form.getByRole('checkbox').getAttribute('aria-invalid')).toBe('true');

    step('consent and take the drive: Active with the sign-in');
    await form.getByRole('checkbox').check();
    await form.getByRole('button', { name: 'Take a test drive' }).click();
    await page.waitForURL(/\?drive=/, WAIT);
    const driveId = new URL(page.url()).searchParams.get('drive') ?? '';
    const drive = page.getByRole('article', { name: `Test drive ${driveId}` });
    await drive.getByRole('heading', { name: 'Test drive Active' }).waitFor(WAIT);
    const details = drive.getByRole('region', { name: 'Access details' });
    await details.getByText('Sign in with the user name and password below.').waitFor(WAIT);
    // What the page shows is what the API gives this customer.
    const api = await h.call('GET', `/api/storefront/testdrives/${driveId}`, { customer: ['fabrikam', 'ann'] });
    const access = api.json['access'] as { username: string; password: string };
    expect(api.json['state']).toBe('Active');
    await details.getByText(access.password, { exact: true }).waitFor(WAIT);
    await details.getByRole('table', { name: 'Outputs' }).getByRole('row').filter({ hasText: access.username }).waitFor(WAIT);
    await b.shot('01-customer-testdrive-active', page.getByRole('region', { name: 'Test drive', exact: true }));

    step('another customer opens the same drive: the API says 404 and no sign-in shows');
    await b.signIn('customer', { tenant: 'northwind', user: 'bob' });
    await page.goto(`${h.host.url}/console/store/contoso/${LAB}?drive=${driveId}`);
    await page.getByRole('article', { name: `Test drive ${driveId}` }).getByRole('alert').waitFor(WAIT);
    expect(await page.getByRole('region', { name: 'Access details' }).count()).toBe(0);
    expect(await page.content()).not.toContain(access.password);

    step('the customer ends the drive');
    await b.signIn('customer', { tenant: 'fabrikam', user: 'ann' });
    await page.goto(`${h.host.url}/console/store/contoso/${LAB}?drive=${driveId}`);
    await drive.getByRole('heading', { name: 'Test drive Active' }).waitFor(WAIT);
    await drive.getByRole('button', { name: 'End the test drive' }).click();
    await drive.getByRole('heading', { name: 'Test drive Ended' }).waitFor(WAIT);
    expect(await drive.getByRole('region', { name: 'Access details' }).count()).toBe(0);
    expect(await drive.getByRole('button', { name: 'End the test drive' }).count()).toBe(0);
    expect((await h.call('GET', `/api/storefront/testdrives/${driveId}`, { customer: ['fabrikam', 'ann'] })).json).toMatchObject({ state: 'Ended', endReason: 'user' });
    await b.accessible();
  });

  it('a publisher publishes from the console: steps move without a reload, the preview link, go-live', async () => {
    const { page, step } = b;
    await draft('flows-pub');
    await b.signIn('publisher');
    step('a bad notification e-mail');
    await page.goto(`${h.host.url}/console/publisher/offers?offer=flows-pub`);
    const pipeline = page.getByRole('region', { name: 'Publishing flows-pub' });
    await pipeline.getByText('Status: neverPublished', { exact: true }).waitFor(WAIT);
    await mark();
    await pipeline.getByLabel('Notification e-mails').fill('not-an-address');
    await pipeline.getByRole('button', { name: 'Publish' }).click();
    await pipeline.getByText('must be comma-separated email addresses').waitFor(WAIT);
    expect(await pipeline.getByLabel('Notification e-mails').getAttribute('aria-invalid')).toBe('true');
    expect(await offerStatus('flows-pub')).toBe('neverPublished');

    step('publish: running, the first step in progress');
    await pipeline.getByLabel('Notification e-mails').fill('jdoe@contoso.example');
    await pipeline.getByRole('button', { name: 'Publish' }).click();
    const steps = pipeline.getByRole('table', { name: 'Steps' });
    await pipeline.getByText('Status: running', { exact: true }).waitFor(WAIT);
    await steps.getByRole('row').filter({ hasText: 'inProgress' }).first().waitFor(WAIT);
    await b.shot('02-publisher-pipeline-running', pipeline);

    step('the clock moves: the steps complete and the status changes on screen');
    await advanceUntil('flows-pub', 'waitingForPublisherReview');
    await pipeline.getByText('Status: waitingForPublisherReview', { exact: true }).waitFor(WAIT);
    await steps.getByRole('row').filter({ hasText: 'Preview creation' }).filter({ hasText: 'complete' }).filter({ hasText: 'Step completed.' }).waitFor(WAIT);
    expect(await marked()).toBe(true);

    step('the preview link shows the previewed version');
    await pipeline.getByRole('link', { name: 'Marketplace preview' }).click();
    const linked = page.getByRole('region', { name: 'Linked version' });
    await linked.getByText('Contoso Notification Services').waitFor(WAIT);
    await linked.getByText('basic').waitFor(WAIT);
    await b.shot('03-publisher-preview-link', page.getByRole('main'));

    step('go live; the live link appears once the go-live steps are done');
    await mark();
    await page.getByRole('region', { name: 'Publishing flows-pub' }).getByRole('button', { name: 'Go live' }).click();
    await page.getByRole('table', { name: 'Submissions' }).getByRole('row').filter({ hasText: 'golive' }).first().waitFor(WAIT);
    await advanceUntil('flows-pub', 'succeeded');
    await page.getByRole('region', { name: 'Publishing flows-pub' }).getByText('Status: succeeded', { exact: true }).waitFor(WAIT);
    await page.getByRole('link', { name: 'Marketplace listing' }).waitFor(WAIT);
    expect(await marked()).toBe(true);
    expect((await h.call('GET', `/api/publishers/contoso/offers/flows-pub/slot/production?${OFFERS_V}`, 'contoso')).status).toBe(200);
  });

  it('a publisher cancels a running submission from the console', async () => {
    const { page, step } = b;
    await draft('flows-cancel');
    await b.signIn('publisher');
    step('publish');
    await page.goto(`${h.host.url}/console/publisher/offers?offer=flows-cancel`);
    const pipeline = page.getByRole('region', { name: 'Publishing flows-cancel' });
    await pipeline.getByText('Status: neverPublished', { exact: true }).waitFor(WAIT);
    await pipeline.getByRole('button', { name: 'Publish' }).click();
    await pipeline.getByText('Status: running', { exact: true }).waitFor(WAIT);
    step('cancel');
    await pipeline.getByRole('button', { name: 'Cancel' }).click();
    await pipeline.getByText('Status: canceled', { exact: true }).waitFor(WAIT);
    await page.getByRole('table', { name: 'Submissions' }).getByRole('row').filter({ hasText: 'canceled' }).first().waitFor(WAIT);
    await b.shot('04-publisher-pipeline-canceled', pipeline);
    // Nothing runs on: the clock moves and the operation stays canceled; nothing went live.
    await h.advance('PT6H');
    expect(await offerStatus('flows-cancel')).toBe('canceled');
    expect((await h.call('GET', `/api/publishers/contoso/offers/flows-cancel/slot/production?${OFFERS_V}`, 'contoso')).status).toBe(404);
    step('cancel again: the API says there is nothing to cancel');
    await pipeline.getByRole('button', { name: 'Cancel' }).click();
    await pipeline.getByRole('alert').filter({ hasText: 'NoCancelableOperation' }).waitFor(WAIT);
  });

  it('the Reports page: a grammar error by the query field, a query and its rows, scheduled queries, a report run now with its download, pause and resume', async () => {
    const { page, step } = b;
    await b.signIn('publisher');
    step('a query naming an unknown column');
    await page.goto(`${h.host.url}/console/publisher/reports`);
    const query = page.getByLabel('Query', { exact: true });
    await query.fill('SELECT OrderId, Nope FROM ISVOrder');
    await page.getByRole('button', { name: 'Run the query' }).click();
    await page.locator('.field-error').filter({ hasText: "Unknown column or metric 'Nope'" }).filter({ hasText: 'line 1, column 17' }).waitFor(WAIT);
    expect(await query.getAttribute('aria-invalid')).toBe('true');

    step('a good query shows its rows');
    await query.fill('SELECT OrderId, SKU FROM ISVOrder TIMESPAN LAST_MONTH');
    await page.getByRole('button', { name: 'Run the query' }).click();
    const result = page.getByRole('table', { name: 'Query result (first rows)' });
    await result.getByRole('row').filter({ hasText: subscriptionId }).filter({ hasText: 'basic' }).waitFor(WAIT);
    expect(await query.getAttribute('aria-invalid')).toBeNull();

    step('save it; the scheduled queries list the system ones and this one');
    await page.getByLabel('Name to save it under').fill('flows-orders');
    await page.getByRole('button', { name: 'Save as a scheduled query' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved as query' }).waitFor(WAIT);
    const queries = page.getByRole('table', { name: 'System queries and your own' });
    await queries.getByRole('row').filter({ hasText: 'flows-orders' }).filter({ hasText: 'userDefined' }).waitFor(WAIT);
    await queries.getByRole('row').filter({ hasText: 'fd0f299c-5a1c-4929-9f48-bfc6cc44355d' }).filter({ hasText: 'system' }).waitFor(WAIT);
    await b.shot('05-publisher-reports-query', page.getByRole('region', { name: 'Try a query' }));

    step('schedule a report that runs now; its execution has a download link');
    const schedule = page.getByRole('form', { name: 'Schedule a report' });
    await schedule.getByLabel('Report name').fill('flows-now');
    await schedule.getByLabel('Scheduled query').selectOption({ label: 'flows-orders' });
    await schedule.getByRole('button', { name: 'Schedule the report' }).click();
    const reports = page.getByRole('table', { name: 'Your reports' });
    await reports.getByRole('link', { name: 'flows-now' }).click();
    // The analytics timer runs due executions when the clock moves.
    await h.advance('PT1M');
    const executions = page.getByRole('table', { name: 'Executions, newest first' });
    const download = executions.getByRole('row').filter({ hasText: 'Completed' }).getByRole('link', { name: /Download/ });
    await download.waitFor(WAIT);
    const file = await fetch(String(await download.getAttribute('href')));
    expect(file.status).toBe(200);
    expect(await file.text()).toContain(subscriptionId);

    step('a scheduled report: pause, then resume');
    const now = String((await h.call('GET', '/api/admin/clock', 'operator')).json['now']);
    await schedule.getByLabel('Report name').fill('flows-daily');
    await schedule.getByRole('checkbox', { name: 'Run once now' }).uncheck();
    await schedule.getByLabel('Start time (UTC, ISO 8601)').fill(new Date(Date.parse(now) + 86_400_000).toISOString().slice(0, 19) + 'Z');
    await schedule.getByRole('button', { name: 'Schedule the report' }).click();
    const daily = reports.getByRole('row').filter({ hasText: 'flows-daily' });
    await daily.getByRole('button', { name: 'Pause flows-daily' }).click();
    await daily.getByText('Paused', { exact: true }).waitFor(WAIT);
    await b.shot('06-publisher-reports', page.getByRole('region', { name: 'Scheduled reports' }));
    await daily.getByRole('button', { name: 'Resume flows-daily' }).click();
    await daily.getByText('Active', { exact: true }).waitFor(WAIT);
    const stored = await h.call('GET', '/insights/v1/cmp/ScheduledReport', 'contoso');
    expect((stored.json['value'] as { reportName: string; reportStatus: string }[]).find((r) => r.reportName === 'flows-daily')?.reportStatus).toBe('Active');
  });

  it('a license administrator links a per-seat subscription, assigns its seats (the one too many refused by the field), removes users in bulk; the publisher sees the seats', async () => {
    const { page, step } = b;
    step('a per-seat subscription of 2 seats, bought and activated by the API');
    await publishFrozen(h, [offer1(h.sinkUrl)]);
    const bought = await h.call('POST', '/api/storefront/purchases', { customer: ['tb', 'buyer'] }, {
      body: { publisherId: 'contoso', offerId: 'offer1', planId: 'silver', quantity: 2, termUnit: 'P1M' },
    });
    expect(bought.status, JSON.stringify(bought.json)).toBe(201);
    const sub = String(bought.json['subscriptionId']);
    expect((await h.call('POST', `/api/saas/subscriptions/${sub}/activate?${V}`, 'contoso', { body: { planId: 'silver', quantity: 2 } })).status).toBe(200);

    await b.signIn('customer', { tenant: 'tb', user: 'admin', licenseAdmin: true });
    step('link the subscription to the pool');
    await page.goto(`${h.host.url}/console/my/licenses`);
    await page.getByText("No subscription is linked to your tenant's licenses yet.").waitFor(WAIT);
    const link = page.getByRole('form', { name: 'Link a subscription' });
    await link.getByLabel('Subscription').locator(`option[value="${sub}"]`).waitFor({ state: 'attached', ...WAIT });
    await link.getByLabel('Organisation name').fill('Tailspin');
    await link.getByLabel('Country code').fill('DE');
    await link.getByRole('button', { name: 'Link to the license pool' }).click();
    const pool = page.getByRole('table', { name: "Your tenant's license pools" }).getByRole('row').filter({ hasText: 'offer1 / silver' });
    const cells = () => pool.getByRole('cell').allTextContents();
    await expect.poll(cells, WAIT).toEqual(['offer1 / silver', 'contoso.offer1.silver', '2', '0', '0', '2', expect.any(String)]);

    step('assign both seats; the third user is refused with the API message by the field');
    const assign = page.getByRole('form', { name: 'Assign a license' });
    for (const user of [USERS[0], USERS[1]]) {
      await assign.getByLabel('User object id').fill(user);
      await assign.getByRole('button', { name: 'Assign a license' }).click();
      await assign.getByRole('status').filter({ hasText: user }).waitFor(WAIT);
    }
    await expect.poll(async () => (await cells()).slice(2, 6), WAIT).toEqual(['2', '2', '0', '0']);
    await assign.getByLabel('User object id').fill(USERS[2]);
    await assign.getByRole('button', { name: 'Assign a license' }).click();
    await assign.locator('.field-error').filter({ hasText: 'run out of licenses' }).waitFor(WAIT);
    expect(await assign.getByLabel('User object id').getAttribute('aria-invalid')).toBe('true');
    await b.shot('07-customer-licenses', page.getByRole('main'));

    step('remove the first and the third user: the first is Removed, the third skipped');
    const remove = page.getByRole('form', { name: 'Remove licenses' });
    await remove.getByLabel('Users to remove').fill(`${USERS[0]}, ${USERS[2]}`);
    await remove.getByRole('button', { name: 'Remove their licenses' }).click();
    await page.waitForURL(/\?batch=/, WAIT);
    await page.getByRole('table', { name: 'Users in the batch' }).getByRole('row').filter({ hasText: USERS[0] }).filter({ hasText: 'Removed' }).first().waitFor(WAIT);
    await page.getByRole('table', { name: 'Users skipped' }).getByRole('row').filter({ hasText: USERS[2] }).filter({ hasText: 'The user holds no assigned license of this plan.' }).waitFor(WAIT);
    await expect.poll(async () => (await cells()).slice(2, 6), WAIT).toEqual(['2', '1', '0', '1']);
    await b.accessible();

    step("the publisher's Licenses page shows the tenant's seats");
    await b.signIn('publisher');
    await page.goto(`${h.host.url}/console/publisher/licensing`);
    const seats = page.getByRole('table', { name: 'Assigned seats per plan, month and country' }).getByRole('row').filter({ hasText: 'Tailspin' }).filter({ hasText: 'contoso.offer1.silver' });
    // This month's row: 2 provisioned, 1 assigned (after the removal), the customer's name and country as linked.
    await expect.poll(async () => (await seats.last().getByRole('cell').allTextContents()).slice(1, 10), WAIT).toEqual([
      'Tailspin', 'Germany', expect.any(String), expect.any(String), expect.any(String), 'contoso.offer1.silver', '2', '1', expect.any(String),
    ]);
    await b.shot('08-publisher-licenses', page.getByRole('region', { name: 'Licenses' }));
  });

  it('a publisher marks a flagged usage spike as an anomaly with the corrected usage (a bad value refused by the field)', async () => {
    const { page, step } = b;
    step('16 days of usage on the project clock, the last one a spike, then the detection run');
    const now = async () => String((await h.call('GET', '/api/admin/clock', 'operator')).json['now']);
    for (let day = 0; day <= 16; day++) {
      const body = { resourceId: subscriptionId, quantity: day === 16 ? 1000 : 100, dimension: 'email', effectiveStartTime: await now(), planId: 'basic' };
      const sent = await h.call('POST', `/api/usageEvent?${V}`, 'contoso', { body });
      expect(sent.status, JSON.stringify(sent.json)).toBe(200);
      await h.advance('P1D');
    }
    await h.advance('P1D');
    const run = await h.call('POST', '/api/admin/metering/anomaly-detection', 'operator');
    expect(run.status, JSON.stringify(run.json)).toBe(200);
    const flagged = (await h.call('GET', '/api/metering/anomalies?period=30&impact=all', 'contoso')).json['value'] as { anomalyId: string; usageDate: string; reportedUsage: number }[];
    expect(flagged.map((a) => a.reportedUsage)).toEqual([1000]);
    const [spike] = flagged;

    await b.signIn('publisher');
    await page.goto(`${h.host.url}/console/publisher/anomalies`);
    const item = page.getByRole('article', { name: `Anomaly email on ${spike?.usageDate ?? ''}` });
    await item.getByText('unacknowledged').waitFor(WAIT);
    step('a corrected usage above the reported one: the API message by the field, nothing decided');
    await item.getByLabel('Corrected usage').fill('1200');
    await item.getByRole('button', { name: 'Mark as anomaly' }).click();
    const usage = item.getByLabel('Corrected usage');
    await expect.poll(() => usage.getAttribute('aria-invalid'), WAIT).toBe('true');
    expect(await item.locator('.field-error').first().textContent()).toContain('must be less than the reported usage (1000)');
    expect((await h.call('GET', `/api/metering/anomalies/${spike?.anomalyId ?? ''}`, 'contoso')).json['state']).toBe('unacknowledged');
    await b.shot('09-publisher-anomaly-refused', item);
    step('mark it with 150');
    await usage.fill('150');
    await item.getByRole('button', { name: 'Mark as anomaly' }).click();
    await item.getByText('acted', { exact: true }).waitFor(WAIT);
    const stored = (await h.call('GET', `/api/metering/anomalies/${spike?.anomalyId ?? ''}`, 'contoso')).json;
    expect(stored).toMatchObject({ state: 'acted', newReportedUsage: 150 });
    await b.accessible();
  });
});
