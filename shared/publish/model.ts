/**
 * The publish pipeline's domain (specs/publish.md 2.5–2.9, 2.12, 3): operations, their steps and messages, the
 * per-offer publish state (the single-flight lock) and the publisher's notifications. Wire names follow the spec.
 */

export const STEP_IDS = [
  'displaydummycertify',
  'package-validation',
  'lead-management-validation',
  'displaycertify',
  'preview-creation',
  'publisher-signoff',
  'final-publish',
  'live',
  'stop-distribution',
] as const;
export type StepId = (typeof STEP_IDS)[number];

export const STEP_STATUSES = [
  'notStarted',
  'inProgress',
  'waitingForPublisherReview',
  'waitingForApproval',
  'blocked',
  'rejected',
  'complete',
  'canceled',
] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const OPERATION_STATUSES = ['notStarted', 'running', 'completed', 'failed', 'canceled'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

export type SubmissionType = 'publish' | 'goLive' | 'stopDistribution';
export type CancellationState = 'canCancel' | 'cannotCancel' | 'cancelRequested';
export type CertificationMode = 'auto' | 'manual';
/** Where certification runs (spec 3.1, A8): inside the publish operation or inside the go-live operation. */
export type CertificationPlacement = 'beforePreview' | 'afterSignoff';

export interface Message {
  messageHtml: string;
  level: 'information' | 'warning' | 'error';
  timestamp: string;
  code?: string;
  target?: string;
}

export interface Link {
  displayText: string;
  uri: string;
}

/** What a step's work found, recorded before the step is finished (a re-run returns it instead of redoing the work). */
export interface StepOutcome {
  result: 'passed' | 'blocked' | 'rejected' | 'waiting';
  messages: Message[];
}

export interface Step {
  id: StepId;
  stepName: string;
  description: string;
  estimatedTimeFrame: string;
  /** The simulated duration before the step completes, in seconds (times the time scale). */
  estimatedSeconds: number;
  phase: 'automatedValidation' | 'certification' | 'preview' | 'signoff' | 'publish';
  status: StepStatus;
  messages: Message[];
  progressPercentage: number;
  startedDateTime?: string;
  completedDateTime?: string;
  /** Internal: the recorded outcome of the step's work (not on the wire). */
  outcome?: StepOutcome;
}

export interface CertificationDecision {
  decision: 'approve' | 'reject';
  messages: Message[];
  reviewNotes?: string;
  decidedBy: string;
}

export interface Operation {
  id: string;
  publisherId: string;
  offerId: string;
  offerTypeId: string;
  submissionType: SubmissionType;
  slot: 'preview' | 'production';
  /** The frozen catalog version this operation carries. */
  offerVersion: number;
  /** The per-offer submission counter. */
  publishingVersion: number;
  /** The draft ETag the submission froze (the version's content is pinned to it). */
  draftETag: string;
  status: OperationStatus;
  cancellationRequestState: CancellationState;
  emails: string[];
  notesForCertification?: string;
  /** The publish operation a go-live signs off (its orchestration runs the go-live steps). */
  publishOperationId?: string;
  /** The go-live operation that signed this publish operation off. */
  goLiveOperationId?: string;
  steps: Step[];
  previewLinks: Link[];
  liveLinks: Link[];
  /** Who may see and buy the preview (the frozen version's preview audience ids). */
  previewAudience: string[];
  certification?: CertificationDecision;
  error?: { code: string; message: string };
  /** Monotonic change counter of the record. */
  version: number;
  createdDateTime: string;
  lastActionDateTime: string;
  createdBy: string;
}

/** The per-offer row: the single-flight lock and the pointers the status and go-live read. */
export interface PublishState {
  publisherId: string;
  offerId: string;
  /** The operation holding the offer (publish before sign-off, or go-live); '' when none. */
  activeOperationId: string;
  latestPublishOperationId: string;
  latestGoLiveOperationId: string;
  /** Operations created so far (the next publishingVersion is this + 1). */
  operationCount: number;
}

export type NotificationEvent = 'submitted' | 'previewReady' | 'failed' | 'canceled' | 'live' | 'stopped';

export interface Notification {
  id: string;
  publisherId: string;
  offerId: string;
  /** '' for a notification of another capability (the leads' dead-letter digest). */
  operationId: string;
  event: NotificationEvent | 'leadsDeadLettered' | 'leadsNew' | 'leadDestinationUnhealthy';
  to: string[];
  subject: string;
  bodyHtml: string;
  timestamp: string;
}
