/**
 * The offer status object of `GET …/status` (specs/publish.md 2.5, 2.12): the status derived from the latest
 * publish or go-live operation, the latest publish operation's steps followed by its go-live steps (placeholders
 * until go-live runs, A60), the preview and live links (A20).
 */
import type { Link, Message, Operation, Step } from '../model';
import { goLiveStepIds, newStep } from './steps';

export type OfferStatus = 'neverPublished' | 'notStarted' | 'running' | 'waitingForPublisherReview' | 'succeeded' | 'canceled' | 'failed';

export interface StatusView {
  status: OfferStatus;
  messages: Message[];
  steps: Step[];
  previewLinks: Link[];
  liveLinks: Link[];
  offerVersion?: number;
}

/** The offer's status from its most recent operation (publish or go-live). */
export function offerStatus(latest: Operation | undefined): OfferStatus {
  if (!latest) return 'neverPublished';
  switch (latest.status) {
    case 'notStarted':
      return 'notStarted';
    case 'running':
      return 'running';
    case 'failed':
      return 'failed';
    case 'canceled':
      return 'canceled';
    case 'completed':
      return latest.submissionType === 'publish' ? 'waitingForPublisherReview' : 'succeeded';
  }
}

/**
 * `latestPublish`: the newest publish operation; `goLive`: the go-live operation that signed it off, if any;
 * `lastLive`: the newest completed go-live (its live links stay while a newer version is in preview).
 */
export function statusView(latestPublish: Operation | undefined, goLive: Operation | undefined, lastLive: Operation | undefined): StatusView {
  const latest = goLive ?? latestPublish;
  if (!latestPublish || !latest) {
    return { status: offerStatus(undefined), messages: [], steps: [], previewLinks: [], liveLinks: lastLive?.liveLinks ?? [] };
  }
  const tail = goLive ? goLive.steps : goLiveStepIds(latestPublish.offerTypeId).map(newStep);
  const previewCreated = latestPublish.steps.some((s) => s.id === 'preview-creation' && s.status === 'complete');
  return {
    status: offerStatus(latest),
    messages: latest.error ? [{ messageHtml: latest.error.message, level: 'error', timestamp: latest.lastActionDateTime, code: latest.error.code }] : [],
    steps: [...latestPublish.steps, ...tail],
    previewLinks: previewCreated && latest.status !== 'canceled' ? latestPublish.previewLinks : [],
    liveLinks: lastLive?.liveLinks ?? [],
    offerVersion: latest.offerVersion,
  };
}

export function previewLinksFor(publisherId: string, offerId: string, version: number): Link[] {
  return [{ displayText: 'Marketplace preview', uri: `/api/publishers/${publisherId}/offers/${offerId}/versions/${version}?api-version=2017-10-31` }];
}

export function liveLinksFor(publisherId: string, offerId: string): Link[] {
  return [{ displayText: 'Marketplace listing', uri: `/api/publishers/${publisherId}/offers/${offerId}/slot/production?api-version=2017-10-31` }];
}
