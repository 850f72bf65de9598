/**
 * The one composition root: settings, clock, storage clients, keys, token validation and every capability's
 * services are built once, lazily, on first use, and shared by every function in the process. Each capability's
 * `composition.ts` builds its own services from the parts passed here and never imports this file; a trigger reads
 * this one entry point. Tests build their own with fakes.
 */
import * as df from 'durable-functions';
import { AdjustableClock } from './clock';
import { ClockStore } from './admin/clock-store';
import { config, type Config } from './config';
import { LocalKeyStore } from './auth/keys';
import { createAuthenticator, type Authenticator } from './auth/principal';
import { TablePublisherRegistry, type PublisherRegistry } from './auth/publishers';
import { createTokenValidator, type TokenValidator } from './auth/tokens';
import { crashAt, noFaults, type Faults } from './faults';
import { createStorage, type Storage } from './storage/clients';
import { secretBoxFor, type SecretBox } from './crypto/secrets';
import { buildCatalog, type Catalog } from './catalog/composition';
import { buildMetering, meteringSettings, type MeteringServices } from './metering/composition';
import { buildSaas, type Saas } from './saas/composition';
import { buildLeads, type Leads } from './leads/composition';
import { buildLicensing, type Licensing } from './licensing/composition';
import { DEFAULT_DYNAMICS_HOST_SUFFIXES } from './leads/rules/destinations';
import { leadTargets } from './leads/store/targets';
import { buildTestDrive, type TestDrive } from './testdrive/composition';
import { OutboundClient } from './outbound/client';
import { NotFoundError, ValidationError } from './errors';
import { buildPublishing, type Publishing } from './publish/composition';
import { buildAnalytics, type Analytics } from './analytics/composition';
import { MeteringUsageSource, SaasOrderSource } from './analytics/store/sources';

export interface Services {
  config: Config;
  clock: AdjustableClock;
  clockStore: ClockStore;
  storage: Storage;
  keys: LocalKeyStore;
  validator: TokenValidator;
  publishers: PublisherRegistry;
  authenticator: Authenticator;
  faults: Faults;
  /** Seals and opens secrets at rest; the key is loaded on first use. */
  secrets: () => SecretBox;
  /** Offers, plans, artifacts and frozen versions (shared/catalog). `reader` is the port other capabilities use. */
  catalog: Catalog;
  /** SaaS fulfillment (shared/saas): subscriptions, operations, webhook outbox; built on first use. */
  saas: () => Saas;
  /** Metering (shared/metering): usage events, queries, billing, anomalies; built on first use. */
  metering: () => MeteringServices;
  /** Test drives (shared/testdrive): drives, the pools' reconcile and the cleanup; built on first use. */
  testdrive: () => TestDrive;
  /** Leads (shared/leads): capture, the lead store, the publisher's reads; built on first use. */
  leads: () => Leads;
  /** The publish pipeline (shared/publish): submit, status, go-live, cancel, certification; built on first use. */
  publish: () => Publishing;
  /** License management (shared/licensing): pools, assignments, the license check; built on first use. */
  licensing: () => Licensing;
  /** Programmatic-access analytics (shared/analytics): datasets, queries, scheduled reports; built on first use. */
  analytics: () => Analytics;
}

/**
 * The durable client binding of every function that starts orchestrations from a request or a timer. Functions
 * list it in `extraInputs`; functions/hooks.ts hands the bound client to the capabilities that start workflows
 * before the handler runs.
 */
export const durableClientInput = df.input.durableClient();

/** The process-wide clock exists before the rest, so the local host can drive timers with it. */
let sharedClock: AdjustableClock | undefined;

export function appClock(): AdjustableClock {
  sharedClock ??= new AdjustableClock({ adjustable: config().testClock });
  return sharedClock;
}

let built: Services | undefined;

export function services(): Services {
  if (built) return built;
  const cfg = config();
  const clock = appClock();
  const storage = createStorage(cfg.storage);
  const keys = new LocalKeyStore(cfg.auth.localIssuerKeyFile);
  const validator = createTokenValidator(cfg.auth, clock, keys);
  const publishers = new TablePublisherRegistry(() => storage.table('Publishers'));
  const faults = cfg.crashAt.length > 0 ? crashAt(cfg.crashAt) : noFaults;
  let secretBox: SecretBox | undefined;
  const secrets = () => (secretBox ??= secretBoxFor(cfg.secrets));
  const catalog = buildCatalog({
    storage,
    clock,
    faults,
    secrets,
    publisherKnown: async (publisherId) => (await publishers.listByPublisher(publisherId)).length > 0,
    httpsWebhooks: cfg.outbound.httpsOnly,
    maxArtifactBytes: cfg.maxArtifactBytes,
  });
  let leads: Leads | undefined;
  const leadsServices = () =>
    (leads ??= buildLeads({
      storage,
      clock,
      faults,
      catalog: catalog.reader,
      draft: async (publisherId, offerId) => {
        try {
          const { record, document } = await catalog.offers.getDraft({ kind: 'operator', subject: 'leads' }, publisherId, offerId);
          return { document, internalId: record.internalId, liveVersion: record.liveVersion };
        } catch (error) {
          if (error instanceof NotFoundError) return undefined;
          throw error;
        }
      },
      openSecret: () => {
        const box = secrets();
        return (sealed, context) => box.open(sealed, context);
      },
      log: (message) => console.warn(message),
      offerCacheTtlMs: cfg.leadDelivery.offerCacheTtlMs,
      // The dead-letter digest goes to the publisher's notifications outbox (publish's), as an e-mail would (decision 0528).
      notifications: { send: (notice): Promise<void> => publishServices().outbox.add({ ...notice, operationId: '', event: notice.event ?? 'leadsDeadLettered' }) },
      // Every request to a CRM target goes through the one outbound client (address policy, time-outs, redaction).
      targets: leadTargets({
        client: new OutboundClient(cfg.outbound),
        now: () => clock.now(),
        entraAuthorityHost: cfg.leadTargets.entraAuthorityHost,
        dynamicsPublicClientId: cfg.leadTargets.dynamicsPublicClientId,
        marketoBaseUrl: cfg.leadTargets.marketoBaseUrl,
        salesforceUrl: cfg.leadTargets.salesforceUrl,
      }),
      delivery: {
        windowHours: cfg.leadDelivery.windowHours,
        timeoutMs: cfg.leadDelivery.timeoutMs,
        sweepGraceMs: cfg.leadDelivery.sweepGraceMs,
        offerConcurrency: cfg.leadDelivery.offerConcurrency,
        firstAttempt: cfg.leadDelivery.firstAttempt,
        destinations: {
          allowDevStorage: cfg.leadTargets.allowDevStorage,
          allowLoopbackTargets: cfg.outbound.allowLoopback,
          dynamicsHostSuffixes: [...DEFAULT_DYNAMICS_HOST_SUFFIXES, ...(cfg.leadTargets.dynamicsHostSuffixes ?? [])],
        },
      },
    }));
  let saas: Saas | undefined;
  const saasServices = () =>
    (saas ??= buildSaas({
      config: cfg,
      storage,
      clock,
      faults,
      keys,
      catalog: catalog.reader,
      leads: { purchased: async (purchase) => void (await leadsServices().purchase.purchased(purchase)) },
    }));
  let licensing: Licensing | undefined;
  let publishing: Publishing | undefined;
  const publishServices = () =>
    (publishing ??= buildPublishing({
      storage,
      clock,
      faults,
      catalog: catalog.publishing,
      timeScale: cfg.publish.timeScale,
      certificationMode: cfg.publish.certificationMode,
      // Lead management validation (spec 3.2 step 7): one test lead through the leads capability's Validate.
      leadCheck: async (publisherId, offerId) => {
        const validate = leadsServices().validate;
        if (!validate) return [{ code: 'LeadCheckUnavailable', message: 'Lead destinations are not checked by this deployment.', level: 'warning' }];
        try {
          const answer = await validate.validate({ kind: 'publisher', publisherId }, publisherId, offerId);
          if (answer.kind === 'rate-limited') throw new Error('lead Validate is rate-limited; the activity is retried');
          return answer.result.ok ? [] : [{ code: 'LeadDestinationFailed', message: answer.result.error.message, target: 'leadDestination' }];
        } catch (error) {
          if (error instanceof ValidationError) return [{ code: error.code, message: error.message, target: 'leadDestination' }];
          throw error;
        }
      },
    }));
  let metering: MeteringServices | undefined;
  let testDrive: TestDrive | undefined;
  let analytics: Analytics | undefined;
  built = {
    config: cfg,
    clock,
    clockStore: new ClockStore(() => storage.table('Settings')),
    storage,
    keys,
    validator,
    publishers,
    authenticator: createAuthenticator({
      validator,
      registry: publishers,
      operatorRole: cfg.auth.operatorRole,
      localMode: cfg.auth.mode === 'local',
      clock,
    }),
    faults,
    secrets,
    catalog,
    saas: saasServices,
    leads: leadsServices,
    publish: publishServices,
    licensing: () =>
      (licensing ??= buildLicensing({
        storage,
        clock,
        faults,
        catalog: catalog.reader,
        subscriptions: (id) => saasServices().subscriptionRecord(id),
        blockedTenants: cfg.licensing.blockedTenants,
        cacheTtlMs: cfg.licensing.cacheTtlMs,
      })),
    metering: () =>
      (metering ??= buildMetering({
        storage,
        clock,
        faults,
        catalog: catalog.reader,
        subscriptions: (id) => saasServices().subscriptionRecord(id),
        ...meteringSettings(cfg),
      })),
    // Analytics reads the SaaS subscriptions and the accepted usage through read-only sources (decision 0901).
    analytics: () =>
      (analytics ??= buildAnalytics({
        storage,
        clock,
        faults,
        catalog: catalog.reader,
        orders: new SaasOrderSource(() => (publisherId, pageSize, continuation) => saasServices().store.listSubscriptions(publisherId, pageSize, continuation)),
        usage: new MeteringUsageSource(() => (publisherId, fromDay, toDay) => (built as Services).metering().usage.scan(publisherId, fromDay, toDay)),
        outbound: new OutboundClient(cfg.outbound),
        secrets,
        settings: { ...cfg.analytics, httpsCallbacks: cfg.outbound.httpsOnly },
      })),
    testdrive: () =>
      (testDrive ??= buildTestDrive({
        storage,
        clock,
        faults,
        catalog: catalog.reader,
        capture: () => leadsServices().capture,
        settings: cfg.testDrive,
        log: (message) => console.warn(message),
      })),
  };
  return built;
}
