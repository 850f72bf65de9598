/**
 * Deal registration with customer consent (the Dynamics flavour, B1.2; DEC-L2–DEC-L5; decision 0806): the publisher
 * registers a deal for a customer tenant, invites the tenant to consent (once per publisher and tenant), and after
 * the consent of a Global or Billing administrator sets the number of licenses per plan. The deal row and the pool
 * row (its `dealSeats`, If-Match) change in one transaction; several deals of one tenant and plan add up (DEC-L4);
 * removing the last line leaves the pool Inactive with its assignments kept (DEC-L5).
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import type { Consent, Deal, LicenseCaller, LicensePool, Stored } from '../model';
import type { LicensePlans, LicenseStore, LicenseWrite, SeatSources } from '../ports';
import { isGuid, serviceIdOf, skuIdOf } from '../rules/sku';
import { poolStatus, snapshotWrite, type PoolStatus } from './pool-status';

/** Who may consent for the tenant ([002:129]: the billing admin or the global admin). */
const CONSENTING_ROLES = ['globaladministrator', 'billingadministrator'];

export interface DealsDeps {
  store: LicenseStore;
  sources: SeatSources;
  plans: LicensePlans;
  now: () => Date;
  consentUrl: (invitationId: string) => string;
  newId?: () => string;
}

export class Deals {
  constructor(private readonly deps: DealsDeps) {}

  async register(
    caller: LicenseCaller,
    body: { offerId: string; customerTenantId: string; customerName: string },
  ): Promise<{ deal: Deal; relationship: Consent['state'] }> {
    if (caller.kind !== 'publisher') throw new ForbiddenError("Deals are registered by the offer's publisher.");
    if (!isGuid(body.customerTenantId))
      throw new ValidationError('customerTenantId must be a tenant id (GUID).', [
        { path: '$.customerTenantId', message: 'must be a GUID' },
      ]);
    const tenantId = body.customerTenantId.toLowerCase();
    const deal: Deal = {
      dealId: (this.deps.newId ?? randomUUID)(),
      publisherId: caller.publisherId,
      offerId: body.offerId,
      tenantId,
      customerName: body.customerName,
      status: 'InProgress',
      lines: [],
      createdAt: this.deps.now().toISOString(),
    };
    await this.deps.store.putIndex('deal', deal.dealId, { tenantId });
    if ((await this.deps.store.commit(tenantId, [{ kind: 'deal', value: deal }])) !== 'ok')
      throw new ConflictError('The deal id is taken; retry.', 'DealConflict');
    return { deal, relationship: (await this.deps.store.getConsent(tenantId, caller.publisherId))?.value.state ?? 'None' };
  }

  async invite(
    caller: LicenseCaller,
    dealId: string,
  ): Promise<{ invitationId: string; consentUrl: string; relationship: Consent['state'] }> {
    const deal = await this.#deal(caller, dealId);
    const current = await this.deps.store.getConsent(deal.value.tenantId, deal.value.publisherId);
    if (current?.value.state === 'Accepted')
      throw new ConflictError('The customer has already consented to this publisher.', 'ConsentAlreadyGiven');
    const invitationId = (this.deps.newId ?? randomUUID)();
    await this.deps.store.putIndex('invitation', invitationId, { tenantId: deal.value.tenantId, publisherId: deal.value.publisherId });
    const consent: Consent = { publisherId: deal.value.publisherId, tenantId: deal.value.tenantId, state: 'Invited', invitationId };
    if (
      (await this.deps.store.commit(deal.value.tenantId, [
        { kind: 'consent', value: consent, ...(current ? { etag: current.etag } : {}) },
      ])) !== 'ok'
    ) {
      throw new ConflictError('The relationship changed meanwhile; retry.', 'ConsentConflict');
    }
    return { invitationId, consentUrl: this.deps.consentUrl(invitationId), relationship: 'Invited' };
  }

  async accept(caller: LicenseCaller, invitationId: string): Promise<Consent> {
    const target = await this.deps.store.getIndex('invitation', invitationId);
    if (!target?.publisherId) throw new NotFoundError(`Invitation ${invitationId} was not found.`, 'InvitationNotFound');
    if (caller.kind !== 'customer' || caller.tenantId.toLowerCase() !== target.tenantId) {
      throw new ForbiddenError('The invitation is accepted by an administrator of the invited tenant.');
    }
    if (!caller.roles.some((r) => CONSENTING_ROLES.includes(r.replace(/\s+/g, '').toLowerCase()))) {
      throw new ForbiddenError("Only the tenant's Global or Billing administrator can consent [002:129].");
    }
    const current = await this.deps.store.getConsent(target.tenantId, target.publisherId);
    if (!current || current.value.invitationId !== invitationId)
      throw new NotFoundError(`Invitation ${invitationId} was not found.`, 'InvitationNotFound');
    if (current.value.state === 'Accepted') throw new ConflictError('The invitation was already accepted.', 'ConsentAlreadyGiven');
    const consent: Consent = { ...current.value, state: 'Accepted', acceptedBy: caller.userId, acceptedAt: this.deps.now().toISOString() };
    if ((await this.deps.store.commit(target.tenantId, [{ kind: 'consent', value: consent, etag: current.etag }])) !== 'ok') {
      throw new ConflictError('The relationship changed meanwhile; retry.', 'ConsentConflict');
    }
    return consent;
  }

  /** Sets (quantity ≥ 1) or removes (undefined) the licenses of one plan on the deal. */
  async setLine(
    caller: LicenseCaller,
    dealId: string,
    planId: string,
    quantity: number | undefined,
  ): Promise<{ deal: Deal; pool: LicensePool; status: PoolStatus }> {
    if (quantity !== undefined && (!Number.isInteger(quantity) || quantity < 1)) {
      throw new ValidationError(
        'quantity must be a whole number of at least 1; remove the line to remove the licenses.',
        [{ path: '$.quantity', message: 'must be an integer ≥ 1' }],
        'InvalidQuantity',
      );
    }
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const deal = await this.#deal(caller, dealId);
      const { tenantId, publisherId, offerId } = deal.value;
      const plan = await this.deps.plans.plan(publisherId, offerId, planId);
      if (!plan?.licenseManaged)
        throw new ValidationError(
          `Plan ${planId} is not a license-managed plan of offer ${offerId}.`,
          [{ path: 'planId', message: "not a plan of the deal's offer" }],
          'PlanNotInOffer',
        );
      if ((await this.deps.store.getConsent(tenantId, publisherId))?.value.state !== 'Accepted') {
        throw new ConflictError(
          'The customer has not consented to this publisher yet: send the invitation and wait for it to be accepted.',
          'CustomerConsentRequired',
        );
      }
      const before = deal.value.lines.find((l) => l.planId === planId)?.quantity ?? 0;
      if (quantity === undefined && before === 0)
        throw new NotFoundError(`The deal has no licenses of plan ${planId}.`, 'DealLineNotFound');
      const lines = deal.value.lines.filter((l) => l.planId !== planId).concat(quantity === undefined ? [] : [{ planId, quantity }]);
      const serviceId = serviceIdOf(publisherId, offerId, planId);
      const existing = await this.deps.store.getPool(tenantId, skuIdOf(serviceId));
      const pool = this.#pool(
        existing,
        tenantId,
        { publisherId, offerId, planId, serviceId, skuId: skuIdOf(serviceId) },
        deal.value.customerName,
      );
      pool.dealSeats += (quantity ?? 0) - before;
      const status = await poolStatus(pool, this.deps.sources);
      const next: Deal = { ...deal.value, lines };
      const writes: LicenseWrite[] = [
        { kind: 'deal', value: next, etag: deal.etag },
        { kind: 'pool', value: pool, ...(existing ? { etag: existing.etag } : {}) },
        snapshotWrite(pool, status, this.deps.now()),
      ];
      if ((await this.deps.store.commit(tenantId, writes)) === 'ok') return { deal: next, pool, status };
    }
    throw new ConflictError('The deal or the pool changed too often; retry.', 'DealConflict');
  }

  #pool(
    existing: Stored<LicensePool> | undefined,
    tenantId: string,
    ref: Pick<LicensePool, 'publisherId' | 'offerId' | 'planId' | 'serviceId' | 'skuId'>,
    customerName: string,
  ): LicensePool {
    if (existing) return { ...existing.value };
    return {
      ...ref,
      tenantId,
      subscriptionIds: [],
      dealSeats: 0,
      assigned: 0,
      reserved: 0,
      epoch: 0,
      firstActivatedAt: this.deps.now().toISOString(),
      customerName,
    };
  }

  async #deal(caller: LicenseCaller, dealId: string): Promise<Stored<Deal>> {
    const where = await this.deps.store.getIndex('deal', dealId);
    const deal = where ? await this.deps.store.getDeal(where.tenantId, dealId) : undefined;
    const mine = deal && (caller.kind === 'operator' || (caller.kind === 'publisher' && caller.publisherId === deal.value.publisherId));
    if (!deal || !mine) throw new NotFoundError(`Deal ${dealId} was not found.`, 'DealNotFound');
    return deal;
  }
}
