/** The new-lead and unhealthy notice rules (rules/lead-notices.ts; spec 2.5 (9); decisions 0534, 0535). */
import { describe, expect, it } from 'vitest';
import type { Delivery, Lead } from '../../../../shared/leads/model';
import {
  deliveryStatus,
  includesPii,
  NEW_LEADS_MAX_LISTED,
  newLeads,
  newLeadsNotice,
  UNHEALTHY_WINDOW_MS,
  unhealthyDue,
  unhealthyNotice,
} from '../../../../shared/leads/rules/lead-notices';
import { lead, pendingDelivery } from '../../../fixtures/leads-fakes';

const NOW = new Date('2026-03-01T12:00:00.000Z');

function item(leadId: string, createdAt = '2026-03-01T11:00:00.000Z', extra: Partial<Delivery> = {}, user: Partial<Lead['userDetails']> = {}) {
  const l = lead(leadId, createdAt);
  return { lead: { ...l, userDetails: { ...l.userDetails, ...user } }, delivery: pendingDelivery(leadId, createdAt, extra) };
}

describe('includesPii', () => {
  it('is true only for a boolean true, under any key case', () => {
    expect(includesPii({ notifyIncludesPii: true })).toBe(true);
    expect(includesPii({ NOTIFYINCLUDESPII: true })).toBe(true);
    expect(includesPii({ contactEmail: 'a@contoso.com', notifyIncludesPii: true })).toBe(true);
    expect(includesPii({ notifyIncludesPii: false })).toBe(false);
    expect(includesPii({ notifyIncludesPii: 'true' })).toBe(false);
    expect(includesPii({ other: true })).toBe(false);
    expect(includesPii({})).toBe(false);
  });
});

describe('newLeads', () => {
  it('keeps leads after the watermark and settled by the cut-off (inclusive), oldest first', () => {
    const items = [item('L4', '2026-03-01T11:59:50.001Z'), item('L3', '2026-03-01T11:59:50.000Z'), item('L2'), item('L1')];
    const cut = new Date('2026-03-01T11:59:50.000Z');
    expect(newLeads(items, 'L1', cut).map((i) => i.lead.leadId)).toEqual(['L2', 'L3']);
    expect(newLeads(items, undefined, cut).map((i) => i.lead.leadId)).toEqual(['L1', 'L2', 'L3']);
    expect(newLeads(items, 'L3', cut)).toEqual([]);
    expect(newLeads([], undefined, cut)).toEqual([]);
  });
});

describe('deliveryStatus', () => {
  it('names the state, with the reason of a held or dead-lettered delivery only', () => {
    expect(deliveryStatus(pendingDelivery('L1'))).toBe('pending');
    expect(deliveryStatus(pendingDelivery('L1', undefined, { state: 'pending', reason: 'x' }))).toBe('pending');
    expect(deliveryStatus(pendingDelivery('L1', undefined, { state: 'delivered', reason: 'x' }))).toBe('delivered');
    expect(deliveryStatus(pendingDelivery('L1', undefined, { state: 'held', reason: 'no_destination' }))).toBe('held (no_destination)');
    expect(deliveryStatus(pendingDelivery('L1', undefined, { state: 'dead_lettered', reason: 'http_404' }))).toBe('dead_lettered (http_404)');
    expect(deliveryStatus(pendingDelivery('L1', undefined, { state: 'held' }))).toBe('held');
    expect(deliveryStatus(pendingDelivery('L1', undefined, { state: 'dead_lettered', reason: '' }))).toBe('dead_lettered');
  });
});

describe('newLeadsNotice', () => {
  it('names one lead with trigger/action, time and status, and no customer field by default', () => {
    const notice = newLeadsNotice({ publisherId: 'contoso', offerId: 'app', items: [item('L1')], to: ['a@contoso.com'], includePii: false, now: NOW });
    expect(notice).toEqual({
      id: 'leads.new.L1.L1.1',
      event: 'leadsNew',
      publisherId: 'contoso',
      offerId: 'app',
      to: ['a@contoso.com'],
      subject: '1 new lead for contoso.app',
      bodyHtml:
        '<p>1 new lead for offer contoso.app.</p><ul><li>L1: ContactMe/PLT, created 2026-03-01T11:00:00.000Z, delivery pending</li></ul>' +
        '<p>Customer details are not sent by e-mail; read them in the leads list or your lead destination.</p>',
      timestamp: '2026-03-01T12:00:00.000Z',
    });
    expect(notice.bodyHtml).not.toContain('Ada');
    expect(notice.bodyHtml).not.toContain('ada@contoso.com');
  });

  it('adds the customer details, escaped and without empty fields, when opted in; marks a test lead', () => {
    const one = item('L1', undefined, { state: 'delivered' }, { FirstName: '<b>Ada</b>', Phone: '+44 1', Company: 'A&B', Title: '' });
    const two = { ...item('L2'), lead: { ...item('L2').lead, isTest: true } };
    const notice = newLeadsNotice({ publisherId: 'contoso', offerId: 'app', items: [one, two], to: [], includePii: true, now: NOW });
    expect(notice.id).toBe('leads.new.L1.L2.2');
    expect(notice.subject).toBe('2 new leads for contoso.app');
    expect(notice.bodyHtml).toBe(
      '<p>2 new leads for offer contoso.app.</p><ul>' +
        '<li>L1: ContactMe/PLT, created 2026-03-01T11:00:00.000Z, delivery delivered; customer: &lt;b&gt;Ada&lt;/b&gt; Lovelace, ada@contoso.com, +44 1, A&amp;B, GB</li>' +
        '<li>L2 (test lead): ContactMe/PLT, created 2026-03-01T11:00:00.000Z, delivery pending; customer: Ada Lovelace, ada@contoso.com, Contoso, CTO, GB</li></ul>',
    );
  });

  it('escapes ids and offer names, keeps the subject on one line, and leaves an empty name out', () => {
    const odd = item('L<1>', undefined, {}, { FirstName: '', LastName: '', Email: '', Phone: '', Company: '', Title: '', Country: '' });
    const notice = newLeadsNotice({ publisherId: 'con"toso', offerId: "a\r\np'p", items: [odd], to: [], includePii: true, now: NOW });
    expect(notice.subject).toBe('1 new lead for con"toso.a  p\'p');
    expect(notice.bodyHtml).toBe(
      '<p>1 new lead for offer con&quot;toso.a\r\np&#39;p.</p><ul><li>L&lt;1&gt;: ContactMe/PLT, created 2026-03-01T11:00:00.000Z, delivery pending; customer: </li></ul>',
    );
  });

  it(`lists ${NEW_LEADS_MAX_LISTED} leads and counts the rest`, () => {
    expect(NEW_LEADS_MAX_LISTED).toBe(100);
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `L${String(i).padStart(3, '0')}`);
    const exact = newLeadsNotice({ publisherId: 'p', offerId: 'o', items: ids(100).map((id) => item(id)), to: [], includePii: false, now: NOW });
    expect(exact.bodyHtml.match(/<li>/g)).toHaveLength(100);
    expect(exact.bodyHtml).not.toContain('more.');
    const over = newLeadsNotice({ publisherId: 'p', offerId: 'o', items: ids(103).map((id) => item(id)), to: [], includePii: false, now: NOW });
    expect(over.id).toBe('leads.new.L000.L102.103');
    expect(over.bodyHtml.match(/<li>/g)).toHaveLength(100);
    expect(over.bodyHtml).toContain('L099:');
    expect(over.bodyHtml).not.toContain('L100:');
    expect(over.bodyHtml).toContain('</ul><p>and 3 more.</p><p>Customer details');
  });
});

describe('unhealthyDue', () => {
  it('opens a window when none is open, or the last opened 24 h ago or more; not a millisecond sooner', () => {
    expect(UNHEALTHY_WINDOW_MS).toBe(86_400_000);
    expect(unhealthyDue(undefined, NOW)).toBe(true);
    expect(unhealthyDue('2026-02-28T12:00:00.000Z', NOW)).toBe(true);
    expect(unhealthyDue('2026-02-27T12:00:00.000Z', NOW)).toBe(true);
    expect(unhealthyDue('2026-02-28T12:00:00.001Z', NOW)).toBe(false);
    expect(unhealthyDue('2026-03-01T12:00:00.000Z', NOW)).toBe(false);
  });
});

describe('unhealthyNotice', () => {
  it('names the offer, destination type, category and when; its id is the window start', () => {
    expect(unhealthyNotice({ publisherId: 'contoso', offerId: 'app', destination: 'HttpsEndpoint', category: 'http_503', at: '2026-03-01T12:00:00.000Z', to: ['a@contoso.com'] })).toEqual({
      id: 'leads.destinationUnhealthy.2026-03-01T12:00:00.000Z',
      event: 'leadDestinationUnhealthy',
      publisherId: 'contoso',
      offerId: 'app',
      to: ['a@contoso.com'],
      subject: 'The lead destination of contoso.app is failing',
      bodyHtml:
        '<p>A lead for offer contoso.app could not be delivered to its HttpsEndpoint destination at 2026-03-01T12:00:00.000Z (http_503). ' +
        'The lead is kept and retried; check the destination. You get at most one such e-mail per offer a day.</p>',
      timestamp: '2026-03-01T12:00:00.000Z',
    });
  });

  it('escapes every value and keeps the subject on one line', () => {
    const notice = unhealthyNotice({ publisherId: 'p', offerId: 'o\n<x>', destination: 'A&B', category: '"c"', at: "t'", to: [] });
    expect(notice.subject).toBe('The lead destination of p.o <x> is failing');
    expect(notice.bodyHtml).toBe(
      "<p>A lead for offer p.o\n&lt;x&gt; could not be delivered to its A&amp;B destination at t&#39; (&quot;c&quot;). " +
        'The lead is kept and retried; check the destination. You get at most one such e-mail per offer a day.</p>',
    );
  });
});
