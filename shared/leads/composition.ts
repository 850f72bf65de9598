/**
 * Leads' part of the composition (specs/leads.md; decision 0500): the lead store, the catalog's view of offers, the
 * capture and read use cases, built when the one composition root asks for them (`services().leads()`); this file
 * never imports the root. The delivery side plugs in through `LeadsDeps`: `handoff` (starts a delivery workflow),
 * `wrapStore` (for example an index written with every delivery row), `targets`.
 */
import { randomBytes } from 'node:crypto';
import type { OfferCatalog } from '../catalog/ports';
import type { Clock } from '../clock';
import type { Faults } from '../faults';
import type { Storage } from '../storage/clients';
import type { DeliveryHandoff, LeadNotifications, LeadOffers, LeadStore, LeadTargets } from './ports';
import { CaptureLead } from './service/capture';
import { PurchaseLead } from './service/purchase-lead';
import { LeadQueries } from './service/read';
import { CatalogLeadOffers, type DraftReader } from './store/catalog-offers';
import { TableLeadStore } from './store/leads-table';
import type { DestinationRuleOptions } from './rules/destinations';
import { windowMs } from './rules/retry';
import { DEFAULT_OFFER_CONCURRENCY, DeliverLead } from './service/deliver';
import { FirstAttempts } from './service/first-attempt';
import { cachedLeadOffers } from './store/cached-offers';
import { LeadDeliveryStarter } from './service/delivery-starter';
import { liveDestination } from './service/live-destination';
import { ReplayLeads } from './service/replay';
import { SweepDeliveries } from './service/sweep';
import { TableDeliveryIndex, withDeliveryIndex } from './store/due-index';
import { TableReplayBatches } from './store/replay-batches';
import { TableDeadLetterNotices } from './store/dead-letter-notices';
import { DigestDeadLetters } from './service/notify';
import { NotifyNewLeads } from './service/notify-new-leads';
import { NotifyUnhealthy, withUnhealthyWatch } from './service/notify-unhealthy';
import { TableNoticeMarks } from './store/notice-marks';
import { ValidateDestination } from './service/validate';

export const LEADS_TABLES = { leads: 'Leads', due: 'LeadsDue' } as const;

/** Lead delivery's settings (config `leadDelivery`, decisions 0520–0521) and how destinations are checked at dispatch. */
export interface LeadDeliverySettings {
  windowHours: number;
  timeoutMs: number;
  sweepGraceMs: number;
  /** Attempts to one offer's destination at a time in one process (decision 0520). */
  offerConcurrency?: number;
  /** The first attempt in this process right after the commit (decision 0524); absent or concurrency 0: none. */
  firstAttempt?: { concurrency: number; queueMax: number };
  destinations: DestinationRuleOptions;
}

/** The delivery workflow's use cases (functions/lead-delivery.ts, lead-sweeper.ts, lead-replay.ts). */
export interface LeadDelivery {
  deliver: DeliverLead;
  replay: ReplayLeads;
  sweep: SweepDeliveries;
  /** Starts delivery orchestrations; functions/hooks.ts attaches the host's durable client. */
  starter: LeadDeliveryStarter;
  /** First attempts in this process (decision 0524); hands what they cannot finish to `starter`. */
  first: FirstAttempts;
  /** The hourly dead-letter digest to the offer's contact e-mails (decision 0528); present with `notifications`. */
  digest?: DigestDeadLetters;
  /** New-lead notices, one per offer per sweeper run (decision 0534); present with `notifications`. */
  newLeads?: NotifyNewLeads;
}

export interface LeadsDeps {
  storage: Storage;
  clock: Clock;
  faults: Faults;
  catalog: OfferCatalog;
  /** The current draft of an offer (the catalog's offers, read as the system). */
  draft: DraftReader;
  /** Opens a sealed secret of an offer's settings (the root's secret box). */
  openSecret: () => (sealed: string, context: string) => string;
  /** Starts the delivery workflow of a committed pending delivery; without one, deliveries wait for the sweeper. */
  handoff?: DeliveryHandoff;
  /** Wraps the table store (the delivery index the sweeper reads, a cache, ...). */
  wrapStore?: (store: LeadStore) => LeadStore;
  targets?: LeadTargets;
  /** Logs a hand-over that failed after the commit. */
  log?: (message: string) => void;
  /** With targets: the delivery workflow (one orchestration per lead, the due index, the sweeper, replay). */
  delivery?: LeadDeliverySettings;
  /** How long the live offer read by capture and delivery is cached on the project clock (decision 0524); 0 or absent: not. */
  offerCacheTtlMs?: number;
  /** The publisher's notifications outbox (the root wires the publish capability's): dead-letter digests (decision 0528). */
  notifications?: LeadNotifications;
}

export interface Leads {
  capture: CaptureLead;
  /** A SaaS purchase's lead (the SaaS capability's `PurchaseLeads` port). */
  purchase: PurchaseLead;
  queries: LeadQueries;
  offers: LeadOffers;
  store: LeadStore;
  /** The table store itself (its writes are the capture's and the delivery's). */
  table: TableLeadStore;
  targets?: LeadTargets;
  /** Present when built with delivery settings and targets. */
  delivery?: LeadDelivery;
  /** Validate of a draft's lead destination (a test lead through the real target); present with targets and delivery settings. */
  validate?: ValidateDestination;
}

const noHandoff: DeliveryHandoff = { handoff: async () => undefined };

export function buildLeads(deps: LeadsDeps): Leads {
  const table = new TableLeadStore(() => deps.storage.table(LEADS_TABLES.leads), () => deps.clock.now().getTime());
  // Delivery (decisions 0520, 0531): every delivery row is written with its due entry, its offer listed for the sweeper
  // first, and handed to its first attempt or orchestration.
  const wired = deps.delivery && deps.targets ? { settings: deps.delivery, targets: deps.targets } : undefined;
  const index = new TableDeliveryIndex(() => deps.storage.table(LEADS_TABLES.leads), () => deps.storage.table(LEADS_TABLES.due));
  const starter = new LeadDeliveryStarter(deps.faults, deps.log);
  const notices = wired && deps.notifications ? new TableDeadLetterNotices(() => deps.storage.table(LEADS_TABLES.due)) : undefined;
  const offers = cachedLeadOffers(new CatalogLeadOffers(deps.catalog, deps.draft, deps.openSecret), {
    ttlMs: deps.offerCacheTtlMs ?? 0,
    now: () => deps.clock.now().getTime(),
  });
  // New-lead and unhealthy notices (decisions 0534, 0535): rows beside the digest's; the capture path writes none.
  const marks = notices ? new TableNoticeMarks(() => deps.storage.table(LEADS_TABLES.due)) : undefined;
  const unhealthy = marks && deps.notifications ? new NotifyUnhealthy({ marks, outbox: deps.notifications, offers, clock: deps.clock }) : undefined;
  const indexed = wired ? withDeliveryIndex(table, index, notices) : table;
  const watched = unhealthy ? withUnhealthyWatch(indexed, unhealthy, deps.log ?? (() => undefined)) : indexed;
  const store = deps.wrapStore ? deps.wrapStore(watched) : watched;
  const delivery = wired ? leadDelivery({ ...wired, store, offers, index, starter, clock: deps.clock, faults: deps.faults, log: deps.log }) : undefined;
  const handoff = deps.handoff ?? delivery?.first ?? noHandoff;
  const capture = new CaptureLead({
      offers,
      store,
      handoff,
      clock: deps.clock,
      faults: deps.faults,
      random: (n) => randomBytes(n),
      onHandoffError: (error, leadId) =>
        deps.log?.(`Lead ${leadId}: the delivery hand-over failed (the sweeper will start it): ${String(error)}`),
  });
  return {
    capture,
    purchase: new PurchaseLead(capture, (message) => deps.log?.(message)),
    queries: new LeadQueries({ offers, store }),
    offers,
    store,
    table,
    ...(deps.targets ? { targets: deps.targets } : {}),
    ...(delivery
      ? {
          delivery: {
            ...delivery,
            ...(notices && deps.notifications
              ? {
                  digest: new DigestDeadLetters({ notices, outbox: deps.notifications, store, offers, clock: deps.clock, batch: 500 }),
                  ...(marks ? { newLeads: new NotifyNewLeads({ marks, outbox: deps.notifications, store, offers, clock: deps.clock, faults: deps.faults }) } : {}),
                }
              : {}),
            replay: new ReplayLeads({
              store,
              offers,
              handoff,
              clock: deps.clock,
              batches: new TableReplayBatches(() => deps.storage.table(LEADS_TABLES.leads), () => deps.storage.table(LEADS_TABLES.due)),
              random: (n) => randomBytes(n),
              ...(deps.log ? { log: deps.log } : {}),
            }),
          },
        }
      : {}),
    ...(wired
      ? {
          validate: new ValidateDestination({
            offers,
            targets: wired.targets,
            clock: deps.clock,
            random: (n) => randomBytes(n),
            rules: wired.settings.destinations,
            elapsed: () => performance.now(),
          }),
        }
      : {}),
  };
}

function leadDelivery(parts: {
  settings: LeadDeliverySettings;
  targets: LeadTargets;
  store: LeadStore;
  offers: LeadOffers;
  index: TableDeliveryIndex;
  starter: LeadDeliveryStarter;
  clock: Clock;
  faults: Faults;
  log: ((message: string) => void) | undefined;
}): Omit<LeadDelivery, 'replay'> {
  const { settings, store, offers, clock, starter } = parts;
  const resolve = liveDestination(settings.destinations);
  const deliver = new DeliverLead({
    store,
    offers,
    resolve,
    targets: parts.targets,
    clock,
    faults: parts.faults,
    random: Math.random,
    settings: {
      windowMs: windowMs(settings.windowHours),
      timeoutMs: settings.timeoutMs,
      ...(settings.offerConcurrency ? { offerConcurrency: settings.offerConcurrency } : {}),
    },
  });
  const first = new FirstAttempts({
    attempt: (ref, known) => deliver.attempt(ref, known),
    orchestration: starter,
    faults: parts.faults,
    clock,
    log: parts.log ?? (() => undefined),
    settings: {
      concurrency: settings.firstAttempt?.concurrency ?? 0,
      queueMax: settings.firstAttempt?.queueMax ?? 0,
      offerConcurrency: settings.offerConcurrency ?? DEFAULT_OFFER_CONCURRENCY,
      offerQueueMax: Math.max(1, Math.floor((settings.firstAttempt?.queueMax ?? 0) / 4)),
      freshMs: Math.floor(settings.sweepGraceMs / 2),
    },
  });
  return {
    deliver,
    first,
    sweep: new SweepDeliveries({
      store,
      index: parts.index,
      offers,
      resolve,
      start: (ref) => starter.start(ref),
      clock,
      settings: { graceMs: settings.sweepGraceMs, batch: 500 },
    }),
    starter,
  };
}
