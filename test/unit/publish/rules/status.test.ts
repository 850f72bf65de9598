import { describe, expect, it } from 'vitest';
import type { Operation, StepId } from '../../../../shared/publish/model';
import { liveLinksFor, offerStatus, previewLinksFor, statusView } from '../../../../shared/publish/rules/status';
import { newStep } from '../../../../shared/publish/rules/steps';

const T0 = '2026-01-01T00:00:00.000Z';

function op(over: Partial<Operation> = {}, done: StepId[] = [], ids: StepId[] = ['displaydummycertify', 'preview-creation', 'publisher-signoff']): Operation {
  return {
    id: 'op-1',
    publisherId: 'contoso',
    offerId: 'o1',
    offerTypeId: 'microsoft-saas',
    submissionType: 'publish',
    slot: 'preview',
    offerVersion: 2,
    publishingVersion: 1,
    draftETag: 'e',
    status: 'running',
    cancellationRequestState: 'canCancel',
    emails: [],
    steps: ids.map((id) => ({ ...newStep(id), status: done.includes(id) ? ('complete' as const) : ('notStarted' as const) })),
    previewLinks: previewLinksFor('contoso', 'o1', 2),
    liveLinks: [],
    previewAudience: [],
    version: 1,
    createdDateTime: T0,
    lastActionDateTime: T0,
    createdBy: 'publisher:contoso',
    ...over,
  };
}

describe('offerStatus (spec 2.12)', () => {
  it('maps the latest operation', () => {
    expect(offerStatus(undefined)).toBe('neverPublished');
    expect(offerStatus(op({ status: 'notStarted' }))).toBe('notStarted');
    expect(offerStatus(op({ status: 'running' }))).toBe('running');
    expect(offerStatus(op({ status: 'failed' }))).toBe('failed');
    expect(offerStatus(op({ status: 'canceled' }))).toBe('canceled');
    expect(offerStatus(op({ status: 'completed' }))).toBe('waitingForPublisherReview');
    expect(offerStatus(op({ status: 'completed', submissionType: 'goLive' }))).toBe('succeeded');
    expect(offerStatus(op({ status: 'completed', submissionType: 'stopDistribution' }))).toBe('succeeded');
    expect(offerStatus(op({ status: 'running', submissionType: 'stopDistribution' }))).toBe('running');
  });
});

describe('statusView (spec 2.5, A60)', () => {
  it('never published: the documented empty object', () => {
    expect(statusView(undefined, undefined, undefined)).toEqual({ status: 'neverPublished', messages: [], steps: [], previewLinks: [], liveLinks: [] });
  });

  it('a running publish: its steps then the go-live placeholders; no preview link before preview creation', () => {
    const view = statusView(op(), undefined, undefined);
    expect(view.status).toBe('running');
    expect(view.steps.map((s) => [s.id, s.status])).toEqual([
      ['displaydummycertify', 'notStarted'],
      ['preview-creation', 'notStarted'],
      ['publisher-signoff', 'notStarted'],
      ['displaycertify', 'notStarted'],
      ['final-publish', 'notStarted'],
      ['live', 'notStarted'],
    ]);
    expect(view.previewLinks).toEqual([]);
    expect(view.messages).toEqual([]);
    expect(view.liveLinks).toEqual([]);
    expect(view.offerVersion).toBe(2);
  });

  it('a preview waiting for sign-off shows its links', () => {
    const view = statusView(op({ status: 'completed' }, ['displaydummycertify', 'preview-creation']), undefined, undefined);
    expect(view.status).toBe('waitingForPublisherReview');
    expect(view.previewLinks).toEqual([
      { displayText: 'Marketplace preview', uri: '/api/publishers/contoso/offers/o1/versions/2?api-version=2017-10-31' },
    ]);
  });

  it('no preview link while only other steps are complete', () => {
    expect(statusView(op({}, ['displaydummycertify']), undefined, undefined).previewLinks).toEqual([]);
  });

  it('a go-live without its publish operation reads as never published', () => {
    const go = op({ id: 'go-1', submissionType: 'goLive', status: 'completed' }, [], ['final-publish', 'live']);
    expect(statusView(undefined, go, undefined)).toEqual({ status: 'neverPublished', messages: [], steps: [], previewLinks: [], liveLinks: [] });
  });

  it('a canceled operation has no preview link even if the preview step completed', () => {
    expect(statusView(op({ status: 'canceled' }, ['preview-creation']), undefined, undefined).previewLinks).toEqual([]);
  });

  it('a failed operation says why', () => {
    const view = statusView(op({ status: 'failed', error: { code: 'StepBlocked', message: 'Package validation failed.' } }), undefined, undefined);
    expect(view.status).toBe('failed');
    expect(view.messages).toEqual([{ messageHtml: 'Package validation failed.', level: 'error', timestamp: T0, code: 'StepBlocked' }]);
  });

  it('after go-live: the go-live steps replace the placeholders, status from the go-live, live links from the last live', () => {
    const live = op({ id: 'go-1', submissionType: 'goLive', status: 'completed', liveLinks: liveLinksFor('contoso', 'o1') }, ['final-publish', 'live'], ['final-publish', 'live']);
    const view = statusView(op({ status: 'completed' }, ['displaydummycertify', 'preview-creation', 'publisher-signoff']), live, live);
    expect(view.status).toBe('succeeded');
    expect(view.steps.map((s) => s.id)).toEqual(['displaydummycertify', 'preview-creation', 'publisher-signoff', 'final-publish', 'live']);
    expect(view.liveLinks).toEqual([{ displayText: 'Marketplace listing', uri: '/api/publishers/contoso/offers/o1/slot/production?api-version=2017-10-31' }]);
  });

  it('an update in preview keeps the live links of the version still live', () => {
    const lastLive = op({ id: 'go-1', submissionType: 'goLive', status: 'completed', liveLinks: liveLinksFor('contoso', 'o1') });
    expect(statusView(op(), undefined, lastLive).liveLinks).toHaveLength(1);
    expect(statusView(undefined, undefined, lastLive).liveLinks).toHaveLength(1);
  });
});
