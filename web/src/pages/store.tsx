/**
 * The customer: the live offers its tenant can buy (`GET /api/storefront/offers`), or one opened by its address as
 * a marketplace link does; buy a plan and go to the ISV's landing page with `?token=`, ask to be contacted, take a
 * test drive; my subscriptions (`GET /api/storefront/subscriptions`) with their state, change plan, change
 * quantity and cancel (decision 1003).
 */
import { useLocation, useRoute } from 'preact-iso';
import { useState } from 'preact/hooks';
import { enc, get, post, type ApiError } from '../api';
import { ErrorNote, Field, Section, Table, str, useAction, useResource } from '../ui';
import { TestDrive } from './testdrive';

interface Dimension {
  id: string;
  displayName?: string;
  unitOfMeasure?: string;
  enabled: boolean;
  pricePerUnitUSD?: number;
}
interface Plan {
  planId: string;
  name?: string;
  description?: string;
  freeTrial: boolean;
  pricing?: { model: 'flatRate' | 'perUser'; billingTerms: { monthly?: { priceUSD: number }; annual?: { priceUSD: number } }; minUsers?: number; maxUsers?: number; dimensions: Dimension[] };
}
interface StoreOffer {
  publisherId: string;
  offerId: string;
  offerTypeId?: string;
  title?: string;
  plans: Plan[];
}
interface Page<T> {
  items: T[];
  next?: string;
}

/** A list answer's rows under `key`, and its `@nextLink` as a path on this origin. */
function pageOf<T>(body: Record<string, unknown>, key: string): Page<T> {
  const next = typeof body['@nextLink'] === 'string' ? new URL(body['@nextLink']) : undefined;
  return { items: (body[key] as T[] | undefined) ?? [], ...(next ? { next: next.pathname + next.search } : {}) };
}

/** The first page of a list, and "Show more" for the next ones (each appended). */
function usePaged<T>(path: string, key: string) {
  const first = useResource<Record<string, unknown>>(path, true);
  const [more, setMore] = useState<Page<T>[]>([]);
  const { error, busy, run } = useAction();
  const pages = first.data ? [pageOf<T>(first.data, key), ...more] : [];
  const next = pages.at(-1)?.next;
  const loadMore = () =>
    void run(async () => {
      if (next) setMore([...more, pageOf<T>(await get(next), key)]);
    });
  return { items: pages.flatMap((p) => p.items), loaded: first.data !== undefined, error: error ?? first.error, busy, next, loadMore, reload: first.reload };
}

const priceOf = (plan: Plan): string => {
  const terms = plan.pricing?.billingTerms;
  const price = terms?.monthly ? `$${terms.monthly.priceUSD}/month` : terms?.annual ? `$${terms.annual.priceUSD}/year` : '';
  return plan.pricing?.model === 'perUser' ? `${price} per seat` : price;
};

export function Store() {
  const { route } = useLocation();
  const [publisherId, setPublisherId] = useState('contoso');
  const [offerId, setOfferId] = useState('');
  const offers = usePaged<StoreOffer>('/api/storefront/offers', 'offers');
  return (
    <>
      <Section title="Storefront">
        <ErrorNote error={offers.error} />
        {!offers.loaded ? <p aria-busy="true">Loading…</p> : null}
        {offers.loaded ? (
          <Table
            caption="Live offers you can buy"
            rows={offers.items}
            empty="No live offer has a plan your tenant can buy."
            columns={[
              {
                label: 'Offer',
                cell: (o) => <a href={`/console/store/${enc(o.publisherId)}/${enc(o.offerId)}`}>{o.title ?? o.offerId}</a>,
              },
              { label: 'Publisher', cell: (o) => o.publisherId },
              { label: 'Plans', cell: (o) => o.plans.map((p) => `${p.name ?? p.planId} ${priceOf(p)}`.trim()).join('; ') },
            ]}
          />
        ) : null}
        {offers.next ? (
          <button type="button" disabled={offers.busy} onClick={offers.loadMore}>
            Show more offers
          </button>
        ) : null}
      </Section>
      <Section title="Open an offer by its address">
        <form onSubmit={(e) => (e.preventDefault(), route(`/console/store/${enc(publisherId)}/${enc(offerId)}`))}>
          <Field label="Publisher" path="publisherId" value={publisherId} onInput={setPublisherId} required />
          <Field label="Offer" path="offerId" value={offerId} onInput={setOfferId} required />
          <button type="submit">Open offer</button>
        </form>
      </Section>
    </>
  );
}

const usd = (n: number | undefined) => (n === undefined ? '' : `$${n}`);

function BuyForm({ offer, plan }: { offer: StoreOffer; plan: Plan }) {
  const terms = Object.keys(plan.pricing?.billingTerms ?? { monthly: {} }) as ('monthly' | 'annual')[];
  const [term, setTerm] = useState(terms[0] ?? 'monthly');
  const [quantity, setQuantity] = useState(String(plan.pricing?.minUsers ?? 1));
  const { error, busy, run } = useAction();
  const perUser = plan.pricing?.model === 'perUser';
  const buy = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const body = {
        publisherId: offer.publisherId,
        offerId: offer.offerId,
        planId: plan.planId,
        termUnit: term === 'annual' ? 'P1Y' : 'P1M',
        ...(perUser ? { quantity: Number(quantity) } : {}),
      };
      const bought = await post<{ subscriptionId: string; landingPageUrl: string }>('/api/storefront/purchases', body);
      // As the marketplace does: the ISV's landing page, with the purchase token in `?token=`.
      location.assign(bought.landingPageUrl);
    });
  };
  return (
    <form onSubmit={buy} aria-label={`Buy ${plan.name ?? plan.planId}`}>
      <div class="field">
        <label for={`term-${plan.planId}`}>Billing term</label>
        <select id={`term-${plan.planId}`} value={term} onChange={(e) => setTerm((e.target as HTMLSelectElement).value as 'monthly')}>
          {terms.map((t) => (
            <option key={t} value={t}>
              {t} {usd(plan.pricing?.billingTerms[t]?.priceUSD)}
            </option>
          ))}
        </select>
      </div>
      {perUser ? <Field label="Seats" path="quantity" value={quantity} onInput={setQuantity} error={error} inputMode="numeric" /> : null}
      <button type="submit" disabled={busy}>
        Buy {plan.name ?? plan.planId}
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

function ContactMe({ offer }: { offer: StoreOffer }) {
  const [first, setFirst] = useState('');
  const [last, setLast] = useState('');
  const [email, setEmail] = useState('');
  const [company, setCompany] = useState('');
  const [done, setDone] = useState<string | undefined>(undefined);
  const { error, busy, run } = useAction();
  const send = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const lead = await post<{ leadId: string }>('/api/storefront/leads', {
        publisherId: offer.publisherId,
        offerId: offer.offerId,
        trigger: 'ContactMe',
        storefront: 'AzureMarketplace',
        UserDetails: { FirstName: first, LastName: last, Email: email, Company: company },
        Consent: { Given: true, At: new Date().toISOString() },
      });
      setDone(lead.leadId);
    });
  };
  return (
    <form onSubmit={send} aria-label="Contact me">
      <Field label="First name" path="UserDetails.FirstName" value={first} onInput={setFirst} error={error} />
      <Field label="Last name" path="UserDetails.LastName" value={last} onInput={setLast} error={error} />
      <Field label="Work e-mail" path="UserDetails.Email" value={email} onInput={setEmail} error={error} />
      <Field label="Company" path="UserDetails.Company" value={company} onInput={setCompany} error={error} />
      <button type="submit" disabled={busy}>
        Contact me
      </button>
      <ErrorNote error={error} />
      {done ? <p role="status">Sent: the publisher will contact you (lead {done}).</p> : null}
    </form>
  );
}

export function Offer() {
  const { params } = useRoute();
  const offer = useResource<StoreOffer>(`/api/storefront/offers/${enc(params['publisherId'] ?? '')}/${enc(params['offerId'] ?? '')}`);
  if (offer.error) return <ErrorNote error={offer.error} />;
  const o = offer.data;
  if (!o) return <p aria-busy="true">Loading…</p>;
  return (
    <>
      <h1>{o.title ?? o.offerId}</h1>
      <Section title="Plans">
        {o.plans.map((plan) => (
          <article class="plan" key={plan.planId} aria-label={plan.name ?? plan.planId}>
            <h3>{plan.name ?? plan.planId}</h3>
            <p>{plan.description}</p>
            <p>
              {plan.pricing?.model === 'perUser' ? `Per seat (${plan.pricing.minUsers ?? 1}–${plan.pricing.maxUsers ?? '∞'})` : 'Flat rate'}
              {plan.freeTrial ? ', one month free' : ''}
            </p>
            <Table
              caption="Metered dimensions"
              rows={(plan.pricing?.dimensions ?? []).filter((d) => d.enabled)}
              empty="No metered dimensions."
              columns={[
                { label: 'Dimension', cell: (d) => d.displayName ?? d.id },
                { label: 'Unit', cell: (d) => d.unitOfMeasure ?? '' },
                { label: 'Price per unit', cell: (d) => usd(d.pricePerUnitUSD) },
              ]}
            />
            <BuyForm offer={o} plan={plan} />
          </article>
        ))}
      </Section>
      <Section title="Contact me">
        <ContactMe offer={o} />
      </Section>
      <Section title="Test drive">
        <TestDrive publisherId={o.publisherId} offerId={o.offerId} />
      </Section>
    </>
  );
}

interface Subscription {
  id: string;
  name?: string;
  publisherId: string;
  offerId: string;
  planId: string;
  quantity?: number;
  saasSubscriptionStatus: string;
  term?: { termUnit?: string; startDate?: string; endDate?: string };
  autoRenew?: boolean;
  isFreeTrial?: boolean;
}

function MySubscription({ sub, onChanged }: { sub: Subscription; onChanged: () => void }) {
  const id = sub.id;
  const [planId, setPlanId] = useState('');
  const [quantity, setQuantity] = useState('');
  const [last, setLast] = useState<Record<string, unknown> | undefined>(undefined);
  const { error, busy, run } = useAction();
  const act = (action: string, body?: unknown) =>
    void run(async () => {
      setLast(await post(`/api/storefront/subscriptions/${enc(id)}/${action}`, body));
      onChanged();
    });
  const fieldError: ApiError | undefined = error;
  const ended = sub.saasSubscriptionStatus === 'Unsubscribed';
  return (
    <article class="plan" aria-label={`Subscription ${id}`}>
      <h3>
        {sub.name ?? id} <span class="state">{sub.saasSubscriptionStatus}</span>
      </h3>
      <dl class="facts">
        <div>
          <dt>Offer</dt>
          <dd>
            {sub.publisherId}/{sub.offerId}
          </dd>
        </div>
        <div>
          <dt>Plan</dt>
          <dd>
            {sub.planId}
            {sub.quantity !== undefined ? ` × ${sub.quantity} seats` : ''}
            {sub.isFreeTrial ? ' (free trial)' : ''}
          </dd>
        </div>
        <div>
          <dt>Term</dt>
          <dd>
            {sub.term?.startDate ? `${sub.term.startDate.slice(0, 10)} – ${str(sub.term.endDate).slice(0, 10)}` : 'not started'} ({str(sub.term?.termUnit)}
            {sub.autoRenew ? ', renews' : ''})
          </dd>
        </div>
        <div>
          <dt>Id</dt>
          <dd>
            <code>{id}</code>
          </dd>
        </div>
      </dl>
      {ended ? null : (
        <>
          <form onSubmit={(e) => (e.preventDefault(), act('changePlan', { planId }))}>
            <Field label="New plan" path="planId" value={planId} onInput={setPlanId} error={fieldError} />
            <button type="submit" disabled={busy}>
              Change plan
            </button>
          </form>
          <form onSubmit={(e) => (e.preventDefault(), act('changeQuantity', { quantity: Number(quantity) }))}>
            <Field label="New quantity" path="quantity" value={quantity} onInput={setQuantity} error={fieldError} inputMode="numeric" />
            <button type="submit" disabled={busy}>
              Change quantity
            </button>
          </form>
          <button type="button" disabled={busy} onClick={() => act('cancel')}>
            Cancel subscription
          </button>{' '}
          <button
            type="button"
            disabled={busy}
            onClick={() => void run(async () => location.assign((await post<{ landingPageUrl: string }>(`/api/storefront/subscriptions/${enc(id)}/token`)).landingPageUrl))}
          >
            Open the landing page
          </button>
        </>
      )}
      <ErrorNote error={error} />
      {last ? (
        <p role="status">
          Operation {str(last['id'])}: {str(last['action'])} {str(last['status'])}
        </p>
      ) : null}
    </article>
  );
}

export function CustomerSubscriptions() {
  const subs = usePaged<Subscription>('/api/storefront/subscriptions', 'subscriptions');
  return (
    <Section title="My subscriptions">
      <ErrorNote error={subs.error} />
      {!subs.loaded ? <p aria-busy="true">Loading…</p> : null}
      {subs.loaded && subs.items.length === 0 ? <p class="empty">Your tenant has no subscriptions yet.</p> : null}
      {subs.items.map((sub) => (
        <MySubscription key={sub.id} sub={sub} onChanged={() => void subs.reload()} />
      ))}
      {subs.next ? (
        <button type="button" disabled={subs.busy} onClick={subs.loadMore}>
          Show more subscriptions
        </button>
      ) : null}
    </Section>
  );
}
