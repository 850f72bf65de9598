/**
 * Deployed managed applications against Azurite (issue 17; decision 0314): the deployment table's insert-only
 * create, and concurrent PUTs of one application through the route's handler. The interleaving is forced with
 * PausePoints: every PUT is held just before the insert that decides who created the application
 * (BEFORE_APP_INSERT_POINT), so all of them have passed their validation and the URI index before any row exists.
 * The last test runs the same scenario against a read-then-write store (look the application up, write it when
 * missing) and shows it answers 201 more than once: these tests would fail against such a version.
 */
import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { makeManagedAppHandlers } from '../../../functions/managed-apps';
import type { Authenticator } from '../../../shared/auth/principal';
import type { LiveOffer, OfferCatalog } from '../../../shared/catalog/ports';
import { AdjustableClock } from '../../../shared/clock';
import { PausePoints, type Faults } from '../../../shared/faults';
import type { MeteredResource } from '../../../shared/metering/model';
import { AZURE_APPLICATIONS, ManagedApplications, type ManagedAppStore } from '../../../shared/metering/service/managed-apps';
import { BEFORE_APP_INSERT_POINT, TableResourceDirectory } from '../../../shared/metering/store/resources-table';
import type { Storage } from '../../../shared/storage/clients';
import { testStorage } from '../../fixtures/storage';

const SUB = '11111111-1111-1111-1111-111111111111';
const APP = `/subscriptions/${SUB}/resourceGroups/rg-coa/providers/Microsoft.Solutions/applications/coa`;
const MRG1 = `/subscriptions/${SUB}/resourceGroups/mrg-coa-1`;
const MRG2 = `/subscriptions/${SUB}/resourceGroups/mrg-coa-2`;
const TENANT = '22222222-2222-2222-2222-222222222222';

function offer(): LiveOffer {
  return {
    publisherId: 'contoso',
    offerId: 'contoso-coa',
    offerTypeId: AZURE_APPLICATIONS,
    internalId: 'i-coa',
    version: 1,
    frozenTime: '2025-01-01T00:00:00.000Z',
    live: true,
    alias: 'Contoso Analytics',
    meteredDimensions: [{ id: 'gb' }],
    plans: [
      {
        planId: 'base',
        visibility: 'public',
        privateAudience: [],
        stopSell: false,
        purchasable: true,
        freeTrial: false,
        markets: [],
        planType: 'managedApplication',
      },
    ],
    definition: {} as LiveOffer['definition'],
  };
}

const catalog: OfferCatalog = {
  getLiveOffer: async () => offer(),
  getLivePlan: async () => undefined,
  getOfferVersion: async () => offer(),
  getPurchasable: async (p, o) => (p === 'contoso' && o === 'contoso-coa' ? offer() : undefined),
  getPreviewOffer: async () => undefined,
};

const customer: Authenticator = { authenticate: async () => ({ kind: 'customer', tenantId: TENANT, userId: 'ann' }) };

function clock(): AdjustableClock {
  const c = new AdjustableClock({ adjustable: true });
  c.set(new Date('2025-03-10T12:00:00.000Z'));
  return c;
}

function putHandler(store: ManagedAppStore) {
  const managedApps = new ManagedApplications({ catalog, store, clock: clock() });
  return makeManagedAppHandlers({ managedApps, authenticator: () => customer, maxJsonBodyBytes: 1 << 20 }).put;
}

function put(handler: ReturnType<typeof putHandler>, managedResourceGroupId: string): Promise<HttpResponseInit> {
  const request = new HttpRequest({
    url: `http://localhost${APP}?api-version=2019-07-01`,
    method: 'PUT',
    params: { subscriptionId: SUB, resourceGroupName: 'rg-coa', applicationName: 'coa' },
    headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
    body: {
      string: JSON.stringify({
        kind: 'MarketPlace',
        location: 'westus2',
        plan: { publisher: 'contoso', product: 'contoso-coa', name: 'base', version: '1' },
        properties: { managedResourceGroupId },
      }),
    },
  });
  return handler(request, new InvocationContext({ functionName: 'managed-app-deploy' })) as Promise<HttpResponseInit>;
}

type View = { properties: { managedResourceGroupId: string; billingDetails: { resourceUsageId: string }; createdAt: string } };
const view = (res: HttpResponseInit) => res.jsonBody as View;

/** `groups[i]` is the managed resource group of the i-th concurrent PUT; all are held before the insert, then let go. */
async function concurrentPuts(makeStore: (storage: Storage, faults: Faults) => ManagedAppStore, groups: string[]) {
  const storage = testStorage();
  const faults = new PausePoints();
  const handler = putHandler(makeStore(storage, faults));
  const gate = faults.pause(BEFORE_APP_INSERT_POINT);
  const answers = groups.map((group) => put(handler, group));
  await gate.arrivals(groups.length); // every PUT validated and indexed, none inserted
  gate.release();
  return { storage, answers: await Promise.all(answers) };
}

const tableStore = (storage: Storage, faults: Faults) => new TableResourceDirectory(() => storage.table('MeteredResources'), faults);

/** The broken design the rules forbid: look the application up, then write it when it was missing. */
class ReadThenWriteStore implements ManagedAppStore {
  readonly #table: TableResourceDirectory;
  constructor(
    storage: Storage,
    private readonly faults: Faults,
  ) {
    this.#table = new TableResourceDirectory(() => storage.table('MeteredResources'));
  }
  lookup(ref: Parameters<ManagedAppStore['lookup']>[0]) {
    return this.#table.lookup(ref);
  }
  async create(resource: MeteredResource) {
    const existing = await this.#table.lookup({ kind: 'resourceId', resourceId: resource.resourceKey });
    await this.faults.reach(BEFORE_APP_INSERT_POINT); // between the read and the write
    if (existing) return { created: false, resource: existing };
    await this.#table.put(resource);
    return { created: true, resource };
  }
}

describe('the deployment table (MeteredResources) against Azurite', () => {
  it('create inserts once; a second create gets the stored row back, found by resourceUsageId and by URI in any case', async () => {
    const storage = testStorage();
    const store = new TableResourceDirectory(() => storage.table('MeteredResources'));
    const first: MeteredResource = {
      resourceKey: 'ABCDEF01-2345-4678-9abc-def012345678',
      kind: 'managedApp',
      publisherId: 'contoso',
      offerId: 'contoso-coa',
      status: 'Subscribed',
      activatedAt: '2025-03-10T12:00:00.000Z',
      plans: [{ planId: 'base', offerVersion: 1, from: '2025-03-10T12:00:00.000Z' }],
      term: { termUnit: 'P1M', startDate: '2025-03-10' },
      resourceUri: APP,
      managedResourceGroupId: MRG1,
      customerTenantId: TENANT,
      azureSubscriptionId: SUB,
    };
    expect(await store.create(first)).toEqual({ created: true, resource: first });
    const second = { ...first, activatedAt: '2025-03-10T12:05:00.000Z', managedResourceGroupId: MRG2 };
    const again = await store.create(second);
    expect(again.created).toBe(false);
    const stored = { ...first, resourceKey: first.resourceKey.toLowerCase() };
    expect(again.resource).toEqual(stored);
    expect(await store.lookup({ kind: 'resourceId', resourceId: first.resourceKey })).toEqual(stored);
    expect(await store.lookup({ kind: 'resourceUri', resourceUri: APP.toUpperCase() })).toEqual(stored);
    expect(await store.lookup({ kind: 'resourceUri', resourceUri: `${APP}x` })).toBeUndefined();
  });
});

describe('concurrent PUTs of one managed application (insert-only)', () => {
  it('ten identical PUTs held before the insert: exactly one 201, nine 200 with the same application', async () => {
    const { answers } = await concurrentPuts(
      tableStore,
      Array.from({ length: 10 }, () => MRG1),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = new Set(answers.map((a) => view(a).properties.billingDetails.resourceUsageId));
    expect(ids.size).toBe(1);
    const createdAt = new Set(answers.map((a) => view(a).properties.createdAt));
    expect(createdAt.size).toBe(1);
  });

  it('PUTs with two managed resource groups: one 201, the same group 200, the other group 409 ApplicationExists', async () => {
    const groups = [MRG1, MRG2, MRG1, MRG2, MRG1, MRG2, MRG1, MRG2];
    const { storage, answers } = await concurrentPuts(tableStore, groups);
    const winner = answers.findIndex((a) => a.status === 201);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    const won = groups[winner] as string;
    answers.forEach((answer, i) => {
      if (i === winner) return;
      if (groups[i] === won) {
        expect(answer.status).toBe(200);
        expect(view(answer).properties.managedResourceGroupId).toBe(won);
      } else {
        expect(answer.status).toBe(409);
        expect(JSON.stringify(answer.jsonBody)).toContain('ApplicationExists');
      }
    });
    // The stored application is the winner's, whatever the order the others ran in.
    const stored = await new TableResourceDirectory(() => storage.table('MeteredResources')).lookup({
      kind: 'resourceUri',
      resourceUri: APP,
    });
    expect(stored?.managedResourceGroupId).toBe(won);
  });

  it('the same scenario against a read-then-write store answers 201 to every PUT (what these tests catch)', async () => {
    const { answers } = await concurrentPuts((storage, faults) => new ReadThenWriteStore(storage, faults), [MRG1, MRG1, MRG1]);
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
  });
});
