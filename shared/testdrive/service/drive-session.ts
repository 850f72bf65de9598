/**
 * A drive's own lifecycle (spec 3.3), one step at a time for its orchestration (functions/testdrive-session.ts) and
 * the customer's reads: while it waits for its instance, the instance is moved on (polled again after the poll
 * interval); once Active, it waits until its expiry (in timers of at most 6 days, G24) and is then ended and its
 * instance deleted. The customer may end it early. Ending is one conditional transaction: whoever comes second
 * (the timer, the customer, the cleanup) finds it Ended and does nothing.
 */
import type { Clock } from '../../clock';
import { NotFoundError } from '../../errors';
import type { Customer, Drive } from '../model';
import type { Stored, TestDriveOffers, TestDriveStore } from '../ports';
import { parseDriveId } from '../rules/ids';
import { isExpired, nextTimer } from '../rules/lifetime';
import { customerKeyOf, type InstanceLifecycle } from './lifecycle';

export type SessionStep = { kind: 'wait'; until: string } | { kind: 'done' };

export interface SessionDeps {
  store: TestDriveStore;
  offers: TestDriveOffers;
  lifecycle: InstanceLifecycle;
  clock: Clock;
  /** How long a waiting drive waits before asking the provider again. */
  pollMs: number;
}

export class DriveSession {
  readonly #deps: SessionDeps;

  constructor(deps: SessionDeps) {
    this.#deps = deps;
  }

  async #drive(driveId: string): Promise<Stored<Drive> | undefined> {
    const pool = parseDriveId(driveId);
    return pool ? this.#deps.store.getDrive(pool, driveId) : undefined;
  }

  /** Moves a waiting drive's instance on; the drive as it now stands. */
  async advance(stored: Stored<Drive>): Promise<Stored<Drive>> {
    const d = stored.value;
    if (d.state !== 'Provisioning' && d.state !== 'Starting') return stored;
    const instance = await this.#deps.store.getInstance(d, d.instanceId);
    if (instance) await this.#deps.lifecycle.progress(instance, await this.#deps.offers.configAt(d.publisherId, d.offerId, d.version));
    return (await this.#deps.store.getDrive(d, d.driveId)) ?? stored;
  }

  /** One step of the orchestration: what to wait for next, or done once the drive has ended. */
  async step(driveId: string): Promise<SessionStep> {
    const found = await this.#drive(driveId);
    if (!found) return { kind: 'done' };
    const now = this.#deps.clock.now();
    const stored = await this.advance(found);
    const d = stored.value;
    if (d.state === 'Ended') return { kind: 'done' };
    if (d.state !== 'Active' || !d.expiresAt) return { kind: 'wait', until: new Date(now.getTime() + this.#deps.pollMs).toISOString() };
    if (!isExpired(d.expiresAt, now)) return { kind: 'wait', until: nextTimer(now, new Date(d.expiresAt)).toISOString() };
    await this.#deps.lifecycle.endDrive(stored, 'expired', customerKeyOf(d));
    return { kind: 'done' };
  }

  /** The customer ends their drive (G18); ending an ended drive changes nothing. Others' drives are not found. */
  async end(customer: Customer, driveId: string): Promise<Drive> {
    const stored = await this.read(customer, driveId);
    if (stored.value.state !== 'Ended') await this.#deps.lifecycle.endDrive(stored, 'user', customerKeyOf(stored.value));
    return ((await this.#drive(driveId)) ?? stored).value;
  }

  /** The customer's drive, moved on if it is waiting; 404 for anyone else's (its existence is not disclosed). */
  async read(customer: Customer, driveId: string): Promise<Stored<Drive>> {
    const stored = await this.#drive(driveId);
    if (!stored || stored.value.customer.tenantId !== customer.tenantId || stored.value.customer.objectId !== customer.objectId) {
      throw new NotFoundError(`No test drive ${driveId} of yours exists.`, 'TestDriveNotFound');
    }
    return this.advance(stored);
  }
}
