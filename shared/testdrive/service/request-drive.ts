/**
 * A customer asks for a test drive (spec 2.3–2.4), in this order: the offer's live version has a valid, enabled
 * test drive (404 / 409 `TestDriveNotAvailable`); a customer who already holds a drive of the offer gets it back
 * (a retried request, G16); otherwise the drive is committed together with its instance: a ready hot instance
 * (Active at once), else a ready warm one (started), else an unbound provision still under way (adopted), else a
 * fresh cold deploy in a region with a free capacity slot, else 409 `TestDriveCapacityExhausted` (no lead, G6).
 * Each candidate is claimed by one conditional transaction; a lost race moves on. After the commit: the provider
 * is asked to start or deploy, the lead is captured (keyed by the drive id) and the drive's orchestration started;
 * all three are repeated by the cleanup if a crash interrupts them.
 */
import type { Clock } from '../../clock';
import { ConflictError, NotFoundError } from '../../errors';
import type { Faults } from '../../faults';
import type { Customer, Drive, Instance, OfferTestDrive, Tier, UserDetails } from '../model';
import type { DriveLeads, SessionStarter, Stored, TestDriveOffers, TestDriveStore } from '../ports';
import { capacityPerRegion } from '../rules/config';
import { driveIdOf, readyKeyOf, resourceGroupOf } from '../rules/ids';
import { expiresAt } from '../rules/lifetime';
import { candidates, freeSlots, readyRanges } from '../rules/selection';
import { customerKeyOf, type InstanceLifecycle } from './lifecycle';
import { ReadyList } from './ready-list';

/** Interleaving point: the candidates are read, the claim not written yet (a read-then-write design breaks here). */
export const FAULT_BEFORE_CLAIM = 'testdrive.acquire.before-claim';
/** Crash point: the drive is committed; the lead, the provider call and the orchestration start are not done yet. */
export const FAULT_AFTER_CLAIM = 'testdrive.acquire.after-claim';

export interface DriveRequest {
  publisherId: string;
  offerId: string;
  preferredRegion?: string;
  storefront: 'AzureMarketplace' | 'AppSource';
  userDetails: UserDetails;
  consentAt: string;
}

export interface RequestDeps {
  offers: TestDriveOffers;
  store: TestDriveStore;
  lifecycle: InstanceLifecycle;
  leads: DriveLeads;
  starter: SessionStarter;
  clock: Clock;
  faults: Faults;
  /** A new unique id (ULID) for drives and instances. */
  newId: () => string;
  /** Fresh credentials and session id of a new instance. */
  credentials: () => { username: string; password: string; sessionId: string };
  log: (message: string) => void;
  /** Asks the pool manager to replace what a claim took (in the background; the cleanup does it anyway). */
  refill?: (pool: { publisherId: string; offerId: string }) => void;
}

export function availableTestDrive(offer: OfferTestDrive, publisherId: string, offerId: string): Extract<OfferTestDrive, { state: 'enabled' }> {
  if (offer.state === 'not-found') throw new NotFoundError(`The offer ${publisherId}.${offerId} does not exist.`, 'OfferNotFound');
  if (offer.state !== 'enabled') {
    const why = offer.state === 'invalid' ? 'its test drive configuration is not valid' : offer.state === 'disabled' ? 'its test drive is not enabled' : 'it is not live';
    throw new ConflictError(`The offer ${publisherId}.${offerId} has no test drive available: ${why}.`, 'TestDriveNotAvailable');
  }
  return offer;
}

/** How many ready index rows one read takes (a host hands them to its concurrent requests). */
export const READY_PAGE = 100;

export class RequestDrive {
  readonly #deps: RequestDeps;
  readonly #ready = new ReadyList();

  constructor(deps: RequestDeps) {
    this.#deps = deps;
  }

  /** The committed drive, and whether this request created it (false: the customer's existing drive). */
  async request(customer: Customer, input: DriveRequest): Promise<{ drive: Drive; created: boolean }> {
    const { store, clock, faults } = this.#deps;
    const offer = availableTestDrive(await this.#deps.offers.live(input.publisherId, input.offerId), input.publisherId, input.offerId);
    const pool = { publisherId: offer.publisherId, offerId: offer.offerId };
    await store.registerPool(pool);
    // A customer who already holds a drive loses every claim on the customer row (insert-only) and gets it back.
    const customerKey = customerKeyOf({ customer });

    const { config, version } = offer;
    const now = clock.now();
    const driveId = driveIdOf(pool.publisherId, pool.offerId, this.#deps.newId());
    const drive = (instance: Instance, tier: Tier): Drive => ({
      driveId,
      ...pool,
      version,
      customer,
      userDetails: input.userDetails,
      storefront: input.storefront,
      consentAt: input.consentAt,
      region: instance.region,
      instanceId: instance.instanceId,
      tier,
      state: tier === 'hot' ? 'Active' : tier === 'warm' ? 'Starting' : 'Provisioning',
      durationHours: config.durationHours,
      requestedAt: now.toISOString(),
      ...(tier === 'hot' ? { activeAt: now.toISOString(), expiresAt: expiresAt(now, config.durationHours).toISOString() } : {}),
    });
    const claimed = (stored: Stored<Instance>, tier: Tier): Instance => ({
      ...stored.value,
      driveId,
      ...(tier === 'hot' ? { state: 'InUse' as const, stateAt: now.toISOString() } : {}),
      ...(tier === 'warm' ? { state: 'Starting' as const, stateAt: now.toISOString() } : {}),
    });
    const spread = parseInt(driveId.slice(-6), 36);
    const preferred = input.preferredRegion ? { preferred: input.preferredRegion } : {};

    // The fast path (decision 0706): the ready index, a few small rows read once per host for many requests.
    const reloaded = new Set<string>();
    for (const { tier, prefix } of readyRanges({ version, regions: config.regions, ...preferred })) {
      const range = `${pool.publisherId}.${pool.offerId}|${prefix}`;
      for (;;) {
        const id = await this.#ready.take(range, (held) => store.readyIds(pool, prefix, READY_PAGE + held), spread, reloaded);
        if (id === undefined) break;
        let keep = false;
        try {
          const stored = await store.getInstance(pool, id);
          // The index row is a hint; the instance itself must still be ready, unbound and of this version.
          if (!stored || readyKeyOf(stored.value) !== `${prefix}${id}`) continue;
          const next = claimed(stored, tier);
          await faults.reach(FAULT_BEFORE_CLAIM);
          const outcome = await store.claim(next, stored.etag, drive(next, tier), customerKey, `${prefix}${id}`);
          if (outcome === 'lost') continue;
          if ('claimed' in outcome) return await this.#accepted({ value: drive(next, tier), etag: outcome.claimed }, { value: { ...next, standbySlot: '' }, etag: '' });
          keep = true;
          return await this.#existing(pool, outcome.existing);
        } finally {
          this.#ready.settle(range, id, keep);
        }
      }
    }

    // The slow path: nothing ready in the index; the pool's instances: provisions to adopt (and ready instances the
    // index does not hold yet, until the pool manager repairs it), then free capacity for a cold deploy.
    const [instances, readyKeys] = await Promise.all([store.instances(pool), store.readyKeys(pool)]);
    const indexed = new Set(readyKeys);
    const byId = new Map(instances.map((s) => [s.value.instanceId, s]));
    const unindexed = instances.map((s) => s.value).filter((i) => !indexed.has(readyKeyOf(i) ?? ''));
    for (const candidate of candidates(unindexed, { version, regions: config.regions, ...preferred, spread })) {
      const stored = byId.get(candidate.instanceId) as Stored<Instance>;
      const next = claimed(stored, candidate.tier);
      await faults.reach(FAULT_BEFORE_CLAIM);
      const outcome = await store.claim(next, stored.etag, drive(next, candidate.tier), customerKey);
      if (outcome === 'lost') continue;
      if ('claimed' in outcome) return this.#accepted({ value: drive(next, candidate.tier), etag: outcome.claimed }, { value: { ...next, standbySlot: '' }, etag: '' });
      return this.#existing(pool, outcome.existing);
    }
    let taken = new Set(instances.filter((s) => s.value.state !== 'Deleted').map((s) => s.value.capacitySlot));
    // A lost slot means the read is stale: the held slots are read again (a few small rows), not walked one by one.
    for (let attempt = 0; attempt < 2 * capacityPerRegion(config) * config.regions.length; attempt += 1) {
      const [free] = freeSlots(taken, { regions: config.regions, ...preferred, capacity: capacityPerRegion(config) });
      if (!free) break;
      const instanceId = this.#deps.newId();
      const cold: Instance = {
        instanceId,
        ...pool,
        version,
        region: free.region,
        purpose: 'cold',
        state: 'Provisioning',
        driveId,
        capacitySlot: free.slot,
        standbySlot: '',
        resourceGroup: resourceGroupOf(pool.offerId, instanceId),
        ...(config.azureSubscriptionId ? { subscriptionId: config.azureSubscriptionId } : {}),
        createdAt: now.toISOString(),
        stateAt: now.toISOString(),
        attempts: 0,
        ...this.#deps.credentials(),
      };
      await faults.reach(FAULT_BEFORE_CLAIM);
      const outcome = await store.claim(cold, undefined, drive(cold, 'cold'), customerKey);
      if (outcome === 'lost') {
        taken = new Set([...(await store.capacitySlots(pool)), free.slot]);
        continue;
      }
      if ('claimed' in outcome) return this.#accepted({ value: drive(cold, 'cold'), etag: outcome.claimed }, { value: cold, etag: '' });
      return this.#existing(pool, outcome.existing);
    }
    const held = await store.activeDriveOf(pool, customerKey);
    if (held) return this.#existing(pool, held);
    throw new ConflictError(
      `Every test drive instance of ${pool.publisherId}.${pool.offerId} is in use (${capacityPerRegion(config)} per region in ${config.regions.join(', ')}); try again later.`,
      'TestDriveCapacityExhausted',
    );
  }

  async #existing(pool: { publisherId: string; offerId: string }, driveId: string): Promise<{ drive: Drive; created: boolean }> {
    const stored = await this.#deps.store.getDrive(pool, driveId);
    if (!stored) throw new Error(`The active drive ${driveId} of a customer has no drive row.`);
    await this.ensureLead(stored);
    return { drive: (await this.#deps.store.getDrive(pool, driveId))?.value ?? stored.value, created: false };
  }

  async #accepted(stored: Stored<Drive>, instance: Stored<Instance>): Promise<{ drive: Drive; created: boolean }> {
    const { store, faults, log } = this.#deps;
    const drive = stored.value;
    await faults.reach(FAULT_AFTER_CLAIM);
    // The provider is asked right away (a warm start, a cold deploy); the orchestration, GET and the cleanup poll it.
    let current = stored;
    if (drive.tier !== 'hot') {
      try {
        const fresh = (await store.getInstance(drive, instance.value.instanceId)) ?? instance;
        await this.#deps.lifecycle.progress(fresh, await this.#deps.offers.configAt(drive.publisherId, drive.offerId, drive.version));
        current = (await store.getDrive(drive, drive.driveId)) ?? stored;
      } catch (error) {
        log(`test drive ${drive.driveId}: the first provider call failed (retried by its orchestration): ${String(error)}`);
      }
    }
    const leadId = await this.ensureLead(current);
    this.#deps.refill?.({ publisherId: drive.publisherId, offerId: drive.offerId });
    try {
      await this.#deps.starter.start(drive.driveId);
    } catch (error) {
      log(`test drive ${drive.driveId}: orchestration not started (the cleanup ends it at expiry): ${String(error)}`);
    }
    return { drive: { ...current.value, ...(leadId ? { leadId } : {}) }, created: true };
  }

  /** Captures the drive's one lead if it has none yet (idempotent: the lead is keyed by the drive id); its id once stored. */
  async ensureLead(stored: Stored<Drive>): Promise<string | undefined> {
    const drive = stored.value;
    if (drive.leadId) return drive.leadId;
    try {
      const description = `Test drive ${drive.driveId} started (tier=${drive.tier}, region=${drive.region})`;
      const leadId = await this.#deps.leads.capture(drive, { userDetails: drive.userDetails, description });
      return (await this.#deps.store.updateDrive({ ...drive, leadId }, stored.etag)) ? leadId : undefined;
    } catch (error) {
      this.#deps.log(`test drive ${drive.driveId}: lead not captured yet (the cleanup tries again): ${String(error)}`);
      return undefined;
    }
  }
}
