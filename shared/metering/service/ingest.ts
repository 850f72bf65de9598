/**
 * Usage ingestion (specs/metering.md 1.1, 1.2, 2.5–2.8, A12): validate an event in the documented precedence,
 * then insert it once. The duplicate decision is the store's insert-only key, never a read (architecture.md,
 * Storage); the answer is sent only after the insert returned ("Accepted means stored").
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock';
import type { Faults } from '../../faults';
import type { AcceptedEvent, EventField, MeteredResource, StoredUsage, UsageCaller, UsageEventInput, UsageStatus } from '../model';
import type { PlanDimensions, ResourceDirectory, UsageStore } from '../ports';
import { callerOf, mayReport } from '../rules/caller';
import { checkQuantity, MAX_QUANTITY } from '../rules/limits';
import { billableDimension, isActiveFor, planAt, startedBy, usageStart } from '../rules/resource';
import { checkWindow, dayKey, hourKey, messageTime } from '../rules/time';

export type RejectionStatus = Exclude<UsageStatus, 'Accepted' | 'Duplicate' | 'Error'>;

export type Outcome =
  | { status: 'Accepted'; event: AcceptedEvent }
  | { status: 'Duplicate'; accepted: AcceptedEvent }
  | { status: 'Error'; message: string }
  | { status: RejectionStatus; target: EventField; message: string };

export interface IngestionOptions {
  /** See rules/resource.ts `ActivityOptions` (A7). */
  acceptBeforeCancellation: boolean;
  /** Tolerance for effective times in the future (A4); 0 keeps tests deterministic. */
  futureSkewMs: number;
}

export const defaultIngestionOptions: IngestionOptions = { acceptBeforeCancellation: true, futureSkewMs: 0 };

export interface IngestionDeps {
  resources: ResourceDirectory;
  plans: PlanDimensions;
  usage: UsageStore;
  clock: Clock;
  faults: Faults;
  newId?: () => string;
  options?: Partial<IngestionOptions>;
}

/** Crash point: the event is stored, the answer not yet sent (a retry must get 409 with this event). */
export const AFTER_INSERT_POINT = 'after-usage-insert-before-response';

/** The API fields of a stored event. */
export function acceptedView(row: StoredUsage): AcceptedEvent {
  return {
    usageEventId: row.usageEventId,
    messageTime: row.messageTime,
    ...(row.resourceId !== undefined ? { resourceId: row.resourceId } : {}),
    ...(row.resourceUri !== undefined ? { resourceUri: row.resourceUri } : {}),
    quantity: row.quantity,
    dimension: row.dimension,
    effectiveStartTime: row.effectiveStartTime,
    planId: row.planId,
  };
}

/** The dedup bucket (A1, A2): resource, dimension and UTC date + hour of the effective time. */
export function bucketOf(row: Pick<StoredUsage, 'resourceKey' | 'dimension' | 'effectiveAt'>): string {
  const at = new Date(row.effectiveAt);
  return `${row.resourceKey}|${row.dimension}|${dayKey(at)}${hourKey(at)}`;
}

type Evaluation = { kind: 'row'; row: StoredUsage } | { kind: 'rejected'; outcome: Extract<Outcome, { target: EventField }> };

export class UsageIngestion {
  readonly #deps: IngestionDeps;
  readonly #options: IngestionOptions;
  readonly #newId: () => string;

  constructor(deps: IngestionDeps) {
    this.#deps = deps;
    this.#options = { ...defaultIngestionOptions, ...deps.options };
    this.#newId = deps.newId ?? randomUUID;
  }

  /** `caller`: a publisher id, or who reports (a managed identity may report its own managed app only, T88, T94). */
  async submit(caller: UsageCaller | string, input: UsageEventInput): Promise<Outcome> {
    const now = this.#deps.clock.now();
    const evaluation = await this.#evaluate(callerOf(caller), input, now);
    if (evaluation.kind === 'rejected') return evaluation.outcome;
    const result = await this.#deps.usage.insert(evaluation.row);
    if (result.kind === 'error') throw result.error;
    if (result.kind === 'duplicate') return { status: 'Duplicate', accepted: acceptedView(result.existing) };
    await this.#deps.faults.reach(AFTER_INSERT_POINT);
    return { status: 'Accepted', event: acceptedView(evaluation.row) };
  }

  /**
   * A batch: every item is judged on its own; items with the same bucket are processed in order, so the first
   * valid one is inserted and later ones are Duplicates of whatever holds the bucket (T73).
   */
  async submitBatch(caller: UsageCaller | string, inputs: readonly UsageEventInput[]): Promise<Outcome[]> {
    const now = this.#deps.clock.now();
    const who = callerOf(caller);
    const evaluations = await Promise.all(inputs.map((input) => this.#evaluate(who, input, now)));
    const leaders = new Map<string, number>();
    const toInsert: StoredUsage[] = [];
    const leaderOf: (number | undefined)[] = evaluations.map((e, i) => {
      if (e.kind !== 'row') return undefined;
      const bucket = bucketOf(e.row);
      const leader = leaders.get(bucket);
      if (leader !== undefined) return leader;
      leaders.set(bucket, i);
      toInsert.push(e.row);
      return i;
    });
    const results = await this.#deps.usage.insertMany(toInsert);
    const resultOf = new Map<number, (typeof results)[number]>();
    let next = 0;
    evaluations.forEach((e, i) => {
      if (e.kind === 'row' && leaderOf[i] === i) resultOf.set(i, results[next++] ?? { kind: 'error', error: new Error('no result') });
    });
    if (results.some((r) => r.kind === 'inserted')) await this.#deps.faults.reach(AFTER_INSERT_POINT);
    return evaluations.map((e, i): Outcome => {
      if (e.kind === 'rejected') return e.outcome;
      const leader = leaderOf[i] as number;
      const leaderRow = (evaluations[leader] as Extract<Evaluation, { kind: 'row' }>).row;
      const result = resultOf.get(leader);
      if (!result || result.kind === 'error') return { status: 'Error', message: 'The usage event could not be recorded; retry it.' };
      const holder = result.kind === 'inserted' ? leaderRow : result.existing;
      if (leader === i && result.kind === 'inserted') return { status: 'Accepted', event: acceptedView(leaderRow) };
      return { status: 'Duplicate', accepted: acceptedView(holder) };
    });
  }

  /** The checks of A12 steps 5–10, in that order; the duplicate check (11) is the insert. */
  async #evaluate(caller: UsageCaller, input: UsageEventInput, now: Date): Promise<Evaluation> {
    const reject = (status: RejectionStatus, target: EventField, message: string): Evaluation => ({
      kind: 'rejected',
      outcome: { status, target, message },
    });
    const resourceField: EventField = input.resource.kind === 'resourceId' ? 'ResourceId' : 'ResourceUri';
    const resource = await this.#deps.resources.lookup(input.resource);
    if (!resource) return reject('ResourceNotFound', resourceField, 'The usage resource provided is invalid.');
    if (!mayReport(caller, resource)) {
      return reject('ResourceNotAuthorized', resourceField, 'You are not authorized to provide usage for this resource.');
    }
    const at = input.effectiveAt;
    if (!isActiveFor(resource, at, this.#options)) {
      return reject('ResourceNotActive', resourceField, notActiveMessage(resource, at));
    }
    const plan = planAt(resource, at);
    if (!plan || plan.planId !== input.planId) {
      return reject('BadArgument', 'PlanId', `The planId '${input.planId}' is not the plan of the resource at the effectiveStartTime.`);
    }
    const terms = await this.#deps.plans.terms(resource.publisherId, resource.offerId, plan.planId, plan.offerVersion);
    if (!terms) return reject('BadArgument', 'PlanId', `The plan '${input.planId}' was not found in the offer.`);
    if (!billableDimension(terms.dimensions, input.dimension, resource.term?.termUnit)) {
      return reject('InvalidDimension', 'Dimension', `The dimension '${input.dimension}' is invalid for this offer/plan.`);
    }
    const quantity = checkQuantity(input.quantity);
    if (quantity !== 'ok') return reject('InvalidQuantity', 'Quantity', QUANTITY_MESSAGES[quantity]);
    const window = checkWindow(at, now, this.#options.futureSkewMs);
    if (window === 'expired') {
      return reject('Expired', 'EffectiveStartTime', 'effectiveStartTime is more than 24 hours in the past. Event has expired.');
    }
    if (window === 'future') return reject('BadArgument', 'EffectiveStartTime', 'The effectiveStartTime must not be in the future.');
    return {
      kind: 'row',
      row: {
        usageEventId: this.#newId(),
        messageTime: messageTime(now),
        ...(input.resource.kind === 'resourceId' ? { resourceId: input.resource.resourceId } : { resourceUri: input.resource.resourceUri }),
        quantity: input.quantity,
        dimension: input.dimension,
        effectiveStartTime: input.effectiveStartTime,
        planId: input.planId,
        publisherId: resource.publisherId,
        resourceKey: resource.resourceKey,
        offerId: resource.offerId,
        ...(plan.offerVersion !== undefined ? { offerVersion: plan.offerVersion } : {}),
        effectiveAt: at.toISOString(),
        resourceKind: resource.kind,
        ...(resource.azureSubscriptionId ? { azureSubscriptionId: resource.azureSubscriptionId } : {}),
      },
    };
  }
}

const QUANTITY_MESSAGES = {
  notPositive: 'The quantity must be greater than 0.',
  notFinite: 'The quantity must be a finite number.',
  tooLarge: `The quantity must be at most ${MAX_QUANTITY} for one hour.`,
} as const;

function notActiveMessage(resource: MeteredResource, at: Date): string {
  if (!startedBy(resource, at)) {
    const start = usageStart(resource);
    return start
      ? `The effectiveStartTime is before the subscription started; usage is accepted from ${start.toISOString()}.`
      : 'The resource was never activated.';
  }
  if (resource.status === 'Unsubscribed') return 'The SaaS subscription was canceled before the effectiveStartTime.';
  return `The resource is suspended or was never activated (status ${resource.status}); SaaS subscription is not in Subscribed status.`;
}
