/**
 * The lead vocabulary (specs/leads.md 1.3, 2.5, 3.0; seed 004 ~2798–2960, ~17438–18790): a lead as captured and
 * stored, its delivery to the offer's one lead destination with every attempt, and the destination settings as the
 * catalog's offer definition holds them. Wire names (`UserDetails`, `LeadSource`, ...) stay PascalCase where the
 * seed's payload uses them.
 */

/** Source tokens [L2909]; `TestDrive` is accepted on input only (A2) and never emitted. */
export const LEAD_SOURCES = ['AzureMarketplace', 'AzurePortal', 'SPZA', 'TestDrive'] as const;
export type LeadSourceToken = (typeof LEAD_SOURCES)[number];

/** Action codes, case exactly as in the seed [L2911–L2919]. */
export const ACTION_CODES = ['INS', 'PLT', 'DNC', 'Create', 'StartTestDrive'] as const;
export type ActionCode = (typeof ACTION_CODES)[number];

/** What the customer did (spec 2.1); `SaasPurchase` is the storefront's purchase of a SaaS offer (Get it now). */
export const TRIGGERS = ['ContactMe', 'GetItNow', 'FreeTrial', 'TestDrive', 'PortalCreate', 'CrossListed'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const STOREFRONTS = ['AppSource', 'AzureMarketplace', 'AzurePortal'] as const;
export type Storefront = (typeof STOREFRONTS)[number];

/** [L2812] [L2818] [L2846] [L2917] */
export type LeadKind = 'initialInterest' | 'active' | 'trial' | 'notification';

/** Customer details; "" when unknown, never null (spec 1.5). */
export interface UserDetails {
  FirstName: string;
  LastName: string;
  Email: string;
  Phone: string;
  Country: string;
  Company: string;
  Title: string;
}

/** A lead as stored (spec 1.3). Immutable once captured. */
export interface Lead {
  /** ULID: 26 characters, sortable by capture time; the idempotency key of every delivery. */
  leadId: string;
  createdAt: string;
  /** Validate's and publish-time test leads (spec 1.6). */
  isTest: boolean;
  trigger: Trigger;
  storefront: Storefront;
  /** Derived from trigger and storefront (spec 2.1); never `TestDrive`. */
  source: Exclude<LeadSourceToken, 'TestDrive'>;
  action: ActionCode;
  kind: LeadKind;
  publisherId: string;
  offerId: string;
  /** The catalog's offer title at capture (never the client's). */
  offerTitle: string;
  planId?: string;
  /** `${source}-${action}|${publisherId}.${offerId}` (spec 1.2). */
  leadSource: string;
  userDetails: UserDetails;
  description: string;
  consent: { given: true; at: string };
  /** When the capture named `TestDrive` as its source (kept for Metadata, spec 4 case 4). */
  sourceAsSent?: LeadSourceToken;
  /** The SaaS subscription a purchase lead came from. */
  subscriptionId?: string;
}

/** `${publisherId}.${offerId}`: the partition of an offer's leads, here and in the ISV's Table (spec 3.1). */
export function offerKey(publisherId: string, offerId: string): string {
  return `${publisherId}.${offerId}`;
}

/** Lead destinations as the catalog's offer listing names them (catalog model/fields/listing.ts). */
export const DESTINATION_TYPES = ['None', 'AzureTable', 'AzureBlob', 'Dynamics', 'HttpsEndpoint', 'Marketo', 'Salesforce'] as const;
export type DestinationType = (typeof DESTINATION_TYPES)[number];

/** A destination's settings after validation (spec 3.1–3.6), secrets opened. Only the delivery path holds these. */
export type DestinationConfig = { contactEmails: string[] } & (
  | { type: 'AzureTable'; connectionString: string }
  | { type: 'HttpsEndpoint'; httpsEndpointUri: string; signingSecret?: string }
  | {
      type: 'Dynamics';
      uri: string;
      authentication: 'AzureActiveDirectory';
      applicationId: string;
      directoryId: string;
      applicationKey: string;
      /** Optional `leadsourcecode` option-set value (spec 3.4). */
      leadSourceCode?: number;
    }
  | { type: 'Dynamics'; uri: string; authentication: 'Office365'; userName: string; password: string; leadSourceCode?: number }
  | { type: 'Marketo'; serverId: string; munchkinAccountId: string; formId: number }
  | { type: 'Salesforce'; objectIdentifier: string }
);
export type DeliverableType = DestinationConfig['type'];

/** How one attempt ended (spec 2.5 (4)). */
export type AttemptOutcomeKind = 'success' | 'retryable' | 'permanent';

/** What a target adapter reports for one attempt. Never holds a secret (excerpts are scrubbed by the adapter). */
export interface AttemptOutcome {
  outcome: AttemptOutcomeKind;
  /** A short machine word: `delivered`, `http_503`, `timeout`, `network`, `auth_failed`, `missing_role`, `ssrf_blocked`, ... */
  category: string;
  httpStatus?: number;
  /** From the target's Retry-After, in ms from the attempt's end. */
  retryAfterMs?: number;
  /** At most 1 KiB of the target's answer, scrubbed (spec 3.0.5). */
  excerpt?: string;
  /** Fields cut to the target's limits (Salesforce, spec 3.6). */
  truncated?: string[];
  /** Set when the target cannot confirm the lead was accepted (Marketo, Salesforce answer 200 regardless). */
  unverifiable?: boolean;
}

/** One attempt as the publisher sees it. */
export interface Attempt extends AttemptOutcome {
  number: number;
  at: string;
  destination: DeliverableType;
  latencyMs: number;
}

/**
 * Where a lead's delivery stands:
 * - `pending`: owed to the live destination; an orchestration is (or will be, by the sweeper) working on it;
 * - `held`: the live offer has no deliverable destination (None, or a legacy Blob one); delivered once one is live;
 * - `delivered`: a target accepted it;
 * - `dead_lettered`: failed permanently or ran out of its window; kept forever, replayable.
 */
export const DELIVERY_STATES = ['pending', 'held', 'delivered', 'dead_lettered'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export interface Delivery {
  leadId: string;
  publisherId: string;
  offerId: string;
  state: DeliveryState;
  /** Bumped by every replay, so a replay runs as a new orchestration instance with a fresh window. */
  generation: number;
  /** Start of the current retry window (capture, or the last replay). */
  windowStartedAt: string;
  /** When the next attempt is due (pending only); the sweeper restarts deliveries past it. */
  nextAttemptAt?: string;
  /** Newest last; capped (the oldest are dropped first, the count stays in `attemptCount`). */
  attempts: Attempt[];
  attemptCount: number;
  deliveredAt?: string;
  deadLetteredAt?: string;
  /** Why it was dead-lettered or held: the last outcome's category, or `no_destination` / `destination_deprecated`. */
  reason?: string;
}

/**
 * A request to replay every dead-lettered lead of an offer (decision 0526): stored before the 202, worked through in
 * the background (the requesting process, and the sweeper after a crash) from `cursor`, one page at a time.
 */
export interface ReplayBatch {
  batchId: string;
  publisherId: string;
  offerId: string;
  state: 'queued' | 'done';
  requestedAt: string;
  /** Leads dead-lettered at or before this time are replayed (not those the batch itself sees fail again). */
  cutoff: string;
  /** Where the next page starts (the lead list's continuation); absent before the first page. */
  cursor?: string;
  replayed: number;
  finishedAt?: string;
}
