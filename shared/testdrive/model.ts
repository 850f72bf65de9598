/**
 * The test drive vocabulary (specs/testdrive.md 1.2, 2.1–2.4, 3.2–3.3; seed 004 ~3145–4420, ~9597): an ARM test
 * drive's configuration as the catalog's offer definition holds it, the instances of its pools (one resource group
 * each, hot, warm or cold) and the drives customers take on them.
 */

export const TIERS = ['hot', 'warm', 'cold'] as const;
/** How a drive got its instance: a ready hot one, a ready warm one started, an unbound provision adopted, a fresh cold deploy. */
export type Tier = 'hot' | 'warm' | 'cold-adopted' | 'cold';
/** What an instance was provisioned for (standby hot or warm, or cold for one drive). */
export type Purpose = (typeof TIERS)[number];

/** An ARM test drive's template parameter kinds (`metadata.type`, [L3433]–[L3437]). */
export type ParameterKind = 'baseuri' | 'username' | 'password' | 'sessionid';

export interface TemplateParameter {
  name: string;
  kind: ParameterKind;
}

/** The validated configuration of an offer's ARM test drive (spec 3.6, ARM fields). */
export interface TestDriveConfig {
  /** Regions in the publisher's order (the first is the default region, G14). */
  regions: string[];
  instances: { hot: number; warm: number; cold: number };
  durationHours: number;
  /** The main template (`main-template.json`): its parameters are generated per instance, its outputs shown. */
  template: Record<string, unknown>;
  parameters: TemplateParameter[];
  /** Shown to the customer while waiting (L3927) and once active (L3303). */
  description: string;
  accessInformation: string;
  /** The deployment subscription (L3289); the resource groups are created there. */
  azureSubscriptionId?: string;
}

/** The live version's test drive as the capability reads it: configured, disabled or invalid. */
export type OfferTestDrive =
  | { state: 'enabled'; publisherId: string; offerId: string; version: number; title: string; config: TestDriveConfig }
  | { state: 'disabled' | 'not-live' | 'not-found' }
  | { state: 'invalid'; violations: { path: string; message: string }[] };

export const INSTANCE_STATES = [
  'Provisioning',
  'Stopping',
  'ReadyHot',
  'ReadyWarm',
  'Starting',
  'InUse',
  'Deprovisioning',
  'Deleted',
] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

/** One deployed (or deploying) instance: a resource group `CloudTry_<offer>_<instanceId>` in one region. */
export interface Instance {
  instanceId: string;
  publisherId: string;
  offerId: string;
  /** The offer version whose template it was deployed from. */
  version: number;
  region: string;
  purpose: Purpose;
  state: InstanceState;
  /** The drive it is bound to, for its whole life once bound (I1); '' while unbound. */
  driveId: string;
  /** The capacity slot it holds (`<region>|<n>`) until Deleted. */
  capacitySlot: string;
  /** The standby slot it holds (`<region>|<hot|warm>|<n>`) while unbound standby; '' otherwise. */
  standbySlot: string;
  resourceGroup: string;
  /** The subscription its group is deployed to (its version's `azureSubscriptionId`; absent on older rows, decision 0711). */
  subscriptionId?: string;
  createdAt: string;
  /** When it entered its state (stuck provisions and deletes are measured from here). */
  stateAt: string;
  readyAt?: string;
  /** Provision attempts so far (a failed deploy is retried with backoff, in the same resource group). */
  attempts: number;
  /** A failed provision's next attempt. */
  retryAt?: string;
  lastError?: string;
  /** The generated sign-in of this instance's template parameters (never logged; shown only to its customer). */
  username: string;
  password: string;
  sessionId: string;
  /** Template outputs, every value a string (L3605). */
  outputs?: Record<string, string>;
  deletedAt?: string;
}

export const DRIVE_STATES = ['Provisioning', 'Starting', 'Active', 'Ended'] as const;
export type DriveState = (typeof DRIVE_STATES)[number];
export type EndReason = 'expired' | 'user' | 'failed';

export interface Customer {
  /** The signed-in customer (tenant and object id): only they read the drive's credentials. */
  tenantId: string;
  objectId: string;
}

export interface UserDetails {
  FirstName: string;
  LastName: string;
  Email: string;
  Phone: string;
  Country: string;
  Company: string;
  Title: string;
}

export interface Drive {
  driveId: string;
  publisherId: string;
  offerId: string;
  version: number;
  customer: Customer;
  userDetails: UserDetails;
  storefront: 'AzureMarketplace' | 'AppSource';
  consentAt: string;
  region: string;
  instanceId: string;
  tier: Tier;
  state: DriveState;
  durationHours: number;
  requestedAt: string;
  activeAt?: string;
  expiresAt?: string;
  endedAt?: string;
  endReason?: EndReason;
  /** The lead captured for this drive (one per drive, keyed by the drive id). */
  leadId?: string;
}
