/** The console's shell: sign-in, the navigation of each principal, and the routes (preact-iso). */
import { render } from 'preact';
import { LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { homeOf, loadConfig, principal, signOut, type Principal } from './auth';
import { SignIn } from './pages/signin';
import { CustomerSubscriptions, Offer, Store } from './pages/store';
import { PublisherOffers, PublisherSubscriptions, Webhooks } from './pages/publisher';
import { Leads, Licensing } from './pages/publisher-leads';
import { Anomalies, Usage } from './pages/usage';
import { Operator } from './pages/operator';
import { Reports } from './pages/reports';
import { MyLicenses } from './pages/licenses';
import './styles.css';

const NAV: Record<Principal['kind'], [string, string][]> = {
  customer: [
    ['/console/store', 'Storefront'],
    ['/console/my/subscriptions', 'My subscriptions'],
    ['/console/my/licenses', 'Licenses'],
  ],
  publisher: [
    ['/console/publisher/offers', 'Offers'],
    ['/console/publisher/subscriptions', 'Subscriptions'],
    ['/console/publisher/webhooks', 'Webhooks'],
    ['/console/publisher/usage', 'Usage'],
    ['/console/publisher/anomalies', 'Anomalies'],
    ['/console/publisher/leads', 'Leads'],
    ['/console/publisher/licensing', 'Licenses'],
    ['/console/publisher/reports', 'Reports'],
  ],
  operator: [['/console/operator', 'Operations']],
};

function who(p: Principal): string {
  if (p.kind === 'publisher') return `publisher ${p.publisherId}`;
  if (p.kind === 'customer') return `customer ${p.email ?? p.name ?? p.userId}`;
  return 'operator';
}

function Shell() {
  const { path, route } = useLocation();
  const [, rerender] = useState(0);
  const p = principal();
  if (!p && path !== '/console/' && path !== '/console') {
    route('/console/', true);
    return null;
  }
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <strong>Marketplace console</strong>
        {p ? (
          <nav aria-label="Main">
            {NAV[p.kind].map(([href, label]) => (
              <a key={href} href={href} aria-current={path.startsWith(href) ? 'page' : undefined}>
                {label}
              </a>
            ))}
          </nav>
        ) : null}
        {p ? (
          <span class="who">
            Signed in as {who(p)}{' '}
            <button
              type="button"
              onClick={() => {
                signOut();
                rerender((n) => n + 1);
                route('/console/');
              }}
            >
              Sign out
            </button>
          </span>
        ) : null}
      </header>
      <main id="main">
        <Router>
          <Route path="/console/" component={() => <SignIn onSignedIn={(q) => route(homeOf(q))} />} />
          <Route path="/console/store" component={Store} />
          <Route path="/console/store/:publisherId/:offerId" component={Offer} />
          <Route path="/console/my/subscriptions" component={CustomerSubscriptions} />
          <Route path="/console/my/licenses" component={MyLicenses} />
          <Route path="/console/publisher/offers" component={PublisherOffers} />
          <Route path="/console/publisher/subscriptions" component={PublisherSubscriptions} />
          <Route path="/console/publisher/webhooks" component={Webhooks} />
          <Route path="/console/publisher/usage" component={Usage} />
          <Route path="/console/publisher/anomalies" component={Anomalies} />
          <Route path="/console/publisher/leads" component={Leads} />
          <Route path="/console/publisher/licensing" component={Licensing} />
          <Route path="/console/publisher/reports" component={Reports} />
          <Route path="/console/operator" component={Operator} />
          <Route default component={() => <p>There is no such page in the console.</p>} />
        </Router>
      </main>
    </>
  );
}

void loadConfig().then(() =>
  render(
    <LocationProvider scope="/console">
      <Shell />
    </LocationProvider>,
    document.getElementById('app') as HTMLElement,
  ),
);
