/**
 * Who is signed in (decision 1001). Locally the person picks a principal and the console asks the local issuer
 * for the token `npm run -s token` would print (`POST /api/local/token`); in Azure (AUTH_MODE=entra) the person
 * signs in with Entra ID through MSAL, loaded only then. Either way the console then sees itself as the API does
 * (`GET /api/me`) and calls only the public APIs with that token. The session lives in sessionStorage, so a
 * reload keeps it and closing the tab ends it.
 */
import type { PublicClientApplication } from '@azure/msal-browser';

export type Choice =
  | { kind: 'customer'; tenant: string; user: string; email?: string; roles?: string[] }
  | { kind: 'publisher'; publisherId: string }
  | { kind: 'operator' };

export type Principal =
  | { kind: 'publisher'; publisherId: string; tenantId: string }
  | { kind: 'customer'; tenantId: string; userId: string; email?: string; name?: string }
  | { kind: 'operator'; tenantId: string; subject: string };

export interface ConsoleConfig {
  authMode: 'local' | 'entra';
  pollMs: number;
  entra?: { clientId: string; authority: string; scopes: string[] };
}

interface Session {
  via: 'local' | 'entra';
  choice?: Choice;
  token: string;
  principal: Principal;
}

const KEY = 'marketplace-console.session';
let config: ConsoleConfig | undefined;

export async function loadConfig(): Promise<ConsoleConfig> {
  if (config) return config;
  const res = await fetch('/console/config.json');
  config = res.ok ? ((await res.json()) as ConsoleConfig) : { authMode: 'local', pollMs: 2000 };
  return config;
}

export const pollMs = () => config?.pollMs ?? 2000;

function read(): Session | undefined {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as Session;
  } catch {
    return undefined;
  }
}

export const session = (): Session | undefined => read();
export const principal = (): Principal | undefined => read()?.principal;

async function whoAmI(token: string): Promise<Principal> {
  const res = await fetch('/api/me', { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { principal?: Principal; detail?: string };
  if (!res.ok || !body.principal) throw new Error(body.detail ?? `The API refused the token (${res.status}).`);
  return body.principal;
}

/** Errors of the local sign-in come back as the API's answer (status and body), for the form to show by field. */
export class SignInRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`The sign-in was refused (${status}).`);
  }
}

async function mint(choice: Choice): Promise<string> {
  const res = await fetch('/api/local/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(choice) });
  const body: unknown = await res.json().catch(() => ({}));
  if (!res.ok) throw new SignInRefused(res.status, body);
  return (body as { access_token: string }).access_token;
}

export async function signInLocal(choice: Choice): Promise<Principal> {
  const token = await mint(choice);
  const who = await whoAmI(token);
  sessionStorage.setItem(KEY, JSON.stringify({ via: 'local', choice, token, principal: who } satisfies Session));
  return who;
}

type Msal = PublicClientApplication;
let msal: Promise<Msal> | undefined;

function entraClient(): Promise<Msal> {
  const entra = config?.entra;
  if (!entra) return Promise.reject(new Error('Entra sign-in is not configured (CONSOLE_ENTRA_CLIENT_ID).'));
  msal ??= import('@azure/msal-browser').then(async ({ PublicClientApplication }) => {
    const client = new PublicClientApplication({
      auth: { clientId: entra.clientId, authority: entra.authority, redirectUri: `${location.origin}/console/` },
      cache: { cacheLocation: 'sessionStorage' },
    });
    await client.initialize();
    return client;
  });
  return msal;
}

export async function signInEntra(): Promise<Principal> {
  const client = await entraClient();
  const scopes = config?.entra?.scopes ?? [];
  const result = await client.loginPopup({ scopes });
  const who = await whoAmI(result.accessToken);
  sessionStorage.setItem(KEY, JSON.stringify({ via: 'entra', token: result.accessToken, principal: who } satisfies Session));
  return who;
}

export async function currentToken(): Promise<string | undefined> {
  return read()?.token;
}

/** A new token for the same person (the old one expired, for example after the test clock moved); false if none. */
export async function refreshToken(): Promise<boolean> {
  const s = read();
  if (!s) return false;
  try {
    if (s.via === 'local' && s.choice) {
      sessionStorage.setItem(KEY, JSON.stringify({ ...s, token: await mint(s.choice) }));
      return true;
    }
    const client = await entraClient();
    const account = client.getAllAccounts()[0];
    if (!account) return false;
    const result = await client.acquireTokenSilent({ scopes: config?.entra?.scopes ?? [], account });
    sessionStorage.setItem(KEY, JSON.stringify({ ...s, token: result.accessToken }));
    return true;
  } catch {
    return false;
  }
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
}

export function homeOf(p: Principal): string {
  if (p.kind === 'customer') return '/console/store';
  if (p.kind === 'publisher') return '/console/publisher/offers';
  return '/console/operator';
}
