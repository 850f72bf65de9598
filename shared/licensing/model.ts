/**
 * License management (specs/saas-licensing.md part B; issue 15): a license pool per (customer tenant, plan), its
 * seats coming from SaaS subscriptions (the Teams flavour) and from deal lines (the Dynamics flavour), and the
 * assignments of its seats to the tenant's users. Seats are counted on the pool row itself, which every
 * assignment change updates with If-Match in the same transaction as the assignment row (decision 0801).
 */

/** A plan's identity in license management: the Service ID the app checks and the SKU GUID the API uses. */
export interface LicensePlanRef {
  publisherId: string;
  offerId: string;
  planId: string;
  serviceId: string;
  skuId: string;
}

/** The pool of one (tenant, plan): where its seats come from and how many are taken. */
export interface LicensePool extends LicensePlanRef {
  tenantId: string;
  /** SaaS subscriptions whose quantity provides seats (linked once, decision 0800). */
  subscriptionIds: string[];
  /** Seats from registered deal lines (sum of the lines). */
  dealSeats: number;
  /** Users holding a seat (Active, PendingRemoval, FailedRemoval). */
  assigned: number;
  /** Seats held for queued or failed assignments (PendingAssign, FailedAssign). */
  reserved: number;
  /** Bumped when every source was released (all subscriptions Unsubscribed): older assignments grant nothing. */
  epoch: number;
  firstActivatedAt: string;
  /** For the report's customer columns: given when the pool is linked (decision 0805). */
  customerName?: string;
  countryCode?: string;
}

/** A pool's seats as of one moment, kept per month (the last one of a month is that month's value, DEC-L18). */
export interface PoolSnapshot {
  tenantId: string;
  skuId: string;
  publisherId: string;
  month: string;
  provisioned: number;
  assigned: number;
  state: PoolState;
  at: string;
}

export type AssignmentState = 'PendingAssign' | 'Active' | 'PendingRemoval' | 'FailedAssign' | 'FailedRemoval';

export interface LicenseAssignment {
  tenantId: string;
  skuId: string;
  userId: string;
  state: AssignmentState;
  /** The pool epoch the assignment belongs to; an assignment of an older epoch is void. */
  epoch: number;
  updatedAt: string;
  batchId?: string;
  lastError?: string;
}

/** What a seat source reports (the subscription's state, read through a port at the time of the decision). */
export interface SeatSubscription {
  id: string;
  status: 'PendingFulfillmentStart' | 'Subscribed' | 'Suspended' | 'Unsubscribed';
  quantity?: number;
}

/** A row read with its ETag. */
export interface Stored<T> {
  value: T;
  etag: string;
}

export type PoolState = 'Active' | 'Suspended' | 'Inactive' | 'Unsubscribed' | 'Pending';

export interface LicenseWarning {
  code: string;
  message: string;
  servicePlans: string[];
}

/** Who calls, as license management needs to know it (the trigger maps the authenticated principal). */
export type LicenseCaller =
  | { kind: 'publisher'; publisherId: string }
  | { kind: 'customer'; tenantId: string; userId: string; roles: string[] }
  | { kind: 'operator' };

/**
 * A bulk (multi-user or group) request (DEC-L10, decision 0804): its header row; the users are kept in chunk rows of
 * at most BATCH_CHUNK users, and each user's progress in their assignment row (`batchId`).
 */
export interface LicenseBatch {
  batchId: string;
  tenantId: string;
  skuId: string;
  serviceId: string;
  kind: 'assign' | 'unassign';
  /** Users the batch acts on (those already holding the license, or holding none for a removal, are not in it). */
  total: number;
  chunks: number;
  /** Bumped by each retry: the orchestration instance of a generation is `licensing-bulk-<batchId>-g<n>`. */
  generation: number;
  createdAt: string;
  groupId?: string;
  /** Users skipped: already licensed (assign) or holding no license (unassign, LicenseNotAssigned). */
  skipped: string[];
  /**
   * Chunk rows holding the skipped users, numbered after the users' chunks (`chunks` … `chunks + skippedChunks - 1`):
   * the stored header keeps `skipped` empty, since 20,000 ids do not fit in one row. Absent on older headers.
   */
  skippedChunks?: number;
}

/** A tenant's group of users (the stand-in for an Entra group or a Team). */
export interface LicenseGroup {
  tenantId: string;
  groupId: string;
  members: string[];
}

/** A registered deal (the Dynamics flavour, B1.2): the ISV sold licenses outside the marketplace. */
export interface Deal {
  dealId: string;
  publisherId: string;
  offerId: string;
  tenantId: string;
  customerName: string;
  status: 'InProgress';
  lines: { planId: string; quantity: number }[];
  createdAt: string;
}

/** The publisher ↔ customer tenant relationship the customer consents to (B1.2 step 4; DEC-L2). */
export interface Consent {
  publisherId: string;
  tenantId: string;
  state: 'None' | 'Invited' | 'Accepted';
  invitationId?: string;
  acceptedBy?: string;
  acceptedAt?: string;
}
