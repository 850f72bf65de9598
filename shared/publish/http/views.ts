/** The documented JSON of operations, steps and notifications (specs/publish.md 2.5, 2.7, 2.12). */
import type { Notification, Operation, Step } from '../model';
import type { StatusView } from '../rules/status';

export const API_VERSION = '2017-10-31';

export function operationLocation(op: Pick<Operation, 'publisherId' | 'offerId' | 'id'>): string {
  return `/api/publishers/${op.publisherId}/offers/${op.offerId}/operations/${op.id}?api-version=${API_VERSION}`;
}

export function stepView(step: Step) {
  return {
    id: step.id,
    stepName: step.stepName,
    description: step.description,
    estimatedTimeFrame: step.estimatedTimeFrame,
    status: step.status,
    messages: step.messages,
    progressPercentage: step.progressPercentage,
    phase: step.phase,
    ...(step.startedDateTime ? { startedDateTime: step.startedDateTime } : {}),
    ...(step.completedDateTime ? { completedDateTime: step.completedDateTime } : {}),
  };
}

export function operationView(op: Operation) {
  return {
    id: op.id,
    offerId: op.offerId,
    offerVersion: op.offerVersion,
    offerTypeId: op.offerTypeId,
    publisherId: op.publisherId,
    submissionType: op.submissionType,
    submissionState: op.status,
    status: op.status,
    publishingVersion: op.publishingVersion,
    slot: op.slot,
    version: op.version,
    definition: {
      metadata: {
        emails: op.emails.join(','),
        ...(op.notesForCertification ? { notesForCertification: op.notesForCertification } : {}),
      },
    },
    createdDateTime: op.createdDateTime,
    lastActionDateTime: op.lastActionDateTime,
    changedTime: op.lastActionDateTime,
    error: op.error ?? null,
    cancellationRequestState: op.cancellationRequestState,
    messages: [],
    steps: op.steps.map(stepView),
    previewLinks: op.previewLinks,
    liveLinks: op.liveLinks,
    ...(op.certification
      ? { certification: { decision: op.certification.decision, messages: op.certification.messages, reviewNotes: op.certification.reviewNotes ?? null } }
      : {}),
  };
}

export function statusBody(view: StatusView) {
  return {
    status: view.status,
    messages: view.messages,
    steps: view.steps.map(stepView),
    previewLinks: view.previewLinks,
    liveLinks: view.liveLinks,
  };
}

export function notificationView(n: Notification) {
  return { id: n.id, event: n.event, to: n.to, subject: n.subject, bodyHtml: n.bodyHtml, offerId: n.offerId, operationId: n.operationId, timestamp: n.timestamp };
}
