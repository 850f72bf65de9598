import { describe, expect, it } from 'vitest';
import type { CertificationDecision, Operation } from '../../../../shared/publish/model';
import { certificationOutcome, checkOutcome, messagesOf, notificationOf, parseEmails } from '../../../../shared/publish/rules/outcomes';

const NOW = '2026-01-02T03:04:05.000Z';

describe('messagesOf', () => {
  it('names the field or file, defaults to error, keeps code and target', () => {
    expect(
      messagesOf(
        [
          { code: 'RequiredFieldMissing', message: 'is required', target: "definition.offer['x']" },
          { code: 'Hint', message: 'consider it', level: 'warning' },
        ],
        NOW,
      ),
    ).toEqual([
      { messageHtml: "definition.offer['x']: is required", level: 'error', timestamp: NOW, code: 'RequiredFieldMissing', target: "definition.offer['x']" },
      { messageHtml: 'consider it', level: 'warning', timestamp: NOW, code: 'Hint' },
    ]);
  });
});

describe('checkOutcome', () => {
  it('passes with no findings', () => {
    expect(checkOutcome([], NOW)).toEqual({ result: 'passed', messages: [] });
  });
  it('passes with warnings only, keeping them', () => {
    const outcome = checkOutcome([{ code: 'W', message: 'w', level: 'warning' }], NOW);
    expect(outcome.result).toBe('passed');
    expect(outcome.messages).toHaveLength(1);
  });
  it('blocks on any error', () => {
    expect(checkOutcome([{ code: 'W', message: 'w', level: 'warning' }, { code: 'E', message: 'e' }], NOW).result).toBe('blocked');
  });
});

describe('certificationOutcome (spec 3.5)', () => {
  const decision = (d: 'approve' | 'reject', extra: Partial<CertificationDecision> = {}): CertificationDecision => ({
    decision: d,
    messages: [],
    decidedBy: 'operator:ops',
    ...extra,
  });

  it('auto mode passes a clean offer', () => {
    expect(certificationOutcome('auto', [], undefined, NOW)).toEqual({ result: 'passed', messages: [] });
  });
  it('manual mode waits for the reviewer', () => {
    expect(certificationOutcome('manual', [], undefined, NOW)).toEqual({ result: 'waiting', messages: [] });
  });
  it('rejects at once on a malware finding, in either mode, even with an approval', () => {
    const malware = [{ code: 'MalwareDetected', message: 'contains malware', target: 'shot.png' }];
    expect(certificationOutcome('auto', malware, undefined, NOW).result).toBe('rejected');
    expect(certificationOutcome('manual', malware, decision('approve'), NOW)).toEqual({
      result: 'rejected',
      messages: [{ messageHtml: 'shot.png: contains malware', level: 'error', timestamp: NOW, code: 'MalwareDetected', target: 'shot.png' }],
    });
  });
  it('an approval passes with the reviewer messages and notes', () => {
    const info = { messageHtml: 'Looks good.', level: 'information' as const, timestamp: NOW };
    expect(certificationOutcome('manual', [], decision('approve', { messages: [info], reviewNotes: 'ok' }), NOW)).toEqual({
      result: 'passed',
      messages: [info, { messageHtml: 'ok', level: 'information', timestamp: NOW }],
    });
  });
  it('a rejection carries the report, or a default message when the reviewer gave none', () => {
    const policy = { messageHtml: 'Policy 1000.1 failed.', level: 'error' as const, timestamp: NOW };
    expect(certificationOutcome('manual', [], decision('reject', { messages: [policy] }), NOW)).toEqual({ result: 'rejected', messages: [policy] });
    expect(certificationOutcome('auto', [], decision('reject', { reviewNotes: 'see notes' }), NOW)).toEqual({
      result: 'rejected',
      messages: [
        { messageHtml: 'The reviewer rejected the offer.', level: 'error', timestamp: NOW },
        { messageHtml: 'see notes', level: 'information', timestamp: NOW },
      ],
    });
  });
  it('warnings alone do not reject', () => {
    expect(certificationOutcome('auto', [{ code: 'W', message: 'w', level: 'warning' }], undefined, NOW).result).toBe('passed');
  });
});

describe('notificationOf (spec 2.13)', () => {
  const op = (over: Partial<Operation> = {}): Operation =>
    ({
      id: 'op-1',
      publisherId: 'contoso',
      offerId: 'o1',
      offerVersion: 3,
      submissionType: 'publish',
      emails: ['B@contoso.test', 'a@contoso.test'],
      ...over,
    }) as Operation;

  it('goes to the request emails and the contact, lower-cased, sorted, once each, with a stable id', () => {
    expect(notificationOf(op(), 'previewReady', 'b@contoso.test', NOW)).toEqual({
      id: 'op-1.previewReady',
      publisherId: 'contoso',
      offerId: 'o1',
      operationId: 'op-1',
      event: 'previewReady',
      to: ['a@contoso.test', 'b@contoso.test'],
      subject: 'Review and approve your offer preview: o1 version 3',
      bodyHtml: '<p>Review and approve your offer preview (publish operation op-1).</p>',
      timestamp: NOW,
    });
  });
  it('a failure says why', () => {
    const n = notificationOf(op({ error: { code: 'StepBlocked', message: 'Package validation failed.' } }), 'failed', undefined, NOW);
    expect(n.bodyHtml).toBe('<p>Your offer needs attention (publish operation op-1). Package validation failed.</p>');
    expect(n.to).toEqual(['a@contoso.test', 'b@contoso.test']);
    expect(n.subject).toBe('Your offer needs attention: o1 version 3');
  });
  it('other events have their own subjects and no reason', () => {
    expect(notificationOf(op({ error: { code: 'X', message: 'ignored' } }), 'live', undefined, NOW).bodyHtml).toBe(
      '<p>Your offer is available (publish operation op-1).</p>',
    );
    expect(notificationOf(op(), 'submitted', undefined, NOW).subject).toBe('Your offer was submitted for publishing: o1 version 3');
    expect(notificationOf(op(), 'canceled', undefined, NOW).subject).toBe('Your publish request was canceled: o1 version 3');
    expect(notificationOf(op(), 'stopped', undefined, NOW).subject).toBe('Your offer is no longer available to new customers: o1 version 3');
  });
});

describe('parseEmails', () => {
  it('splits on commas and semicolons, trims, drops empties', () => {
    expect(parseEmails(' a@b.co , c@d.org;;e@f.io ,')).toEqual({ emails: ['a@b.co', 'c@d.org', 'e@f.io'], invalid: [] });
  });
  it('nothing given: nothing', () => {
    expect(parseEmails(undefined)).toEqual({ emails: [], invalid: [] });
    expect(parseEmails('')).toEqual({ emails: [], invalid: [] });
  });
  it('accepts longer local parts and domains', () => {
    expect(parseEmails('john.doe@contoso.example, ab@cd.ef')).toEqual({ emails: ['john.doe@contoso.example', 'ab@cd.ef'], invalid: [] });
  });
  it('refuses anything after a valid-looking address', () => {
    expect(parseEmails('a@b.c@d').invalid).toEqual(['a@b.c@d']);
  });
  it('reports the invalid addresses', () => {
    expect(parseEmails('a@b.co,not-an-email,x@y,@z.com,a b@c.de')).toEqual({ emails: ['a@b.co'], invalid: ['not-an-email', 'x@y', '@z.com', 'a b@c.de'] });
  });
});
