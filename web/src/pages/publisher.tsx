/**
 * The publisher: offers with drafts and the publish pipeline (steps, messages, preview links, publish, go-live,
 * cancel), subscriptions with their operations, webhook deliveries with every attempt and redeliver. Lists that
 * change in flight are polled (decision 1000); the selected offer or subscription is in the URL.
 */
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { enc, OFFERS_VERSION, post, rowsOf, SAAS_VERSION } from '../api';
import { principal } from '../auth';
import { ErrorNote, Field, Section, Table, str, useAction, useResource } from '../ui';

type Row = Record<string, unknown>;
export const publisherId = () => {
  const p = principal();
  return p?.kind === 'publisher' ? p.publisherId : '';
};

/** A step's messages as text (their HTML is the API's; the console never injects it), with their level. */
function Messages({ list }: { list: unknown }) {
  const messages = Array.isArray(list) ? (list as Row[]) : [];
  if (messages.length === 0) return null;
  return (
    <ul class="messages">
      {messages.map((m, i) => (
        <li key={i}>
          {m['level'] && m['level'] !== 'information' ? <strong>{str(m['level'])}: </strong> : null}
          {str(m['messageHtml']).replace(/<[^>]*>/g, '')}
        </li>
      ))}
    </ul>
  );
}

/**
 * Preview and live links (decision 1005): the API's links are API addresses that need the publisher's token, which a
 * plain link in a browser does not send, so the console opens them itself (`?offer=…&link=…`) and shows the version.
 */
function Links({ label, links, offerId }: { label: string; links: Row[]; offerId: string }) {
  const { path } = useLocation();
  if (links.length === 0) return null;
  return (
    <p>
      {label}:{' '}
      {links.map((l) => (
        <a key={str(l['uri'])} href={`${path}?${new URLSearchParams({ offer: offerId, link: str(l['uri']) }).toString()}`}>
          {str(l['displayText'] ?? l['uri'])}
        </a>
      ))}
    </p>
  );
}

/** The offer version a preview or live link points at, read with the publisher's token. */
function LinkedVersion({ uri }: { uri: string }) {
  const safe = /^\/api\/publishers\/[\w-]+\/offers\/[\w-]+\/(versions\/\d+|slot\/(preview|production))\?api-version=[\d-]+$/.test(uri) ? uri : undefined;
  const version = useResource<Row>(safe);
  const v = version.data;
  const definition = (v?.['definition'] as { offer?: Row; plans?: Row[] } | undefined) ?? {};
  return (
    <Section title="Linked version">
      <ErrorNote error={version.error} />
      {!safe ? <p class="error">This link does not point at an offer version.</p> : null}
      {v ? (
        <dl class="facts">
          <div>
            <dt>Title</dt>
            <dd>{str(definition.offer?.['microsoft-azure-marketplace.title'])}</dd>
          </div>
          <div>
            <dt>Version</dt>
            <dd>{str(v['version'])}</dd>
          </div>
          <div>
            <dt>Plans</dt>
            <dd>{(definition.plans ?? []).map((p) => str(p['planId'])).join(', ')}</dd>
          </div>
        </dl>
      ) : null}
    </Section>
  );
}

function Pipeline({ offerId }: { offerId: string }) {
  const base = `/api/publishers/${enc(publisherId())}/offers/${enc(offerId)}`;
  const status = useResource<Row>(`${base}/status?${OFFERS_VERSION}`, true);
  const operations = useResource<Row>(`${base}/operations?${OFFERS_VERSION}`, true);
  const [emails, setEmails] = useState('');
  const { error, busy, run } = useAction();
  const act = (what: 'publish' | 'golive' | 'cancel') =>
    void run(async () => {
      const body = what === 'publish' ? { metadata: { 'notification-emails': emails } } : undefined;
      await post(`${base}/${what}?${OFFERS_VERSION}`, body);
      await Promise.all([status.reload(), operations.reload()]);
    });
  const s = status.data;
  const links = (s?.['previewLinks'] as Row[] | undefined) ?? [];
  return (
    <Section title={`Publishing ${offerId}`}>
      <p aria-live="polite">
        Status: <strong>{str(s?.['status'])}</strong>
      </p>
      <Table
        caption="Steps"
        rows={(s?.['steps'] as Row[] | undefined) ?? []}
        empty="No submission yet."
        columns={[
          { label: 'Step', cell: (r) => str(r['stepName']) },
          { label: 'Status', cell: (r) => str(r['status']) },
          { label: 'Progress', cell: (r) => `${str(r['progressPercentage'])}%` },
          { label: 'Messages', cell: (r) => <Messages list={r['messages']} /> },
        ]}
      />
      <Links label="Preview" links={links} offerId={offerId} />
      <Links label="Live" links={(s?.['liveLinks'] as Row[] | undefined) ?? []} offerId={offerId} />
      <form onSubmit={(e) => (e.preventDefault(), act('publish'))}>
        <Field label="Notification e-mails" path="metadata.notification-emails" value={emails} onInput={setEmails} error={error} />
        <button type="submit" disabled={busy}>
          Publish
        </button>{' '}
        <button type="button" disabled={busy} onClick={() => act('golive')}>
          Go live
        </button>{' '}
        <button type="button" disabled={busy} onClick={() => act('cancel')}>
          Cancel
        </button>
      </form>
      <ErrorNote error={error ?? status.error} />
      <Table
        caption="Submissions"
        rows={rowsOf(operations.data)}
        columns={[
          { label: 'Operation', cell: (r) => str(r['id']) },
          { label: 'Type', cell: (r) => str(r['submissionType']) },
          { label: 'Version', cell: (r) => str(r['offerVersion']) },
          { label: 'Status', cell: (r) => str(r['status']) },
          { label: 'Changed', cell: (r) => str(r['changedTime']) },
        ]}
      />
    </Section>
  );
}

export function PublisherOffers() {
  const { path, query, route } = useLocation();
  const offers = useResource<Row[]>(`/api/publishers/${enc(publisherId())}/offers?${OFFERS_VERSION}`, true);
  const selected = query['offer'];
  return (
    <>
      <Section title="Offers">
        <ErrorNote error={offers.error} />
        <Table
          caption="Offers and drafts"
          rows={rowsOf(offers.data)}
          columns={[
            { label: 'Offer', cell: (r) => <a href={`${path}?offer=${enc(str(r['id']))}`}>{str(r['id'])}</a> },
            { label: 'Type', cell: (r) => str(r['offerTypeId']) },
            { label: 'Draft version', cell: (r) => str(r['version']) },
            { label: 'Live', cell: (r) => str(r['liveVersion'] ?? r['status']) },
          ]}
        />
      </Section>
      {selected ? <Pipeline key={selected} offerId={selected} /> : <p>Choose an offer to see its publish pipeline.</p>}
      {selected && query['link'] ? <LinkedVersion key={query['link']} uri={query['link']} /> : null}
      {selected ? (
        <p>
          <a href={`/console/publisher/leads?offer=${enc(selected)}`} onClick={(e) => (e.preventDefault(), route(`/console/publisher/leads?offer=${enc(selected)}`))}>
            Leads of {selected}
          </a>
        </p>
      ) : null}
    </>
  );
}

function Operations({ subscriptionId }: { subscriptionId: string }) {
  const ops = useResource<Row>(`/api/saas/subscriptions/${enc(subscriptionId)}/operations?${SAAS_VERSION}`, true);
  return (
    <Section title={`Operations of ${subscriptionId}`}>
      <ErrorNote error={ops.error} />
      <Table
        caption="Operations"
        rows={rowsOf(ops.data)}
        empty="No operation waits for you."
        columns={[
          { label: 'Operation', cell: (r) => str(r['id']) },
          { label: 'Action', cell: (r) => str(r['action']) },
          { label: 'Status', cell: (r) => str(r['status']) },
          { label: 'Plan', cell: (r) => str(r['planId']) },
          { label: 'Quantity', cell: (r) => str(r['quantity']) },
          { label: 'Started by', cell: (r) => str(r['operationRequestSource']) },
        ]}
      />
    </Section>
  );
}

export function PublisherSubscriptions() {
  const { path, query } = useLocation();
  const subs = useResource<Row>(`/api/saas/subscriptions?${SAAS_VERSION}`, true);
  const selected = query['subscription'];
  return (
    <>
      <Section title="Subscriptions">
        <ErrorNote error={subs.error} />
        <Table
          caption="Subscriptions to your offers"
          rows={rowsOf(subs.data)}
          columns={[
            { label: 'Subscription', cell: (r) => <a href={`${path}?subscription=${enc(str(r['id']))}`}>{str(r['name'] ?? r['id'])}</a> },
            { label: 'Offer', cell: (r) => str(r['offerId']) },
            { label: 'Plan', cell: (r) => str(r['planId']) },
            { label: 'Quantity', cell: (r) => str(r['quantity']) },
            { label: 'State', cell: (r) => str(r['saasSubscriptionStatus']) },
            { label: 'Id', cell: (r) => <code>{str(r['id'])}</code> },
          ]}
        />
      </Section>
      {selected ? <Operations key={selected} subscriptionId={selected} /> : null}
    </>
  );
}

export function Webhooks() {
  const deliveries = useResource<Row>(`/api/publishers/${enc(publisherId())}/webhooks/deliveries`, true);
  const { error, busy, run } = useAction();
  const redeliver = (id: string) =>
    void run(async () => {
      await post(`/api/publishers/${enc(publisherId())}/webhooks/deliveries/${enc(id)}/redeliver`);
      await deliveries.reload();
    });
  return (
    <Section title="Webhook deliveries">
      <ErrorNote error={error ?? deliveries.error} />
      <Table
        caption="Webhooks sent to your connection webhook, with every attempt"
        rows={rowsOf(deliveries.data)}
        empty="No webhook yet."
        columns={[
          { label: 'Action', cell: (r) => str(r['action']) },
          { label: 'Subscription', cell: (r) => <code>{str(r['subscriptionId'])}</code> },
          { label: 'State', cell: (r) => str(r['state']) },
          {
            label: 'Attempts',
            cell: (r) => (
              <ol class="attempts">
                {((r['attempts'] as Row[] | undefined) ?? []).map((a, i) => (
                  <li key={i}>
                    {str(a['at'] ?? a['attemptedAt'])} → {str(a['status'] ?? a['httpStatus'] ?? a['outcome'])} {str(a['error'] ?? '')}
                  </li>
                ))}
              </ol>
            ),
          },
          {
            label: '',
            cell: (r) => (
              <button type="button" disabled={busy} onClick={() => redeliver(str(r['id']))}>
                Redeliver
              </button>
            ),
          },
        ]}
      />
    </Section>
  );
}
